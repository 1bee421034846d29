"""Socket.IO: the public /live and staff /desk namespaces, and publish(), the one
helper through which everything pushed to browsers goes.

A change is rendered once per locale from the same template block the HTTP route
serves and emitted as a `swap` event to a room (or handed to the public edge,
edge.py); static/live.js applies it with htmx. Each room has a sequence number
in the database, so processes agree; a page that sees a gap refetches over HTTP.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from contextlib import contextmanager

from flask import Flask, current_app, g, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..config import LOCALES
from ..extensions import db, socketio
from ..models import (
    LiveSequence,
    Role,
    Show,
    ShowStatus,
    StaffSession,
    User,
    get_user_by_token,
    show_departments,
)
from ..rules.text import for_log
from . import collector, edge, fanout

log = logging.getLogger("hotline.live")

PUBLIC = "/live"
STAFF = "/desk"
# Only the rooms public pages join: a staff room's name (department:N) never.
PUBLIC_ROOM = re.compile(r"^(board|show:\d+|overlay:\d+|preview:\d+|commitment:\d+)$")
STAFF_ROOM = re.compile(r"^(show|department):(\d+)$")
MAX_ROOMS = 8


def _key(namespace: str, room: str) -> str:
    return f"{namespace} {room}"


_SEQ = select(LiveSequence.seq).where(LiveSequence.room == bindparam("room"))


def current_seq(room: str, namespace: str = PUBLIC) -> int:
    """The room's last sequence number; pages embed it so live.js can spot a gap.
    While a batched message renders, its own room reads the message's number;
    a room pinned by this request (pin()) reads the number it was pinned at."""
    key = _key(namespace, room)
    rendering = g.get("live_rendering")
    if rendering and rendering[0] == key:
        return rendering[1]
    pinned = g.get("live_pinned")
    if pinned and key in pinned:
        return pinned[key]
    # Every public page asks (its cache key has the number): a Core statement
    # built once, on the session's connection, skips the ORM's per-query work.
    seq = db.session.connection().execute(_SEQ, {"room": _key(namespace, room)}).scalar()
    return seq or 0


def pin(room: str, namespace: str = PUBLIC) -> int:
    """Read the room's number before the page reads what it shows, and embed that
    one: a change committed meanwhile leaves the page behind its room, so live.js
    refetches (read after the data, it could count a change the page lacks)."""
    key = _key(namespace, room)
    pinned = g.live_pinned = g.get("live_pinned") or {}
    if key not in pinned:
        pinned[key] = current_seq(room, namespace)
    return pinned[key]


def _bump(counts: dict[str, int]) -> dict[str, int]:
    """Add `counts[key]` to each room's number and return the new ones: one
    multi-row upsert for all the rooms, in one short transaction of its own
    (so it never holds the page's transaction open). Rows are written in
    sorted order, so two processes bumping the same rooms never deadlock; the
    row lock makes each room's numbers strictly increasing across processes."""
    statement = _upsert_seq(db.engine.dialect.name)
    if statement is None:  # pragma: no cover - the engines the project runs on have one
        seqs = {key: _next_seq(key, n) for key, n in sorted(counts.items())}
        _repin(seqs)
        return seqs
    rows = [{"room": key, "seq": n} for key, n in sorted(counts.items())]
    with db.engine.begin() as conn:
        seqs = {room: seq for room, seq in conn.execute(statement, rows)}
    _repin(seqs)
    return seqs


def _repin(seqs: dict[str, int]) -> None:
    """The request's own change moved these rooms on, and what it renders next shows it."""
    pinned = g.get("live_pinned") or {}
    for key in pinned.keys() & seqs.keys():
        pinned[key] = seqs[key]


@functools.cache
def _upsert_seq(dialect: str):
    """The bump's upsert, built once per engine kind (building it costs as much
    as running it); sent as one multi-row statement ("insertmanyvalues")."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:  # pragma: no cover
        return None
    statement = upsert(LiveSequence)
    return statement.on_conflict_do_update(
        index_elements=[LiveSequence.room],
        set_={"seq": LiveSequence.seq + statement.excluded.seq},
    ).returning(LiveSequence.room, LiveSequence.seq)


def _next_seq(key: str, n: int = 1) -> int:
    with db.engine.begin() as conn:
        seq = conn.execute(
            update(LiveSequence)
            .where(LiveSequence.room == key)
            .values(seq=LiveSequence.seq + n)
            .returning(LiveSequence.seq)
        ).scalar()
        if seq is not None:
            return seq
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(LiveSequence).values(room=key, seq=n))
        return n
    except IntegrityError:  # another process created it first
        return _next_seq(key, n)


@contextmanager
def batch():
    """Every publish() inside is sent when the outermost batch ends: the rooms'
    numbers are bumped together (one transaction for the whole change), then
    each message renders once per locale and goes out in the order published."""
    outer = g.get("live_batch") is None
    if outer:
        g.live_batch = []
    try:
        yield
        if outer:
            _flush(g.live_batch)
    finally:
        if outer:
            g.live_batch = None


def _flush(messages: list) -> None:
    if not messages:
        return
    counts: dict[str, int] = {}
    for namespace, room, *_rest in messages:
        key = _key(namespace, room)
        counts[key] = counts.get(key, 0) + 1
    last = _bump(counts)
    # Numbers handed out in publishing order: last - n + 1 ... last per room.
    seqs = {key: last[key] - n for key, n in counts.items()}
    rendered: dict = {}  # a block sent to several rooms (publish_each): once per locale
    for namespace, room, target, swap, render, shared in messages:
        key = _key(namespace, room)
        seqs[key] += 1
        _send(namespace, room, target, swap, render, seqs[key], rendered if shared else None)
    _let_sockets_send()


def _let_sockets_send() -> None:
    """Yield once, after a whole change is handed out: the sockets (a room of
    up to fanout.INLINE of them at once) send it before this request goes on
    to render its own answer. Never between the change's messages, where
    another change could send a later number to one of its rooms first."""
    edge.flush()
    socketio.sleep(0)


def publish(
    namespace: str,
    room: str,
    *,
    target: str,
    swap: str,
    render,
) -> int | None:
    """Render a changed piece once per locale and push it to everyone in `room`.

    `render` is a zero-argument callable returning HTML (usually a render_block
    call); it runs under each locale in turn. Call this only after the database
    transaction has committed, so nobody is shown a change that was rolled back.
    Inside `batch()` it is sent when the batch ends (and returns None).
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("publish() before commit: commit the transaction first")
    pending = g.get("live_batch")
    if pending is not None:
        pending.append((namespace, room, target, swap, render, False))
        return None
    seq = _bump({_key(namespace, room): 1})[_key(namespace, room)]
    _send(namespace, room, target, swap, render, seq)
    _let_sockets_send()
    return seq


def publish_each(rooms: list[tuple[str, str]], *, target: str, swap: str, render) -> None:
    """The same block to several rooms ((namespace, room) pairs): rendered once
    per locale for all of them, each room still getting its own number. For a
    block that does not depend on the room it goes to (it names no room, so
    carries no data-live-seq)."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("publish() before commit: commit the transaction first")
    with batch():
        for namespace, room in rooms:
            g.live_batch.append((namespace, room, target, swap, render, True))


def _send(
    namespace: str, room: str, target: str, swap: str, render, seq: int, rendered=None
) -> None:
    g.live_rendering = (_key(namespace, room), seq)
    try:
        for locale in LOCALES:
            if not _listened(namespace, f"{room}|{locale}"):
                continue  # nobody to show it to: no render (the number is bumped all the same)
            html = rendered.get((render, locale)) if rendered is not None else None
            if html is None:
                with force_locale(locale):
                    html = render_for_room(render)
                if rendered is not None:  # publish_each: kept for the other rooms
                    if "data-live-seq" in html:
                        raise RuntimeError("a block sent to several rooms names its room")
                    rendered[render, locale] = html
            message = {"room": room, "target": target, "swap": swap, "html": html, "seq": seq}
            if namespace == PUBLIC and edge.serves(room):  # nchan
                edge.collect(room, locale, message)
            else:
                socketio.emit("swap", message, to=f"{room}|{locale}", namespace=namespace)
    finally:
        g.live_rendering = None


def _listened(namespace: str, room: str) -> bool:
    """Whether a browser may be in the room (one locale of it). One process (no
    message queue) knows its sockets: a room nobody is in costs no render, as
    a room of a thousand costs one. With a message queue the other processes'
    sockets are unknown here, so every room may be listened to.

    Skipping is safe for a page loading meanwhile: the room's number was
    bumped before this check, so a page rendered before the change joins,
    sees a number above its own, and fetches its regions again. (The edge's
    viewers are nginx's: unknown here.)"""
    queued = current_app.config.get("HOTLINE_MESSAGE_QUEUE")
    if queued or (namespace == PUBLIC and edge.serves(room.partition("|")[0])):
        return True
    server = socketio.server
    if server is None:  # pragma: no cover - init_app always sets it up
        return True
    return next(server.manager.get_participants(namespace, room), None) is not None


# What belongs to one session and so must never be in HTML pushed to a room:
# a CSRF token, a form's one-time key.
SESSION_BOUND = re.compile(r'name="(csrf_token|[\w-]*idem)"')


def render_for_room(render) -> str:
    """Render HTML that everyone in a room will see. While it renders,
    `pushing()` is true, so templates leave out what belongs to the session
    that happens to render it (csrf_field() renders nothing; the page's meta
    token goes with every htmx request instead)."""
    g.pushing = True
    try:
        html = render()
    finally:
        g.pushing = False
    if SESSION_BOUND.search(html):
        raise RuntimeError("pushed HTML carries a session's token or one-time key")
    return html


def pushing() -> bool:
    return bool(g.get("pushing"))


def _locale() -> str:
    lang = session.get("lang")
    return lang if lang in LOCALES else "zh_CN"


MAX_ROOMS_PER_CONNECTION = 16


def _join(namespace: str, rooms: list[str]) -> dict[str, int]:
    joined = {}
    # A page needs a few rooms; a connection asking for ever more is refused them.
    already = len(socketio.server.manager.get_rooms(request.sid, namespace))
    rooms = rooms[: max(0, MAX_ROOMS_PER_CONNECTION - already)]
    for room in rooms:
        join_room(f"{room}|{_locale()}", namespace=namespace)
        joined[room] = current_seq(room, namespace)
    db.session.remove()
    return joined


def _room_list(data) -> list[str]:
    rooms = data.get("rooms") if isinstance(data, dict) else None
    if not isinstance(rooms, list):
        return []
    return [r for r in rooms if isinstance(r, str)][:MAX_ROOMS]


def staff_may_join(user: User, room: str) -> bool:
    """Moderators and supervisors see every desk room; a liaison only their department's."""
    match = STAFF_ROOM.match(room)
    if not match:
        return False
    if user.role in (Role.MODERATOR, Role.SUPERVISOR):
        return True
    return match.group(1) == "department" and int(match.group(2)) == user.department_id


def _staff_user() -> User | None:
    # Re-read the account on every event: a disabled account loses access at
    # once, an expired session too. An event alone does not keep the session
    # alive (a reconnect is no one at the keyboard): only the heartbeat of a
    # desk on air does (staff_heartbeat).
    token = session.get("_user_id")
    user = get_user_by_token(token, touch=False) if token else None
    return user if user and user.active else None


def init_app(app: Flask) -> None:
    origins = app.config["HOTLINE_SOCKET_ORIGINS"] or None  # None: same origin only
    queue = app.config["HOTLINE_MESSAGE_QUEUE"]
    channel = app.config.get("HOTLINE_SOCKETIO_CHANNEL", "hotline")
    manager = fanout.client_manager(queue, channel)
    # Ours (paced delivery, fanout.py) or, for a queue it does not know, Flask-SocketIO's.
    where = {"client_manager": manager} if manager else {"message_queue": queue, "channel": channel}
    socketio.init_app(
        app,
        async_mode=app.config["HOTLINE_ASYNC_MODE"],
        **where,
        cors_allowed_origins=origins,
        manage_session=False,
        logger=False,
        engineio_logger=False,
    )
    app.jinja_env.globals["live_seq"] = current_seq
    app.jinja_env.globals["pushing"] = pushing
    # Pins are one request's (an outer app context, as in tests, outlives it).
    app.teardown_request(lambda _error=None: g.pop("live_pinned", None))


# Public sockets open on this process (their sids), against HOTLINE_MAX_VIEWERS.
# A connection limit is per process by nature: each process counts its own.
_viewers: set[str] = set()
_viewers_lock = threading.Lock()


@socketio.on("connect", namespace=PUBLIC)
def public_connect(auth=None):
    # Viewers have a cap of their own, below the server's connection limit, so a
    # full public side leaves room for staff pages and the /desk sockets.
    with _viewers_lock:
        full = len(_viewers) >= current_app.config["HOTLINE_MAX_VIEWERS"]
        if not full:
            _viewers.add(request.sid)
        count = len(_viewers)
    if full:
        raise ConnectionRefusedError(
            _("Too many viewers right now, try again in a few minutes."),
            {"reason": "too_many_viewers"},
        )
    collector.viewers_now(count)
    return True


on_public_disconnect: list = []  # called with each closing public sid (realtime/tally.py)


@socketio.on("disconnect", namespace=PUBLIC)
def public_disconnect(reason=None):
    with _viewers_lock:
        _viewers.discard(request.sid)
        count = len(_viewers)
    collector.viewers_now(count)
    for hook in on_public_disconnect:
        hook(request.sid)


# `data=None`: a client may emit "join" with no payload at all (or a string, a
# list...): it joins nothing, and no traceback is logged.
@socketio.on("join", namespace=PUBLIC)
def public_join(data=None):
    rooms = [r for r in _room_list(data) if PUBLIC_ROOM.match(r)]
    return _join(PUBLIC, rooms)


@socketio.on("connect", namespace=STAFF)
def staff_connect(auth=None):
    user = _staff_user()
    db.session.remove()
    if user is None:
        log.warning("desk socket refused from %s", for_log(request.remote_addr))
        return False
    join_room(f"user:{user.id}", namespace=STAFF)  # so sign-out can reach it
    # ... and so can ending this one session (a password change ends the others).
    join_room(_session_room(session.get("_user_id")), namespace=STAFF)
    return True


def _session_room(token: str) -> str:
    return f"session:{StaffSession.key(token)}"


def _end_connections(room: str) -> None:
    # Pages on other server processes hear this through the message queue and
    # reload, which takes them to the sign-in page.
    socketio.emit("signed_out", {}, to=room, namespace=STAFF)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants(STAFF, room)):
        server.disconnect(sid, namespace=STAFF)


def sign_out_everywhere(user_id: int) -> None:
    """End an account's open desk connections (sign-out, disabled account):
    the pushes to staff rooms must stop at once, not at the next reconnect."""
    _end_connections(f"user:{user_id}")


def sign_out_sessions(keys: list[str]) -> None:
    """End the desk connections of these sessions only (StaffSession ids)."""
    for key in keys:
        _end_connections(f"session:{key}")


@socketio.on("join", namespace=STAFF)
def staff_join(data=None):
    user = _staff_user()
    if user is None:
        db.session.remove()
        return {}
    rooms = []
    for room in _room_list(data):
        if staff_may_join(user, room):
            rooms.append(room)
        else:
            log.warning("desk room refused: user=%s room=%s", for_log(user.username), for_log(room))
    return _join(STAFF, rooms)


@socketio.on("heartbeat", namespace=STAFF)
def staff_heartbeat(data=None):
    """Sent every minute by every /desk page (static/live.js). A session that
    has ended or expired hears "signed_out" (the page reloads to the sign-in
    page). A desk watching a show on air (its room, or a liaison's department
    on that show's panel) keeps its session fresh, so nobody is signed out in
    the middle of a broadcast; once the show ends the idle timeout runs again."""
    token = session.get("_user_id")
    user = _staff_user()
    if user is None:
        db.session.remove()
        _end_connections(request.sid)
        return {"signed_in": False}
    on_air = _watching_a_live_show(request.sid)
    if on_air:
        StaffSession.touch(StaffSession.key(token), clock.utcnow())
    db.session.remove()
    return {"signed_in": True, "on_air": on_air}


def _watching_a_live_show(sid: str) -> bool:
    shows, departments = set(), set()
    for name in socketio.server.manager.get_rooms(sid, STAFF):
        match = STAFF_ROOM.match(str(name).split("|", 1)[0])
        if match:
            (shows if match.group(1) == "show" else departments).add(int(match.group(2)))
    if not shows and not departments:
        return False
    panel = select(show_departments.c.show_id).where(
        show_departments.c.department_id.in_(departments)
    )
    live = select(Show.id).where(
        Show.status == ShowStatus.LIVE, or_(Show.id.in_(shows), Show.id.in_(panel))
    )
    return db.session.scalar(live.limit(1)) is not None
