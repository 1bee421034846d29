/* Hotline live regions.
 *
 * The server renders a changed block of HTML once and pushes it as
 * {room, target, swap, html, seq}; we hand it to htmx so pushed HTML behaves
 * exactly like fetched HTML (hx- attributes processed, htmx events fired).
 * HTTP stays the source of truth: on a reconnect or a gap in `seq` we refetch
 * the live regions (elements with data-live-refetch) instead of guessing.
 * Two transports bring the messages, and everything after them is one path:
 * Socket.IO (the staff's /desk, and public pages in the embedded shape), or,
 * for a public page carrying data-live-edge, nginx's nchan (the production
 * shape's public edge: WebSocket, else EventSource; hotline/realtime/edge.py).
 * Static file, no inline script, no JSON-to-DOM building: CSP stays strict.
 */
(() => {
  "use strict";

  function start() {
    const body = document.body;
    // Without the vendored libraries the pages stay plain HTML.
    if (!body || typeof htmx === "undefined") return;

    const last = Object.create(null); // room -> highest seq the DOM reflects
    let link = null; // the page's transport: {join(rooms), close()}
    let everConnected = false, timer = null, catchUps = 0, audio = null;
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

    // What a transport tells the page, the same for both.
    // Connected; `resumed`: nothing was lost meanwhile that messages won't bring
    // (nchan replays what a page missed), else the regions are refetched.
    function connected(resumed) {
      setState("connected");
      if (everConnected && !resumed) refetch(); // we were away: the DOM may be behind
      everConnected = true;
    }
    // A room's current number, as the server says it is now.
    function current(room, seq) {
      if (!(seq >= 0)) return;
      if (seq > (last[room] || 0)) refetch();
      last[room] = Math.max(last[room] || 0, seq);
    }
    // Refused because the server is full: neither transport retries that by
    // itself; we do, at a random moment 20-60 s later, so the crowd does not
    // come back at once. The page's own span says so, translated (macros.html).
    function full(again) {
      setState("full");
      clearTimeout(retry);
      retry = setTimeout(() => { setState("connecting"); again(); }, RETRY_MIN_MS + Math.random() * RETRY_SPREAD_MS);
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

    // A refetched region comes back with its forms empty: what was typed in them
    // meanwhile (a field that differs from how it was served) is put back, and
    // the field being typed in keeps the focus. Nothing typed is lost to a refetch.
    let typing = null;
    body.addEventListener("htmx:beforeSwap", (evt) => {
      const el = evt.detail.target;
      if (!(el instanceof Element) || !el.hasAttribute("data-live-refetch")) return;
      typing = {fields: [], focus: el.contains(document.activeElement) ? document.activeElement.id : ""};
      el.querySelectorAll("input[id]:not([type=hidden]), textarea[id]").forEach((f) => {
        const box = f.type === "checkbox" || f.type === "radio";
        if (box ? f.checked !== f.defaultChecked : f.value !== f.defaultValue) {
          typing.fields.push([f.id, box, box ? f.checked : f.value]);
        }
      });
    });
    body.addEventListener("htmx:afterSwap", () => {
      if (!typing) return;
      const kept = typing;
      typing = null;
      kept.fields.forEach(([id, box, value]) => {
        const f = document.getElementById(id);
        if (f) { if (box) f.checked = value; else f.value = value; }
      });
      const again = kept.focus && document.getElementById(kept.focus);
      if (again) again.focus({preventScroll: true});
    });

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
      if (link) link.join(learn(found)); // new rooms appeared in the fragment
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
    // Socket.IO: join rooms; the ack {room: currentSeq} tells us whether we missed anything.
    function overSocketIO(ns) {
      if (typeof io !== "function") return null; // without the vendored library: plain HTML
      // Default transports (long-polling first, then upgrade): works with WebSockets blocked.
      const socket = io(ns, {forceNew: true});
      function join(rooms) {
        if (!rooms.length || !socket.connected) return;
        socket.timeout(5000).emit("join", {rooms}, (err, now) => {
          if (err || !now) return refetch(); // no answer: fall back to HTTP
          rooms.forEach((room) => current(room, Number(now[room])));
        });
      }
      socket.on("connect", () => { connected(false); join(Object.keys(last)); });
      socket.on("disconnect", () => setState("disconnected"));
      socket.on("connect_error", (err) => {
        if (!(err && err.data && err.data.reason === "too_many_viewers")) return setState("disconnected");
        full(() => { if (link && link.socket === socket && !socket.connected) socket.connect(); });
      });
      socket.io.on("reconnect_attempt", () => setState("connecting"));
      socket.on("swap", receive);
      // Signed out elsewhere or the account was disabled: reload, which shows the
      // sign-in page instead of a console that silently stopped updating.
      socket.on("signed_out", () => window.location.reload());
      if (ns === "/desk") {
        beat = setInterval(() => {
          if (!socket.connected) return;
          socket.timeout(10000).emit("heartbeat", {}, (err, answer) => {
            if (!err && answer && answer.signed_in === false) window.location.reload();
          });
        }, HEARTBEAT_MS);
      }
      return {
        socket, join,
        close() { socket.removeAllListeners(); socket.io.removeAllListeners(); socket.disconnect(); },
      };
    }

    // nchan (the public edge): one connection for the page's rooms in its
    // language, `base` + "/" + "board,show:3". Each message is a JSON array of
    // one change's messages to one room. A new connection gets each room's
    // last message (its seq says whether the page missed a change since it was
    // rendered); a reconnecting one sends the last message id it saw and gets
    // what it missed, or, if that is gone from nchan's buffer, the oldest kept,
    // whose seq shows the gap. Away longer than the buffer lasts, it refetches.
    function overEdge(base) {
      const MAX_ROOMS = 8, AWAY_MAX_MS = 10 * 60000, BACKOFF_MAX_MS = 30000;
      let rooms = [], conn = null, lastId = "", opened = false, wanted = true;
      let eventSource = false; // WebSocket failed before it opened (blocked): EventSource
      let again = null, tries = 0, lostAt = 0;
      function open() {
        clearTimeout(again);
        if (!wanted || !rooms.length || conn) return;
        setState("connecting");
        opened = false;
        const path = base + "/" + rooms.join(",") + (lastId ? "?last_event_id=" + encodeURIComponent(lastId) : "");
        if (!eventSource && typeof WebSocket === "function") {
          const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
          // ws+meta.nchan: each message comes with its id, so the connection can resume.
          const ws = conn = new WebSocket(scheme + window.location.host + path, "ws+meta.nchan");
          ws.onopen = () => { if (conn === ws) up(); };
          ws.onmessage = (evt) => {
            if (conn !== ws) return;
            const text = String(evt.data), cut = text.indexOf("\n\n");
            const id = /^id: (.*)$/m.exec(cut < 0 ? "" : text.slice(0, cut));
            got(id ? id[1] : "", cut < 0 ? text : text.slice(cut + 2));
          };
          ws.onclose = () => {
            if (conn !== ws) return;
            conn = null;
            if (opened) return lost();
            if (typeof EventSource === "function") { eventSource = true; return open(); }
            lost();
          };
        } else if (typeof EventSource === "function") {
          const es = conn = new EventSource(path);
          es.onopen = () => { if (conn === es) up(); };
          es.onmessage = (evt) => { if (conn === es) got(evt.lastEventId, evt.data); };
          es.onerror = () => {
            if (conn !== es) return;
            if (es.readyState !== EventSource.CLOSED) { // the browser tries again, with the last id
              if (opened) { opened = false; lostAt = lostAt || Date.now(); setState("disconnected"); }
              return;
            }
            es.close(); conn = null;
            if (opened) return lost();
            // Refused outright (429: the edge holds all the viewers it may):
            // try again later, WebSocket first.
            eventSource = false;
            full(() => { if (wanted && !conn) open(); });
          };
        }
      }
      function up() {
        opened = true; tries = 0;
        connected(!lostAt || Date.now() - lostAt < AWAY_MAX_MS);
        lostAt = 0;
      }
      function got(id, data) {
        if (id) lastId = id;
        let messages = null;
        try { messages = JSON.parse(data); } catch (e) { return; }
        (Array.isArray(messages) ? messages : [messages]).forEach((msg) => { if (msg && msg.room) receive(msg); });
      }
      function lost() {
        lostAt = lostAt || Date.now();
        setState("disconnected");
        const wait = Math.min(BACKOFF_MAX_MS, 1000 * 2 ** tries++) * (0.5 + Math.random());
        again = setTimeout(open, wait);
      }
      function drop() {
        clearTimeout(again);
        if (!conn) return;
        const old = conn;
        conn = null;
        old.close();
      }
      return {
        join(list) {
          const fresh = list.filter((room) => rooms.indexOf(room) < 0);
          if (!fresh.length) return;
          rooms = rooms.concat(fresh).slice(0, MAX_ROOMS);
          lastId = ""; // another set of channels: ids of the old set mean nothing to it
          drop();
          open();
        },
        close() { wanted = false; drop(); },
        // For tests: the phone goes offline, and comes back.
        disconnect() { wanted = false; drop(); lostAt = lostAt || Date.now(); setState("disconnected"); },
        connect() { wanted = true; open(); },
      };
    }

    function boot() {
      if (link) link.close();
      link = null; everConnected = false; clearTimeout(timer); clearTimeout(retry); clearInterval(beat);
      clearTimeout(holdTimer); held = null;
      Object.keys(last).forEach((room) => { delete last[room]; });
      const holder = document.querySelector("[data-live-ns]");
      const ns = holder && holder.dataset.liveNs;
      window.hotlineLive = {socket: null, edge: null};
      if (!ns) return;
      learn(seqsIn(body));
      const edge = holder.dataset.liveEdge;
      link = edge ? overEdge(edge) : overSocketIO(ns);
      if (!link) return;
      window.hotlineLive = {socket: link.socket || null, edge: edge ? link : null};
      setState("connecting");
      link.join(Object.keys(last));
    }

    body.addEventListener("htmx:historyRestore", boot);
    boot();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
