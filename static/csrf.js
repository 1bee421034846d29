/* Hotline: CSRF header and error display for htmx requests.
 *
 * Static file (strict CSP, no inline script). Listeners sit on `document` so
 * this works whether it is loaded in <head> or at the end of <body>.
 */
(() => {
  "use strict";

  // Safe methods change nothing, so they need no token (and must not leak it).
  const SAFE = /^(GET|HEAD|OPTIONS|TRACE)$/i;
  // Statuses whose HTML body is meant to be shown in place: field errors (400,
  // 422), edit conflicts (409), rate limiting (429).
  const IN_PLACE = [400, 409, 422, 429];

  document.addEventListener("htmx:configRequest", (evt) => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    const token = meta && meta.getAttribute("content");
    if (token && !SAFE.test(evt.detail.verb)) evt.detail.headers["X-CSRFToken"] = token;
  });

  document.addEventListener("htmx:beforeSwap", (evt) => {
    if (IN_PLACE.includes(evt.detail.xhr.status)) {
      evt.detail.shouldSwap = true; // htmx 2 does not swap 4xx by default
      evt.detail.isError = false;   // ...and would then report it as an error
    }
  });

  // The banner and both messages are server-rendered (translated); we only
  // choose which message to show.
  function show(which) {
    const el = document.getElementById("net-error");
    if (!el) return;
    const msg = el.getAttribute("data-msg-" + which);
    if (msg) el.textContent = msg;
    el.hidden = false;
  }

  document.addEventListener("htmx:sendError", () => show("network"));
  document.addEventListener("htmx:timeout", () => show("network"));
  document.addEventListener("htmx:responseError", (evt) => {
    const status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    // 503 is the database's "busy, nothing saved": the form is left as it was
    // (the text typed in it is kept), and the banner says to try again.
    if (status === 503) show("busy");
    else if (status >= 500) show("server");
    // Gone or no longer ours (e.g. the call was routed to another department):
    // say so rather than leave a button that seems to do nothing.
    else if (status === 403 || status === 404) show("denied");
  });
  document.addEventListener("htmx:afterRequest", (evt) => {
    const el = document.getElementById("net-error");
    if (el && evt.detail.successful) el.hidden = true;
  });
})();
