"""The public edge: in the production shape, viewers' live updates are fanned
out by nginx's nchan module instead of this process's Socket.IO.

With HOTLINE_EDGE_PUBLISH_URL set, live.publish() hands each public room's
rendered `swap` messages (the same envelope: room, target, swap, html, seq;
rendered once per locale as always) to collect() instead of emitting them on
/live, and flush() posts them, after the change's batch is rendered, to
nchan's publisher location: one HTTP request per channel and change (a JSON
array of the change's messages for that room, in order), over keep-alive
connections kept in a small pool. A channel is a room in one language: group
`zh_CN` or `en`, id the room's own name (`show:12`), the same allowlist as
/live but for the overlay's rooms (ROOM below); staff rooms never get here.

Public pages then subscribe to nchan (static/live.js: WebSocket, else
EventSource) at HOTLINE_EDGE_SUBSCRIBE_URL; nchan's message ids let a
reconnecting page resume where it left off, and the `seq` numbers still show
it a gap, which it fills over plain HTTP. So a failed publish costs nobody
more than a refetch: it is logged, never raised into the staff action that
made the change. Without the setting nothing here runs (the embedded default).
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, g
from markupsafe import Markup, escape

log = logging.getLogger("hotline.edge")

# A publish waits at most this long for nginx: the staff action that made the
# change is waiting too, and viewers who miss it catch up over HTTP.
TIMEOUT_SECONDS = 2.0
# Idle keep-alive connections kept per process (one per concurrent publisher).
POOL = 8


# The viewers' rooms: live.PUBLIC_ROOM without the overlay's (overlay:N,
# preview:N). Those few pages are the station's renderers: they stay on /live,
# where they report what they show (realtime/tally.py) and obey a reload.
ROOM = re.compile(r"^(board|show:\d+|commitment:\d+)$")


def enabled() -> bool:
    return bool(current_app.config.get("HOTLINE_EDGE_PUBLISH_URL"))


def serves(room: str) -> bool:
    """Whether a public room's messages go to the edge rather than to /live."""
    return enabled() and ROOM.match(room) is not None


def collect(room: str, locale: str, envelope: dict) -> None:
    """A public room's message for the edge, sent with the rest of its change
    by flush(). live._send calls it for the rooms it serves() only."""
    outbox = g.get("edge_outbox")
    if outbox is None:
        outbox = g.edge_outbox = {}
    outbox.setdefault((locale, room), []).append(envelope)


def flush() -> None:
    """Publish what collect() gathered: one request per channel, in the order
    the rooms were first published to. Never raises."""
    outbox = g.pop("edge_outbox", None)
    if not outbox:
        return
    publisher = _publisher(current_app.config["HOTLINE_EDGE_PUBLISH_URL"])
    for (locale, room), messages in outbox.items():
        body = json.dumps(messages, ensure_ascii=False, separators=(",", ":")).encode()
        if not publisher.post(f"{locale}/{room}", body):
            # nginx is down or refuses: the rest would wait for it too. The
            # pages see the gap in the numbers at the next push and refetch.
            log.warning("edge publish failed; %d channel(s) of this change not sent", len(outbox))
            return


class Publisher:
    """POSTs to nchan's publisher location over pooled keep-alive connections
    (http.client: green under eventlet and gevent, as the server runs)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"HOTLINE_EDGE_PUBLISH_URL must be an http(s) URL, not {url!r}")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.path = parts.path.rstrip("/")
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=TIMEOUT_SECONDS)

    def post(self, channel: str, body: bytes) -> bool:
        """Publish one message; whether nchan took it."""
        path = f"{self.path}/{quote(channel, safe='/:')}"
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        for attempt in range(2):
            reused = conn is not None
            conn = conn or self._connect()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = None
                if reused and attempt == 0:
                    continue  # a kept connection nginx had closed meanwhile: once more, fresh
                log.warning("edge publish to %s failed: %s", channel, error)
                return False
            self._give_back(conn, response)
            if response.status in (200, 201, 202):  # 201: someone listens; 202: nobody yet
                return True
            log.warning("edge publish to %s refused: HTTP %s", channel, response.status)
            return False
        return False  # pragma: no cover - the loop returns

    def _give_back(self, conn: http.client.HTTPConnection, response) -> None:
        if response.will_close:
            conn.close()
            return
        with self._lock:
            if len(self._idle) < POOL:
                self._idle.append(conn)
                return
        conn.close()


_publishers: dict[str, Publisher] = {}
_publishers_lock = threading.Lock()


def _publisher(url: str) -> Publisher:
    with _publishers_lock:
        if url not in _publishers:
            _publishers[url] = Publisher(url)
        return _publishers[url]


def subscribe_attrs() -> Markup:
    """The attribute a public page's live holder carries when the edge is on:
    where live.js subscribes, in the page's language (data-live-edge); empty
    otherwise, and the page uses /live as before."""
    if not enabled():
        return Markup("")
    base = current_app.config["HOTLINE_EDGE_SUBSCRIBE_URL"].rstrip("/")
    return Markup(' data-live-edge="{}"').format(escape(f"{base}/{g.get('locale') or 'zh_CN'}"))


def init_app(app: Flask) -> None:
    url = app.config.get("HOTLINE_EDGE_PUBLISH_URL")
    if url:
        Publisher(url)  # a malformed URL stops the start, not the first push
        if not app.config.get("HOTLINE_EDGE_SUBSCRIBE_URL", "").startswith("/"):
            # Same origin: the page's CSP (connect-src 'self') lets it connect.
            raise ValueError("HOTLINE_EDGE_SUBSCRIBE_URL must be a path on the site: /edge/sub")
    app.jinja_env.globals["live_edge"] = subscribe_attrs
