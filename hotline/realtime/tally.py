"""Renderers that report back (tally) over the public /live namespace.

An overlay page (static/tally.js) sends `tally` every few seconds and at
once when what it shows changes: its own random id, the token its page was
given (a signed show and layout: only a page the overlay route rendered can
report), and what it shows. The row is kept in the database
(changes/tally.py), so every server process sees every renderer; the desk's
block is pushed when the list changes (a renderer new, back, gone, showing
another item), and the desk refetches it every few seconds for the flags
that come with time (stale, outdated).

/live is anonymous, so the handler guards the table: one renderer per
connection, at most one report a half second per connection (more are
answered "too_fast" and not read), a cap per show, and a connection refused
as "full" is not heard again for a while. The desk's "reload" goes to a room
only the server puts a renderer's connection in: no viewer can make another
page reload, and the page obeys it only for its own id.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app, request
from flask_socketio import join_room
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from ..changes import tally as changes
from ..extensions import db, socketio
from ..models import utcnow
from ..queries.tally import settings, tally_of
from ..rules.tally import PROGRAM, ROLES, Showing, valid_renderer_id
from ..web import render_block
from . import coalesce, live

log = logging.getLogger("hotline.live")

TALLY = "desk/_tally.html"
# Seconds between two reports of one connection, and at most one push of a
# show's list per so many seconds (tests set both to 0).
REPORT_SECONDS = "HOTLINE_TALLY_REPORT_SECONDS", 0.5
PUSH_SECONDS = "HOTLINE_TALLY_PUSH_SECONDS", 0.5
REFUSED_FOR = 30.0  # a connection refused for a full show is not heard for so long

_lock = threading.Lock()
_last: dict[str, float] = {}  # sid -> when its last report was read (monotonic)
_owner: dict[str, str] = {}  # sid -> the renderer id it reports for
_refused: dict[str, float] = {}  # sid -> until when it is not heard (monotonic)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="hotline-tally-renderer")


def renderer_token(show_id: int, layout: str, role: str = PROGRAM) -> str:
    """The overlay page's token (a meta tag): the show and layout it renders,
    and its role (program, or the preview page)."""
    return _serializer().dumps([show_id, layout, role])


def read_token(token) -> tuple[int, str, str] | None:
    """(show, layout, role) of a token; a token of a page loaded before roles
    were given (two fields) is a program page."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        show_id, layout, *rest = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    role = rest[0] if rest else PROGRAM
    if not isinstance(show_id, int) or not isinstance(layout, str) or role not in ROLES:
        return None
    return show_id, layout[:20], role


def _seconds(setting: tuple[str, float]) -> float:
    return float(current_app.config.get(*setting))


def _heard(sid: str) -> str | None:
    """None when this connection's report may be read now, else why not."""
    now, interval = time.monotonic(), _seconds(REPORT_SECONDS)
    with _lock:
        if _refused.get(sid, 0) > now:
            return "full"
        if sid in _last and now - _last[sid] < interval:
            return "too_fast"
        _last[sid] = now
    return None


@socketio.on("tally", namespace=live.PUBLIC)
def renderer_report(data=None):
    sid = request.sid
    if (why := _heard(sid)) is not None:
        return {"ok": False, "reason": why}
    if not isinstance(data, dict):
        return {"ok": False, "reason": "invalid"}
    claim, renderer_id = read_token(data.get("token")), data.get("renderer")
    showing = Showing.parse(data)
    if claim is None or showing is None or not valid_renderer_id(renderer_id):
        return {"ok": False, "reason": "invalid"}
    with _lock:
        owned = _owner.get(sid)
    if owned is not None and owned != renderer_id:
        return {"ok": False, "reason": "one_per_connection"}
    show_id, layout, role = claim
    stale_after, _grace, cap = settings()
    try:
        reported = changes.report(
            renderer_id,
            show_id=show_id,
            layout=layout,
            role=role,
            sid=sid,
            showing=showing,
            now=utcnow(),
            cap=cap,
            stale_after=stale_after,
        )
        if reported.refused is None:
            db.session.commit()
        else:
            db.session.rollback()
    except IntegrityError:  # the same id at once from two processes, or a show deleted
        db.session.rollback()
        reported = changes.Reported(refused="taken")
    finally:
        db.session.remove()
    if reported.refused is not None:
        if reported.refused == "full":
            with _lock:
                _refused[sid] = time.monotonic() + REFUSED_FOR
            log.warning("tally: show %s has its %s renderers, one more refused", show_id, cap)
        return {"ok": False, "reason": reported.refused}
    with _lock:
        _owner[sid] = renderer_id
    join_room(f"renderer:{renderer_id}", namespace=live.PUBLIC)
    if reported.changed:
        try:
            push_renderers(show_id)
        finally:
            db.session.remove()
    return {"ok": True}


def renderer_gone(sid: str) -> None:
    """A /live connection closed (live.public_disconnect): its renderer, if any,
    is marked disconnected and the desk hears it."""
    with _lock:
        _last.pop(sid, None)
        _refused.pop(sid, None)
        owned = _owner.pop(sid, None)
    if owned is None:
        return  # a viewer's page, not a renderer's
    try:
        shows = changes.disconnected(sid, utcnow())
        db.session.commit()
        for show_id in shows:
            push_renderers(show_id)
    finally:
        db.session.remove()


live.on_public_disconnect.append(renderer_gone)


def push_renderers(show_id: int) -> None:
    """The desk's list of the show's renderers, to every desk on the show: at
    most one push per PUSH_SECONDS (a change on air makes every renderer
    report at once), reading the list as it is when it goes."""
    coalesce.paced(("tally", show_id), _seconds(PUSH_SECONDS), lambda: _push(show_id))


def _push(show_id: int) -> None:
    tally = tally_of(show_id)
    if tally is None:
        return
    live.publish(
        live.STAFF,
        f"show:{show_id}",
        target="#tally",
        swap="outerHTML",
        render=lambda: render_block(TALLY, "tally", tally=tally),
    )


def reload_renderer(renderer_id: str) -> None:
    """Tell one renderer's page to reload: sent to its own room, which only
    the server joins a connection to (after a report for that id)."""
    socketio.emit(
        "reload", {"renderer": renderer_id}, to=f"renderer:{renderer_id}", namespace=live.PUBLIC
    )
