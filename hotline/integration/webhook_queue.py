"""Where webhook deliveries wait, how a worker is woken, and how it takes one.

The database is the queue. A delivery row is written in the same commit as
the change it announces (webhooks._write_deliveries) and stays `pending`
until it is sent, so a worker, a server or the whole host can restart without
losing one: a worker's first round sends everything pending.

Redis (HOTLINE_MESSAGE_QUEUE, the Socket.IO message queue's setting) is not a
second copy, only the doorbell: after the commit the ids of the new
deliveries are pushed onto a Redis list, and a waiting worker (BLPOP) wakes
at once instead of at its next poll. Redis as deployed keeps nothing on disk
(deploy/docker-compose.yml), and it need not: an id lost with Redis costs a
delay up to the poll interval, never a delivery, and an id popped for a row
already sent sends nothing.

Several workers (HOTLINE_WEBHOOK_WORKER=1 in more than one process, or
`flask deliver --loop` on two hosts) do not send one delivery twice: a worker
claims a row (webhooks.claim) with one conditional UPDATE that moves its next attempt a lease
ahead, and only the worker whose UPDATE changed the row sends it. A worker
killed in the middle of a send leaves the row pending; when the lease ends it
is sent again with the same X-Hotline-Delivery id, which the receiver uses to
drop the repeat (delivery is at least once; a receiver that keeps the ids it
has seen handles each exactly once).
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("hotline.webhooks")


def _redis_url(app) -> str | None:
    url = app.config.get("HOTLINE_MESSAGE_QUEUE") or ""
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None


def enabled(app) -> bool:
    return _redis_url(app) is not None


def _client(app):
    url = _redis_url(app)
    if url is None:
        return None
    clients = app.extensions.setdefault("hotline_webhook_redis", {})
    if url not in clients:
        import redis

        clients[url] = redis.Redis.from_url(url, socket_timeout=None, socket_connect_timeout=5)
    return clients[url]


def list_key(app) -> str:
    """One list per deployment, beside its Socket.IO channel."""
    return f"{app.config.get('HOTLINE_SOCKETIO_CHANNEL', 'hotline')}:webhook-deliveries"


# --- ringing the bell, after the commit ---------------------------------------------------


def announce(session: Session, ids: list[int]) -> None:
    """Remember new delivery ids; rung once the transaction has committed."""
    session.info.setdefault("webhook_ids", []).extend(ids)


@event.listens_for(Session, "after_commit")
def _ring(session: Session) -> None:
    ids = session.info.pop("webhook_ids", None)
    if not ids or not has_app_context():
        return
    app = current_app._get_current_object()
    client = _client(app)
    if client is None:
        return
    try:
        client.rpush(list_key(app), *ids)
    except Exception:  # Redis down: the worker's next poll finds the rows anyway
        log.warning("webhook deliveries %s queued, Redis not told", ids, exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("webhook_ids", None)


# --- waiting, in the worker ---------------------------------------------------------------


def wait(app, timeout: float, sleep) -> list[int]:
    """Block until new deliveries are announced or `timeout` passes; the ids
    announced (hints only: the rows decide). Without Redis, a plain sleep."""
    client = _client(app)
    if client is None:
        sleep(timeout)
        return []
    key = list_key(app)
    try:
        first = client.blpop([key], timeout=max(1, round(timeout)))
        if first is None:
            return []
        rest = client.lpop(key, 100) or []
    except Exception:
        log.warning("webhook worker: Redis unavailable, polling instead", exc_info=True)
        sleep(timeout)
        return []
    return [int(first[1]), *(int(i) for i in rest)]
