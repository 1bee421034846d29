"""A cache for the public fragments thousands of viewers load at once: the
board's rows and a show's calls.

An entry is keyed by (room, the room's sequence number, locale, local date,
query). Every change to what a fragment shows is pushed to its room through
live.publish, which bumps that number after the commit; from then on the old
key is never asked for again, so a change is never served stale after its
push, on any process (the number is in the database). The local date is in the
key because statuses ("due in 3 days") move at midnight. A change nobody
pushes (an administrator renaming a department) shows within
HOTLINE_FRAGMENT_CACHE_SECONDS, the lifetime of an entry; 0 turns the cache off.

A whole public page can be cached the same way (`page`), for a viewer
with nothing of their own on it: not signed in, no message flashed to them.
Staff pages (their header, their CSRF token) always render.

Each process keeps its own entries (bounded, least recently used dropped).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app, g, session
from flask_login import current_user
from markupsafe import Markup

from ..clock import today
from ..web import elder_mode
from . import live

MAX_ENTRIES = 512


class FragmentCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.renders = 0  # how many times a fragment was rendered (tests count them)
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self,
        room: str,
        query: str,
        render: Callable[[], str],
        keep: Callable[[], bool] | None = None,
    ) -> Markup:
        """`render` returns a rendered template block (already escaped HTML);
        what it rendered is kept only if `keep()` says so afterwards."""
        if self.seconds <= 0:
            self.renders += 1
            return Markup(render())  # noqa: S704 - a rendered template block
        # The number is read before rendering: what renders is at least that new.
        key = (room, live.current_seq(room), g.get("locale"), today().isoformat(), query)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                return entry[1]
        html = Markup(render())  # noqa: S704 - a rendered template block
        if keep is not None and not keep():
            return html
        with self._lock:
            self.renders += 1
            self._entries[key] = (now + self.seconds, html)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return html


def init_app(app: Flask) -> None:
    app.extensions["hotline_fragments"] = FragmentCache(
        float(app.config.get("HOTLINE_FRAGMENT_CACHE_SECONDS", 30))
    )


def cached(room: str, query: str, render: Callable[[], str]) -> Markup:
    """The fragment for `room` and `query` in this locale and on this date,
    rendered by `render` only when no viewer has asked for it since the last push."""
    return current_app.extensions["hotline_fragments"].get(room, query, render, keep=_no_token)


def _no_token() -> bool:
    # A CSRF token is one session's secret: HTML that carries one is never shared.
    return current_app.config["WTF_CSRF_FIELD_NAME"] not in g


def page(room: str, query: str, render: Callable[[], str]) -> str:
    """The whole page for an anonymous viewer, like `cached`; anyone whose page
    carries something of their own (a signed-in user, a flashed message) gets a
    fresh render."""
    if current_user.is_authenticated or session.get("_flashes"):
        return render()
    # 长辈版 puts a class on <html> and another link in the header: its own copy.
    mode = "elder:" if elder_mode() else ""
    return cached(room, "page:" + mode + query, render)
