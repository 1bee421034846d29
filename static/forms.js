/* Hotline: Enter saves from every field of a form marked data-enter-submits
 * (the desk's call form): on a text field the browser does that already; on a
 * select or a checkbox Enter would open the list or do nothing, so we submit.
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
})();
