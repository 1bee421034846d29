/* Hotline: the desk's call form, typed into at the speed of a live show.
 *
 * Enter saves from every field of a form marked data-enter-submits: on a text
 * field the browser does that already; on a select or a checkbox Enter would
 * open the list or do nothing, so we submit.
 *
 * A form marked data-keeps-typing is answered with a fresh copy of itself
 * (outerHTML). The moderator does not wait for that answer: whatever was typed
 * into the old form after it was sent is carried into the new one, so no
 * keystroke is lost to the swap; and focus goes back to the first field (the
 * one with autofocus), or stays in the field being typed in. An answer with
 * errors (the form back as it was sent) keeps what the fields hold now.
 * Static file, no inline script: the CSP stays strict.
 */
(() => {
  "use strict";

  const KEEPS_ENTER = /^(TEXTAREA|BUTTON|SUMMARY|A)$/;

  document.addEventListener("keydown", (evt) => {
    if (evt.key !== "Enter" || evt.isComposing || evt.shiftKey || evt.altKey) return;
    const el = evt.target;
    if (!(el instanceof Element) || KEEPS_ENTER.test(el.tagName)) return;
    const form = el.closest("form[data-enter-submits]");
    if (!form || !(el.matches("select") || el.matches("input[type=checkbox], input[type=radio]"))) {
      return;
    }
    evt.preventDefault(); // an open select list is not what the moderator asked for
    form.requestSubmit();
  });

  const KEPT = "form[data-keeps-typing]";

  // The fields a person types into or picks (not the hidden keys, not buttons).
  function typed(form) {
    return Array.from(form.elements).filter((el) => el.name && !el.disabled
      && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)
      && !/^(hidden|submit|button|reset|file|image)$/.test(el.type));
  }
  const valueOf = (el) => (el.type === "checkbox" || el.type === "radio" ? el.checked : el.value);

  const sent = new WeakMap(); // form -> {name: value} as it was sent
  let carry = null; // from the old form to its fresh copy: {values, focus}

  document.addEventListener("htmx:beforeRequest", (evt) => {
    const form = evt.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.matches(KEPT)) return;
    const values = {};
    typed(form).forEach((el) => { values[el.name] = valueOf(el); });
    sent.set(form, values);
  });

  // What the old form holds that its answer does not: typed after sending
  // (kept whole when the answer is the form with its errors).
  function leftover(form, saved) {
    const then = sent.get(form) || {}, values = {};
    typed(form).forEach((el) => {
      const now = valueOf(el), was = then[el.name];
      if (!saved) { values[el.name] = now; return; }
      if (now === was) return; // untouched since it was sent
      if (typeof now === "string" && typeof was === "string" && was) {
        if (now.startsWith(was)) { if (now.length > was.length) values[el.name] = now.slice(was.length); return; }
        if (was.startsWith(now)) return; // only rubbed out: nothing new to keep
      }
      values[el.name] = now;
    });
    return values;
  }

  document.addEventListener("htmx:beforeSwap", (evt) => {
    const form = evt.detail.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(KEPT) || !evt.detail.shouldSwap) return;
    const saved = evt.detail.xhr.status < 400;
    const values = leftover(form, saved);
    const active = document.activeElement;
    const inside = active && form.contains(active) && active.name && active.name in values;
    carry = {values, focus: inside ? active.name : null, saved};
    sent.delete(form);
  });

  document.addEventListener("htmx:afterSwap", (evt) => {
    const form = evt.target;
    if (!carry || !(form instanceof HTMLFormElement) || !form.matches(KEPT)) return;
    Object.keys(carry.values).forEach((name) => {
      const el = form.elements.namedItem(name);
      if (!el || !(el instanceof HTMLElement)) return;
      const value = carry.values[name];
      if (typeof value === "boolean") el.checked = value;
      // An error answer carries the text as sent: what the field holds now wins.
      else el.value = carry.saved ? value + (el.value || "") : value;
      const fold = el.closest("details");
      if (fold && value !== "" && value !== false) fold.open = true;
    });
  });

  // After the settle (htmx has run autofocus by then): the field being typed
  // in keeps the focus, with the caret at the end; otherwise the first field.
  document.addEventListener("htmx:afterSettle", (evt) => {
    const form = evt.target;
    if (!carry || !(form instanceof HTMLFormElement) || !form.matches(KEPT)) return;
    const named = carry.focus && form.elements.namedItem(carry.focus);
    const el = named instanceof HTMLElement ? named : form.querySelector("[autofocus]");
    carry = null;
    if (!el) return;
    el.focus({preventScroll: true});
    if (typeof el.setSelectionRange === "function" && /^(text|search|tel|url)$/.test(el.type)) {
      const end = el.value.length;
      try { el.setSelectionRange(end, end); } catch (e) { /* not a text field after all */ }
    }
  });
})();
