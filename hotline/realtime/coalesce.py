"""At most one push per key and interval, for a change that comes in bursts
(viewers voting on the answer on air: hundreds a minute on one call).

The first change of a burst is pushed at once, in its own request. Those that
follow within the interval are not pushed one by one: one push, at the end of
the interval, reads the state as it is then and so carries all of them. No
change is lost: a change made while that late push is reading starts the
next interval. Each server process paces its own changes; the pushed state is
always read from the database, so the processes never disagree on it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable

from flask import Flask, current_app

from ..extensions import socketio

log = logging.getLogger("hotline.live")

_lock = threading.Lock()
_last: dict[Hashable, float] = {}  # key -> when it was last pushed (monotonic)
_waiting: set[Hashable] = set()  # keys whose late push is scheduled
_KEEP = 4096  # keys remembered at most (older ones are pushed at once next time)


def paced(key: Hashable, seconds: float, push: Callable[[], None]) -> None:
    """Run `push()` now, or once at the end of `key`'s interval if it ran less
    than `seconds` ago. `push` must read what it sends itself (it may run in
    another request context, after this one is gone): give it ids, not
    loaded objects."""
    if seconds <= 0:
        push()
        return
    now = time.monotonic()
    with _lock:
        if key in _waiting:
            return  # the late push, still to come, will read this change too
        wait = _last.get(key, -seconds) + seconds - now
        if wait > 0:
            _waiting.add(key)
        else:
            _remember(key, now)
    if wait <= 0:
        push()
        return
    app = current_app._get_current_object()
    socketio.start_background_task(_late, app, key, wait, push)


def _remember(key: Hashable, now: float) -> None:
    _last[key] = now
    if len(_last) > _KEEP:
        for old in sorted(_last, key=_last.get)[: len(_last) - _KEEP]:
            del _last[old]


def _late(app: Flask, key: Hashable, wait: float, push: Callable[[], None]) -> None:
    socketio.sleep(wait)
    with _lock:
        # From here a new change schedules the next push: this one may read
        # the database before that change is committed.
        _waiting.discard(key)
        _remember(key, time.monotonic())
    # The site's own name: with HOTLINE_TRUSTED_HOSTS set, another host could build no link.
    base = f"http://{app.config.get('HOTLINE_SITE_NAME') or 'localhost'}/"
    try:
        with app.test_request_context("/", base_url=base):
            push()
    except Exception:  # a background task has nobody to tell but the log
        log.exception("a paced push failed: %s", key)
