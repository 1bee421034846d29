"""Pushing to a room of thousands without stopping the server meanwhile.

python-socketio hands a message to every socket in a room in one go, and an
eventlet or gevent server does nothing else until they have all sent it: with
a thousand viewers that is about a tenth of a second, each time the show
changes, in which no page, desk request or other socket gets a turn. Here a
room with more than SLICE sockets is handed to one background task that sends
to SLICE of them at a time and lets the server answer everything else in
between. One task, one queue: a room's messages leave in the order they were
emitted, so every viewer gets them in order; the request that made the change
answers its desk at once, and small rooms (the desks') go out at once too.

The managers below replace Flask-SocketIO's default ones (live.init_app): the
same delivery, in slices. With Redis the pacing applies to what each process
delivers to its own sockets, whichever process published the message.
"""

from __future__ import annotations

import logging
import threading

import socketio

log = logging.getLogger("hotline.fanout")

# Sockets handed a message before the server gets a turn to do something else.
SLICE = 25
# Up to this many sockets a room goes out in one go: for such a room the
# sender's turns cost more than the sockets hold the server. The request
# yields once its whole change is handed out (live._let_sockets_send), so
# they send before it renders the desk's own answer.
INLINE = 100


class PacedDelivery(socketio.Manager):
    """Local delivery in slices. Also the Redis manager's: it comes after
    PubSubManager in that class order, so it delivers to this process's
    sockets what the message queue brings, where Manager would."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._queue = None  # the sender's, made when a room first needs it
        self._sending = False  # whether the sender runs
        self._queued: dict[tuple, int] = {}  # (namespace, room): messages queued or being sent
        self._lock = threading.Lock()

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, **kwargs):
        room = kwargs.pop("to", None) or room
        key = (namespace, room)
        with self._lock:
            # A small room goes out at once unless it has a message queued
            # (its sockets must get them in order); a desk's room is never
            # held behind the thousands of a show's public room.
            inline = (
                callback is not None
                or not isinstance(room, str)
                or (key not in self._queued and self.room_size(namespace, room) <= INLINE)
            )
            if not inline:
                # Under the lock: with threads, one sender and the room's order.
                self._queued[key] = self._queued.get(key, 0) + 1
                if self._queue is None:
                    self._queue = self.server.eio.create_queue()
                if not self._sending:  # the first time, or the sender was stopped
                    self._sending = True
                    self.server.start_background_task(self._sender)
                self._queue.put((event, data, namespace, room, skip_sid, kwargs))
                return
        # As python-socketio does.
        return super().emit(
            event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
        )

    def room_size(self, namespace: str, room: str) -> int:
        return len(self.rooms.get(namespace, {}).get(room, ()))

    def _sender(self) -> None:
        try:
            while True:
                self._send_next()
        finally:
            # Stopped by something no message causes (the task killed): the
            # next big room's message starts another on the same queue.
            # Viewers who missed a message see the gap in the numbers and
            # fetch their regions again (static/live.js).
            with self._lock:
                self._sending = False

    def _send_next(self) -> None:
        event, data, namespace, room, skip_sid, kwargs = self._queue.get()
        try:
            self._send_in_slices(event, data, namespace, room, skip_sid, kwargs)
        except Exception:  # one message failing must not stop the next ones
            log.exception("Pushing to %s failed", room)
        finally:
            with self._lock:
                left = self._queued.pop((namespace, room)) - 1
                if left:
                    self._queued[namespace, room] = left

    def _send_in_slices(self, event, data, namespace, room, skip_sid, kwargs) -> None:
        skipped = set(skip_sid) if isinstance(skip_sid, list) else {skip_sid}
        # Who is in the room now; one who leaves meanwhile is skipped (every
        # socket is in a room of its own id, which is gone once it is closed).
        sids = [sid for sid, _eio in self.get_participants(namespace, room) if sid not in skipped]
        for start in range(0, len(sids), SLICE):
            try:
                super().emit(event, data, namespace, room=sids[start : start + SLICE], **kwargs)
            except KeyError:  # threads: a socket closed while its slice was read; once more
                super().emit(event, data, namespace, room=sids[start : start + SLICE], **kwargs)
            self.server.sleep(0)  # the sockets send, and the server answers what waits


class PacedRedisManager(socketio.RedisManager, PacedDelivery):
    """Several processes on Redis."""


def client_manager(message_queue: str | None, channel: str):
    """The manager for live.init_app: None leaves the choice to Flask-SocketIO
    (a queue other than Redis, which the project does not run on)."""
    if not message_queue:
        return PacedDelivery()
    if message_queue.startswith(("redis://", "rediss://")):
        return PacedRedisManager(message_queue, channel=channel)
    return None
