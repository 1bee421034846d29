/* Hotline: cue → preview → take.
 *
 * On the overlay (program and preview): an element with data-out-ms (the
 * lower third, the QR bug) leaves by itself when its auto-out comes, whether
 * or not any desk is open; the server ignores it from then on too.
 * On the desk: at the next auto-out (data-cue-out-ms in the cue panel) the
 * panel is fetched again, which clears what has gone for every desk and
 * overlay; and the keys: F8 takes the preview to program, F9 takes the next
 * cued item, Shift+F8 clears program and preview (docs/guide.md).
 * Static file, no inline script: the CSP stays strict.
 */
(() => {
  "use strict";

  const timers = [];

  // The deadline is measured from when the element first appeared here.
  function deadline(el, attr) {
    if (!el.dataset.outAt) el.dataset.outAt = String(Date.now() + (Number(el.getAttribute(attr)) || 0));
    return Number(el.dataset.outAt);
  }

  function arm() {
    timers.splice(0).forEach(clearTimeout);
    document.querySelectorAll("[data-out-ms]").forEach((el) => {
      if (el.getAttribute("data-state") !== "on") return;
      timers.push(setTimeout(() => {
        if (el.isConnected) el.setAttribute("data-state", "off");
      }, Math.max(0, deadline(el, "data-out-ms") - Date.now())));
    });
    document.querySelectorAll("[data-cue-out-ms]").forEach((el) => {
      const panel = el.closest("[data-live-refetch]");
      if (!panel || typeof htmx === "undefined") return;
      timers.push(setTimeout(() => {
        if (!panel.isConnected) return;
        htmx.ajax("GET", panel.dataset.liveRefetch, {source: panel, target: panel, swap: "outerHTML"})
          .catch(() => {});
      }, Math.max(0, deadline(el, "data-cue-out-ms") - Date.now()) + 250));
    });
  }

  const KEYS = {F8: "cue-take", F9: "cue-next"};
  document.addEventListener("keydown", (evt) => {
    if (evt.altKey || evt.ctrlKey || evt.metaKey || evt.isComposing) return;
    const id = evt.key === "F8" && evt.shiftKey ? "cue-clear" : (!evt.shiftKey && KEYS[evt.key]);
    const button = id && document.getElementById(id);
    if (!button || !button.form) return;
    evt.preventDefault();
    button.form.requestSubmit(button);
  });

  function start() {
    arm();
    document.body.addEventListener("htmx:afterSettle", arm);
    document.body.addEventListener("live:swapped", arm);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
