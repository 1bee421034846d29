/* Hotline live regions.
 *
 * The server renders a changed block of HTML once and pushes it over Socket.IO
 * as {room, target, swap, html, seq}; we hand it to htmx so pushed HTML behaves
 * exactly like fetched HTML (hx- attributes processed, htmx events fired).
 * HTTP stays the source of truth: on a reconnect or a gap in `seq` we refetch
 * the live regions (elements with data-live-refetch) instead of guessing.
 * Static file, no inline script, no JSON-to-DOM building: CSP stays strict.
 */
(() => {
  "use strict";

  function start() {
    const body = document.body;
    // Without the vendored libraries the pages stay plain HTML.
    if (!body || typeof io !== "function" || typeof htmx === "undefined") return;

    const last = Object.create(null); // room -> highest seq the DOM reflects
    let socket = null, everConnected = false, timer = null, catchUps = 0, audio = null;
    let retry = null; // a refused connection's next try
    let beat = null; // the staff desk's heartbeat
    // Staff pages tell the server every minute that they are open: a desk on a
    // live show stays signed in through the broadcast, and an expired session
    // is noticed (the page reloads to the sign-in page) instead of going quiet.
    const HEARTBEAT_MS = 60000;
    // Refused because the server is full: socket.io never retries that by itself;
    // we do, at a random moment 20-60 s later, so the crowd does not come back at once.
    const RETRY_MIN_MS = 20000, RETRY_SPREAD_MS = 40000;

    const setState = (state) => { // CSS shows the matching server-rendered span
      const el = document.getElementById("live-status");
      if (el) el.setAttribute("data-state", state);
    };

    // Max data-live-seq per room inside root (root included).
    function seqsIn(root) {
      const found = {};
      const els = Array.from(root.querySelectorAll("[data-live-room]"));
      if (root.matches("[data-live-room]")) els.push(root);
      els.forEach((el) => {
        const room = el.dataset.liveRoom, seq = Number(el.dataset.liveSeq) || 0;
        found[room] = Math.max(found[room] || 0, seq);
      });
      return found;
    }

    // Merge into `last` (seqs only go up); return rooms never seen before.
    function learn(found) {
      const fresh = Object.keys(found).filter((room) => !(room in last));
      Object.keys(found).forEach((room) => { last[room] = Math.max(last[room] || 0, found[room]); });
      return fresh;
    }

    // Debounced: a burst of gaps or a reconnect costs one round of GETs.
    function refetch() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        document.querySelectorAll("[data-live-refetch]").forEach((el) => {
          // source: el gives each region its own request queue; with the default
          // source (body) htmx would queue them and drop all but the last one.
          htmx.ajax("GET", el.dataset.liveRefetch, {source: el, target: el, swap: "outerHTML"})
            .catch(() => {}); // failures are reported through htmx events (csrf.js)
        });
      }, 300);
    }

    // Join rooms; the ack {room: currentSeq} tells us whether we missed anything.
    function join(rooms) {
      if (!rooms.length || !socket || !socket.connected) return;
      socket.timeout(5000).emit("join", {rooms}, (err, current) => {
        if (err || !current) return refetch(); // no answer: fall back to HTTP
        rooms.forEach((room) => {
          const seq = Number(current[room]);
          if (!(seq >= 0)) return;
          if (seq > (last[room] || 0)) refetch();
          last[room] = Math.max(last[room] || 0, seq);
        });
      });
    }

    // Short beep for alerts; autoplay policies may block it, the CSS cue remains.
    function beep() {
      try {
        audio = audio || new (window.AudioContext || window.webkitAudioContext)();
        if (audio.state === "suspended") audio.resume().catch(() => {});
        const osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = 880; gain.gain.value = 0.1;
        osc.connect(gain).connect(audio.destination);
        osc.start(); osc.stop(audio.currentTime + 0.2);
      } catch (e) { /* no WebAudio or blocked */ }
    }

    function onSwap(msg) {
      const room = msg.room, seq = Number(msg.seq), known = last[room];
      if (known !== undefined && seq <= known) return; // already in the DOM (e.g. via a refetch)
      last[room] = seq;
      if (known !== undefined && seq > known + 1) return refetch(); // missed some: ask HTTP
      let target = null;
      try { target = document.querySelector(msg.target); } catch (e) { /* bad selector */ }
      if (!target) return; // that part is not on this page
      let style = String(msg.swap || "innerHTML").trim().split(/\s+/)[0];
      const html = msg.html || "";
      // An inserted item this page already shows (the sender's own response put
      // it there, or a refetch did) replaces its copy instead of doubling it.
      if (/^(afterbegin|beforeend|beforebegin|afterend)$/.test(style)) {
        const m = /^\s*<[a-z]+[^>]*\sid="([^"]+)"/i.exec(html);
        const existing = m && document.getElementById(m[1]);
        if (existing) { target = existing; style = "outerHTML"; }
      }
      const inside = /^(innerHTML|textContent|afterbegin|beforeend)$/.test(style);
      const holder = inside ? target : target.parentElement;
      if (!holder) return;
      const before = new Set(holder.children);
      const remove = style === "delete" || (style === "outerHTML" && !html.trim());
      // swapDelay 0 + no view transition => htmx swaps synchronously; settle keeps
      // htmx's default delay so htmx-added/htmx-settling CSS behaves as for fetches.
      htmx.swap(target, html, {
        swapStyle: remove ? "delete" : style, swapDelay: 0,
        settleDelay: htmx.config.defaultSettleDelay, transition: false, ignoreTitle: true,
      }, {contextElement: target});
      const added = Array.from(holder.children).filter((el) => !before.has(el));
      const hit = (style === "innerHTML" || style === "textContent") ? [target]
        : (added.length ? added : [holder]);
      const detail = {room, seq, target: msg.target, swap: style};
      hit.forEach((el) => el.dispatchEvent(new CustomEvent("live:swapped", {bubbles: true, detail})));
      const alerts = [];
      added.forEach((el) => {
        if (el.matches("[data-live-alert]")) alerts.push(el);
        alerts.push(...el.querySelectorAll("[data-live-alert]"));
      });
      alerts.forEach((el) => el.classList.add("live-new"));
      // "Your view is out of date": reload just that region, at a random moment
      // within a few seconds, so a thousand filtered boards don't ask at once.
      added.forEach((el) => {
        if (!el.matches("[data-live-refetch-soon]")) return;
        const region = el.closest("[data-live-refetch]");
        if (!region) return;
        setTimeout(() => {
          if (!region.isConnected) return;
          htmx.ajax("GET", region.dataset.liveRefetch, {source: region, target: region, swap: "outerHTML"})
            .catch(() => {});
        }, 500 + Math.random() * 4500);
      });
      if (alerts.length && body.dataset.liveSound === "on") beep();
    }

    // A desk's own save in flight (its form marked data-keeps-typing): pushes
    // wait for the answer, so the new row never shows before the form is fresh
    // (the moderator takes the row for "saved" and types on). Bounded, in case
    // the answer never comes; forms.js keeps whatever is typed meanwhile.
    const HOLD_MS = 5000;
    let held = null, holdTimer = null;
    const saving = () => document.querySelector("form.htmx-request[data-keeps-typing]") !== null;
    function release() {
      clearTimeout(holdTimer);
      const waiting = held || [];
      held = null;
      waiting.forEach(onSwap);
    }
    function receive(msg) {
      if (held) return void held.push(msg);
      if (!saving()) return onSwap(msg);
      held = [msg];
      holdTimer = setTimeout(release, HOLD_MS);
    }
    ["htmx:afterRequest", "htmx:afterSettle", "htmx:sendError", "htmx:responseError", "htmx:timeout"]
      .forEach((name) => document.addEventListener(name, () => { if (held && !saving()) release(); }));

    // Fetched or pushed fragments carry fresh data-live-seq values: learn them.
    body.addEventListener("htmx:afterSettle", (evt) => {
      const el = evt.target;
      if (!(el instanceof Element)) return;
      if (el === body) return boot(); // boosted navigation: a new page, new rooms
      const found = seqsIn(el);
      if (el.hasAttribute("data-live-refetch")) {
        // Rendered before a push we had already applied? Then the push was
        // overwritten: fetch again (bounded, in case the server lags).
        const behind = Object.keys(found).some((r) => found[r] < (last[r] || 0));
        if (!behind) catchUps = 0;
        else if (catchUps++ < 3) refetch();
      }
      join(learn(found)); // new rooms appeared in the fragment
    });

    // The other half of the rule in onSwap: an item a response inserts out of
    // band (the row of a call just logged) that a push already put on the page
    // is not doubled; the copy there is as new as the response, or newer.
    body.addEventListener("htmx:oobBeforeSwap", (evt) => {
      const d = evt.detail, frag = d && d.fragment;
      const el = frag && frag.firstElementChild;
      // An outerHTML swap replaces its own target (same id): that goes ahead.
      if (el && el.id && el.id !== d.target.id && document.getElementById(el.id)) d.shouldSwap = false;
    });

    // The sound cue is opt-in (browsers block audio until the user interacts).
    document.addEventListener("change", (evt) => {
      if (evt.target.matches && evt.target.matches("[data-live-sound-toggle]")) {
        body.dataset.liveSound = evt.target.checked ? "on" : "off";
      }
    });

    // (Re)start for the page in view. The page names its namespace with
    // data-live-ns on an element inside <body> (hx-boost swaps the body's
    // content, not its attributes); pages without it stay plain HTML.
    function boot() {
      if (socket) { socket.removeAllListeners(); socket.io.removeAllListeners(); socket.disconnect(); }
      socket = null; everConnected = false; clearTimeout(timer); clearTimeout(retry); clearInterval(beat);
      clearTimeout(holdTimer); held = null;
      Object.keys(last).forEach((room) => { delete last[room]; });
      const holder = document.querySelector("[data-live-ns]");
      const ns = holder && holder.dataset.liveNs;
      window.hotlineLive = {socket: null};
      if (!ns) return;
      learn(seqsIn(body));
      setState("connecting");
      // Default transports (long-polling first, then upgrade): works with WebSockets blocked.
      socket = io(ns, {forceNew: true});
      socket.on("connect", () => {
        setState("connected");
        if (everConnected) refetch(); // we were away: the DOM may be behind
        everConnected = true;
        join(Object.keys(last));
      });
      socket.on("disconnect", () => setState("disconnected"));
      socket.on("connect_error", (err) => {
        if (!(err && err.data && err.data.reason === "too_many_viewers")) return setState("disconnected");
        setState("full"); // the page's own span says so, translated (macros.html live_status)
        const mine = socket;
        clearTimeout(retry);
        retry = setTimeout(() => {
          if (socket === mine && !mine.connected) { setState("connecting"); mine.connect(); }
        }, RETRY_MIN_MS + Math.random() * RETRY_SPREAD_MS);
      });
      socket.io.on("reconnect_attempt", () => setState("connecting"));
      socket.on("swap", receive);
      // Signed out elsewhere or the account was disabled: reload, which shows the
      // sign-in page instead of a console that silently stopped updating.
      socket.on("signed_out", () => window.location.reload());
      if (ns === "/desk") {
        const mine = socket;
        beat = setInterval(() => {
          if (!mine.connected) return;
          mine.timeout(10000).emit("heartbeat", {}, (err, answer) => {
            if (!err && answer && answer.signed_in === false) window.location.reload();
          });
        }, HEARTBEAT_MS);
      }
      window.hotlineLive = {socket};
    }

    body.addEventListener("htmx:historyRestore", boot);
    boot();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
