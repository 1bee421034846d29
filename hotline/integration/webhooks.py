"""Signed webhooks for other systems (docs/api.md, "Integration API").

The write layer calls `emit()` beside the event it writes; when that
transaction commits, one delivery row per subscribed endpoint is written in the
same commit (a `before_commit` hook), so a change and its notifications are
saved together or not at all. Nothing is sent inside the request: `flask
--app hotline deliver` (or the greenlet wsgi.py starts) sends what is due,
signs it, records each attempt and retries with backoff. The rows are the
queue; Redis, when configured, only wakes the worker (hotline/integration/webhook_queue.py).
Each endpoint's deliveries go in a thread of their own, each send within a
deadline, so a slow receiver holds up only itself; what may be reached, and
how one POST keeps its deadline, is in hotline/integration/webhook_http.py.

A payload carries public fields only (a call's are models.public_fields, the
same as the API's and the open data's). The caller's name and phone go only to an
endpoint the office marked as the department's own system, for a call of that
department whose caller asked for a callback; once such a delivery is
delivered or has failed for good, its stored body loses them (the queue is in
every backup).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import (
    DELIVERED,
    FAILED,
    PENDING,
    Call,
    CallerContact,
    Commitment,
    EventKind,
    Webhook,
    WebhookDelivery,
    public_fields,
    utcnow,
)
from ..rules import pledges
from . import webhook_http, webhook_queue

log = logging.getLogger("hotline.webhooks")

CALL_LOGGED = "call.logged"
COMMITMENT_MADE = "commitment.made"
STATUS_CHANGED = "commitment.status_changed"
EXTENSION_DECIDED = "commitment.extension_decided"
VERIFIED = "commitment.verified"
OVERDUE = "commitment.overdue"
PRESSED = "commitment.pressed"
EVENT_TYPES = (
    CALL_LOGGED,
    COMMITMENT_MADE,
    STATUS_CHANGED,
    EXTENSION_DECIDED,
    VERIFIED,
    OVERDUE,
    PRESSED,
)
# What each event on a commitment's timeline is announced as.
BY_EVENT_KIND = {
    EventKind.CREATED: (COMMITMENT_MADE,),
    EventKind.REFERRED: (COMMITMENT_MADE,),
    EventKind.ASSIGNED: (COMMITMENT_MADE,),  # 交办 from a 代表码 message
    EventKind.EXTENSION_GRANTED: (EXTENSION_DECIDED,),
    EventKind.EXTENSION_REFUSED: (EXTENSION_DECIDED,),
    EventKind.COMPLETION_REPORTED: (STATUS_CHANGED,),
    EventKind.VERIFIED: (VERIFIED, STATUS_CHANGED),
    EventKind.REOPENED: (STATUS_CHANGED,),
    EventKind.REDONE: (STATUS_CHANGED,),
    EventKind.WITHDRAWN: (STATUS_CHANGED,),
    EventKind.PRESSED: (PRESSED,),
}

MAX_ATTEMPTS = 8
FIRST_RETRY = 30  # seconds; doubled after each failure, at most six hours
TIMEOUT = 10  # seconds for a whole send: connect, TLS, body, the answer's head


# --- registering ----------------------------------------------------------------------


class AddressRefused(ValueError):
    """The URL's host is this site, or has an address no delivery may go to."""


def scheme_allowed(url: str) -> bool:
    """HTTPS only; plain http only to 127.0.0.1 when the setting allows (tests, dev)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return webhook_http.local_http(url, current_app.config)


def address_allowed(url: str) -> bool:
    """Not this site (nor the host this page was asked for), and no address
    inside the network; checked again at every send (webhook_http.py)."""
    own_host = urlsplit(f"//{request.host}").hostname if has_request_context() else None
    return webhook_http.address_allowed(url, current_app.config, own_host)


def url_allowed(url: str) -> bool:
    return scheme_allowed(url) and address_allowed(url)


def register(
    url: str, events, *, secret: str | None = None, department_id=None, own_system=False
) -> Webhook:
    if not scheme_allowed(url):
        raise ValueError("url")
    if not address_allowed(url):
        raise AddressRefused("url")
    chosen = [e for e in EVENT_TYPES if e in set(events)]
    if not chosen:
        raise ValueError("events")
    hook = Webhook(
        url=url,
        secret=secret or secrets.token_hex(32),
        events=chosen,
        department_id=department_id,
        own_system=bool(own_system and department_id),
    )
    db.session.add(hook)
    return hook


# --- announcing (same transaction) -----------------------------------------------------


def emit(kind: str, item: Call | Commitment, **extra) -> None:
    """Queue `kind` about `item` for the subscribers, written when the session commits."""
    db.session.info.setdefault("webhooks", []).append((kind, item, extra))


def emit_for_event(commitment: Commitment, event_kind) -> None:
    for kind in BY_EVENT_KIND.get(event_kind, ()):
        emit(kind, commitment, event=str(event_kind))


def commitment_data(item: Commitment) -> dict:
    return {
        "id": item.id,
        "kind": str(item.kind),
        "source": "call" if item.call_id is not None else "deputy_code",
        "call_id": item.call_id,
        "show_id": item.call.show_id if item.call else None,
        "department_id": item.department_id,
        "pledge": item.pledge,
        "official_name": item.official_name,
        "official_title": item.official_title,
        # How the pledge will be checked (public; "" until given).
        **{name: getattr(item, name) or "" for name in pledges.TERMS},
        "state": str(item.state),
        "deadline": item.deadline.isoformat(),
        "original_deadline": item.original_deadline.isoformat(),
    }


def _contact(call: Call | None, department_id: int | None, hook: Webhook) -> dict | None:
    """The caller's contact, only for the own system of the department now
    responsible for the item (after a reassignment: the new one), and only when
    the caller asked for a callback."""
    if call is None or not hook.own_system or hook.department_id != department_id:
        return None
    contact = db.session.scalar(select(CallerContact).where(CallerContact.call_id == call.id))
    if contact is None or not contact.callback:
        return None
    return {"name": contact.name, "phone": contact.phone}


def payload(kind: str, item, hook: Webhook, extra: dict) -> dict:
    if isinstance(item, Call):
        data, call = public_fields(item), item
    else:
        data, call = commitment_data(item), item.call
    data = {**data, **extra}
    if (contact := _contact(call, item.department_id, hook)) is not None:
        data["caller"] = contact
    return {"type": kind, "created_at": utcnow().isoformat() + "Z", "data": data}


def _subscribers(kind: str, session: Session) -> list[Webhook]:
    hooks = session.scalars(select(Webhook).where(Webhook.active)).all()
    return [h for h in hooks if kind in (h.events or [])]


def queue(kind: str, item, session: Session, dedup: str | None = None, **extra) -> int:
    made = []
    for hook in _subscribers(kind, session):
        if dedup and session.scalar(
            select(WebhookDelivery.id).where(
                WebhookDelivery.webhook_id == hook.id, WebhookDelivery.dedup == dedup
            )
        ):
            continue
        body = json.dumps(payload(kind, item, hook, extra), ensure_ascii=False, sort_keys=True)
        made.append(WebhookDelivery(webhook_id=hook.id, event=kind, body=body, dedup=dedup))
    if made:
        session.add_all(made)
        session.flush()  # their ids, for the worker's doorbell once this commits
        webhook_queue.announce(session, [d.id for d in made])
    return len(made)


@event.listens_for(Session, "before_commit")
def _write_deliveries(session: Session) -> None:
    pending = session.info.pop("webhooks", None)
    if not pending:
        return
    session.flush()  # the new call or commitment has its id now
    for kind, item, extra in pending:
        queue(kind, item, session, **extra)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("webhooks", None)


def queue_overdue(today) -> int:
    """Open items past their deadline: announced once per endpoint and deadline."""
    from ..rules.status import State

    items = db.session.scalars(
        select(Commitment).where(Commitment.state == State.OPEN, Commitment.deadline < today)
    ).all()
    made = sum(
        queue(OVERDUE, item, db.session, dedup=f"overdue:{item.id}:{item.deadline.isoformat()}")
        for item in items
    )
    db.session.commit()
    return made


# --- delivering (outside any request) ---------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes, delivery_uid: str | None = None) -> str:
    """HMAC-SHA256, hex: v2 over "<timestamp>.<delivery id>.<body>"; without an
    id, the older v1 over "<timestamp>.<body>"."""
    signed = str(timestamp).encode() + b"."
    if delivery_uid is not None:
        signed += delivery_uid.encode() + b"."
    return hmac.new(secret.encode(), signed + body, hashlib.sha256).hexdigest()


def headers_for(delivery: WebhookDelivery, timestamp: int) -> dict:
    body, secret = delivery.body.encode(), delivery.webhook.secret
    # v2 covers the delivery id too, so a captured delivery cannot be replayed
    # under a fresh id past a receiver that drops the ids it has seen. v1 stays
    # for receivers written before v2 (docs/api.md); check v2.
    v1 = signature(secret, timestamp, body)
    v2 = signature(secret, timestamp, body, delivery.uid)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Hotline-Webhooks/1",
        "X-Hotline-Event": delivery.event,
        "X-Hotline-Delivery": delivery.uid,
        "X-Hotline-Signature": f"t={timestamp},v1={v1},v2={v2}",
    }


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_RETRY * 2 ** (attempts - 1), 6 * 3600))


def without_contact(body: str) -> str:
    """The stored payload without the caller's name and phone."""
    payload = json.loads(body)
    if "caller" not in payload.get("data", {}):
        return body
    del payload["data"]["caller"]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def send(delivery: WebhookDelivery, now: datetime) -> bool:
    """One attempt at a delivery this worker has claimed (which counted it)."""
    timestamp = int(time.time())
    url, body, headers = (
        delivery.webhook.url,
        delivery.body.encode(),
        headers_for(delivery, timestamp),
    )
    # Nothing to write yet (the claim is committed): end the read, so no
    # transaction and no pooled connection is held while the receiver answers.
    db.session.commit()
    status, error = webhook_http.post(
        url,
        body,
        headers,
        allow=webhook_http.allow_for(url, current_app.config),
        timeout=TIMEOUT,
    )
    delivery.last_status_code, delivery.last_error = status, error
    ok = not error and status is not None and 200 <= status < 300
    if ok:
        delivery.status, delivery.delivered_at = DELIVERED, now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = FAILED
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    if delivery.status != PENDING:  # sent or given up: the contact is no longer needed
        delivery.body = without_contact(delivery.body)
    log.info(
        "webhook %s %s attempt=%s status=%s",
        delivery.event,
        delivery.uid,
        delivery.attempts,
        delivery.last_status_code,
    )
    return ok


def lease() -> timedelta:
    """How long a claimed delivery is one worker's: longer than a send can take."""
    return timedelta(seconds=current_app.config["HOTLINE_WEBHOOK_LEASE_SECONDS"])


def claim(delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for this worker, for a lease; False when another
    worker took it first or it was sent meanwhile. Committed at once, so every
    other worker sees the claim (see hotline/integration/webhook_queue.py)."""
    taken = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        # The attempt counts from here: a worker killed while sending still used one.
        .values(next_attempt_at=now + lease(), attempts=WebhookDelivery.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


class Stop:
    """A worker asked to stop (SIGTERM from systemd or `docker stop`) stops
    between sends, never in the middle of one: a send cut off after the
    receiver got it stays pending and is sent a second time. During a round
    the lanes finish the sends they are in (each within its deadline), start
    no other, and the worker exits once they are recorded."""

    def __init__(self):
        self.asked = False
        self._sending = False

    def ask(self, _signum=None, _frame=None) -> None:
        self.asked = True
        if not self._sending:
            raise SystemExit(0)

    @contextmanager
    def sending(self):
        self._sending = True
        try:
            yield
        finally:
            self._sending = False
        if self.asked:
            raise SystemExit(0)


def _lane(app, ids: list[int], now: datetime | None, stop: Stop, until: float, results: list):
    """One endpoint's due deliveries, in order, in a thread of its own. A lane
    starts no send once the round has run TIMEOUT seconds (or a stop was
    asked), so a round lasts at most two deadlines however slow an endpoint;
    what is left is due again in the next round."""
    with app.app_context():
        try:
            for delivery_id in ids:
                if stop.asked or time.monotonic() > until:
                    break
                moment = now or utcnow()  # the lease starts when this one is claimed
                if not claim(delivery_id, moment):
                    continue
                delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
                results.append(send(delivery, moment))
                db.session.commit()  # each attempt is on the record at once
        except Exception as failure:  # handed to the round, which logs it
            db.session.rollback()
            results.append(failure)
        finally:
            db.session.remove()


def deliver_due(now: datetime | None = None, limit: int = 100, stop: Stop | None = None) -> int:
    """Send every pending delivery that is due and not another worker's, one
    thread per endpoint, so a slow endpoint never holds up the others;
    returns how many succeeded."""
    stop = stop or Stop()
    due = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= (now or utcnow())
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    ).all()
    db.session.commit()  # the lanes write these rows: hold no read open on them
    by_endpoint: dict[int, list[int]] = {}
    for delivery_id, webhook_id in due:
        by_endpoint.setdefault(webhook_id, []).append(delivery_id)
    app, results = current_app._get_current_object(), []
    until = time.monotonic() + TIMEOUT
    with stop.sending():
        lanes = [
            threading.Thread(target=_lane, args=(app, ids, now, stop, until, results))
            for ids in by_endpoint.values()
        ]
        for lane in lanes:
            lane.start()
        for lane in lanes:
            lane.join()
        failures = [r for r in results if isinstance(r, Exception)]
        if failures:
            raise failures[0]
    return sum(r is True for r in results)


def seconds_to_next(now: datetime, interval: float) -> float:
    """How long a worker may wait: until the next retry (or lease) falls due,
    at most `interval`."""
    due = db.session.scalar(
        select(func.min(WebhookDelivery.next_attempt_at)).where(WebhookDelivery.status == PENDING)
    )
    if due is None:
        return interval
    return max(0.5, min(interval, (due - now).total_seconds()))


def run(
    app, interval: float = 5.0, once: bool = False, sleep=time.sleep, ready=None, stop=None
) -> None:
    """The delivery loop of `flask deliver --loop` and of wsgi.py's worker: a
    round at once (everything pending, after a restart too), then each time
    Redis announces new deliveries, a retry falls due or `interval` passes."""
    from ..clock import today

    while True:
        with app.app_context():
            wait = interval
            try:
                queue_overdue(today())
                deliver_due(stop=stop)
                wait = seconds_to_next(utcnow(), interval)
            except Exception:  # one bad round must not stop deliveries for good
                db.session.rollback()
                log.exception("webhook delivery round failed")
            finally:
                db.session.remove()
        if once or (stop is not None and stop.asked):  # asked while a failed round ran
            return
        if ready is not None:
            ready()
            ready = None
        webhook_queue.wait(app, wait, sleep)
