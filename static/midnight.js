/* Statuses are computed when a page is rendered, so "due today" becomes
 * "overdue" at local midnight without any job. An open page learns that moment
 * from the server (<main data-refetch-at="ISO time">) and then refetches its
 * live regions over HTTP, the same way live.js does after a reconnect.
 * A random delay of up to a minute spreads the requests of many open pages.
 */
(() => {
  "use strict";
  const DAY = 24 * 3600 * 1000;

  // Something typed and not yet sent? Then a reload would lose it.
  function typing() {
    return Array.from(document.querySelectorAll("input, textarea, select")).some((el) => {
      if (el.type === "hidden" || el.readOnly) return false;
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
      return el.value !== el.defaultValue;
    });
  }

  function refetch() {
    if (typeof htmx === "undefined") return;
    const regions = document.querySelectorAll("[data-live-refetch]");
    regions.forEach((el) => {
      htmx.ajax("GET", el.dataset.liveRefetch, {source: el, target: el, swap: "outerHTML"})
        .catch(() => {}); // failures are reported through htmx events (csrf.js)
    });
    // A page without live regions of its own (scorecard, lists, report; the
    // site's on-air banner is on every page) reloads whole, unless the reader
    // is in the middle of typing.
    const own = Array.from(regions).filter((el) => el.id !== "on-air-banner");
    if (!own.length && !typing()) window.location.reload();
  }

  function schedule(at) {
    const wait = at - Date.now() + 1000 + Math.random() * 60000;
    setTimeout(() => { refetch(); schedule(at + DAY); }, Math.max(wait, 1000));
  }

  function start() {
    const holder = document.querySelector("[data-refetch-at]");
    const at = Date.parse((holder && holder.dataset.refetchAt) || "");
    if (at) schedule(at);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
