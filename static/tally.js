/* Renderers that report back (tally).
 *
 * An overlay page (a browser source in OBS or vMix) tells the server what it
 * shows: the on-air kind and item and the card's verification code, read from
 * the overlay region's data-tally-* attributes (templates/public/_tally.html),
 * with the token of its meta tag. It reports at once when the region changes
 * and every few seconds as a heartbeat, over the socket static/live.js opened
 * (window.hotlineLive.socket). The page names itself with a random id kept in
 * sessionStorage, so a reload is the same renderer. The desk may tell it to
 * reload: the server sends "reload" to this page's own room, and the page
 * obeys only its own id. Static file, no inline script: CSP stays strict.
 */
(() => {
  "use strict";

  const HEARTBEAT_MS = 3000;
  const KEY = "hotline-renderer";
  const ID = /^[A-Za-z0-9_-]{16,64}$/;

  function fresh() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    const id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    try { window.sessionStorage.setItem(KEY, id); } catch (e) { /* storage off: one id per load */ }
    return id;
  }

  function start() {
    const meta = document.querySelector('meta[name="hotline-renderer"]');
    if (!meta || !window.crypto) return;
    const token = meta.content;
    let id = null;
    try { id = window.sessionStorage.getItem(KEY); } catch (e) { /* storage off */ }
    if (!id || !ID.test(id)) id = fresh();

    let bound = null; // the socket our listeners are on (live.js makes a new one on boot)
    let soon = null;

    function showing() {
      const el = document.querySelector("[data-tally-kind]");
      const data = el ? el.dataset : {};
      return {kind: data.tallyKind || "", item: data.tallyItem || "", code: data.tallyCode || ""};
    }

    function report() {
      const live = window.hotlineLive;
      const socket = live && live.socket;
      if (!socket) return;
      if (bound !== socket) {
        bound = socket;
        socket.on("connect", () => later(100));
        socket.on("reload", (msg) => {
          if (msg && msg.renderer === id) window.location.reload();
        });
      }
      if (!socket.connected) return;
      socket.timeout(5000).emit("tally", {token, renderer: id, ...showing()}, (err, answer) => {
        if (err || !answer || answer.ok) return;
        if (answer.reason === "taken") { id = fresh(); later(600); } // a duplicated tab: a new id
        else if (answer.reason === "too_fast") later(600);
      });
    }

    function later(ms) {
      clearTimeout(soon);
      soon = setTimeout(report, ms);
    }

    // The overlay region was swapped (a push or a refetch): say so at once.
    document.body.addEventListener("live:swapped", () => later(150));
    document.body.addEventListener("htmx:afterSettle", () => later(150));
    setInterval(report, HEARTBEAT_MS);
    later(300);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
