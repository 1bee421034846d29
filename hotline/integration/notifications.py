"""Sending notifications: the outbox worker (`flask notify`).

The rows of `notifications` are the queue (changes/notifications.py writes
them in the change's own commit). A worker takes a due row with one
conditional UPDATE that moves its next attempt a lease ahead (claim(), as
for webhooks, hotline/integration/webhook_queue.py): two workers never send
one row, and a row claimed by a worker that died is due again once the lease
ends, so a restart loses nothing. A sent row is marked sent in the same step
it went out, and each row has its own key (the change, the recipient and the
channel; a digest's follower and day), so nothing is queued or sent twice
but for a worker killed between the provider's answer and that mark: then
the repeat carries the same Message-ID (e-mail) or id (SMS) for the
receiver to drop.

What a row says is composed when it is sent, from public fields only (the
item's number, pledge, department and status, the change's word, the link),
and sent to the address its subscription holds then: a corrected number, a
stop or a withdrawn consent applies at once to what still waits. Before a
send: no text message in quiet hours (held until morning, local time), and
at most HOTLINE_NOTIFY_PER_HOUR messages an hour to one address (the rest
wait their turn)."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, or_, select, update

from ..clock import local_to_utc, to_local
from ..extensions import db
from ..models import (
    FOLLOW_KINDS,
    TOLD_KINDS,
    CallerContact,
    Channel,
    Commitment,
    Event,
    MessageSender,
    Notification,
    NotificationKind,
    NotificationStatus,
    Subscription,
    SubscriptionKind,
    utcnow,
)
from . import mail, notifications_sms, notifications_text

log = logging.getLogger("hotline.notifications")

PENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENT
FAILED, DROPPED = NotificationStatus.FAILED, NotificationStatus.DROPPED
MAX_ATTEMPTS = 10
FIRST_RETRY = 60  # seconds; doubled after each failure, at most six hours


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_RETRY * 2 ** max(attempts - 1, 0), 6 * 3600))


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["HOTLINE_NOTIFY_LEASE_SECONDS"])


def claim(row_id: int, now: datetime) -> bool:
    """Take a due row for a lease; False when another worker has it or it is done."""
    taken = db.session.execute(
        update(Notification)
        .where(
            Notification.id == row_id,
            Notification.status == PENDING,
            Notification.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease(), attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


# --- who gets an item's change ------------------------------------------------------------


def _deputy_and_area(item: Commitment) -> tuple[int | None, str]:
    if item.call is not None:
        return item.call.deputy_id, item.call.area or ""
    if item.message is not None:
        return item.message.deputy_id, item.message.area or ""
    return None, ""


def follows_item(item: Commitment):
    """The condition a follower's subscription meets to hear of `item`'s changes."""
    deputy_id, area = _deputy_and_area(item)
    by_id = [
        (SubscriptionKind.COMMITMENT, item.id),
        (SubscriptionKind.DEPARTMENT, item.department_id),
    ]
    if deputy_id is not None:
        by_id.append((SubscriptionKind.DEPUTY, deputy_id))
    clauses = [(Subscription.kind == k) & (Subscription.target_id == v) for k, v in by_id]
    if area.strip():
        clauses.append(
            (Subscription.kind == SubscriptionKind.AREA)
            & (func.lower(Subscription.area) == area.strip().lower())
        )
    return or_(*clauses)


def _active_follows():
    return select(Subscription.id).where(
        Subscription.kind.in_(FOLLOW_KINDS),
        Subscription.confirmed_at.is_not(None),
        Subscription.stopped_at.is_(None),
    )


def expand(row: Notification, now: datetime) -> int:
    """A change's fan-out row → one row per follower told at once (the digest
    followers hear of it in their day's e-mail). Re-run after a crash, it adds
    only the rows that are missing."""
    item_event = db.session.get(Event, row.event_id)
    item = item_event.commitment
    wanted = db.session.scalars(
        _active_follows().where(Subscription.digest.is_(False), follows_item(item))
    ).all()
    have = set(
        db.session.scalars(
            select(Notification.subscription_id).where(
                Notification.event_id == item_event.id,
                Notification.kind == NotificationKind.EVENT,
            )
        )
    )
    new = [
        {
            "key": f"e{item_event.id}:s{sub_id}:{Channel.EMAIL}",
            "kind": NotificationKind.EVENT,
            "channel": Channel.EMAIL,
            "subscription_id": sub_id,
            "event_id": item_event.id,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
            "recipient": "",
            "created_at": now,
        }
        for sub_id in wanted
        if sub_id not in have
    ]
    if new:
        db.session.execute(insert(Notification), new)
    return len(new)


# --- a digest a day -----------------------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time())
    return local_to_utc(start), local_to_utc(start + timedelta(days=1))


def events_of_day(day: date) -> list[Event]:
    start, end = day_bounds(day)
    return db.session.scalars(
        select(Event)
        .where(Event.created_at >= start, Event.created_at < end, Event.kind.in_(TOLD_KINDS))
        .order_by(Event.id)
    ).all()


def matches(sub: Subscription, item: Commitment) -> bool:
    deputy_id, area = _deputy_and_area(item)
    return {
        SubscriptionKind.COMMITMENT: sub.target_id == item.id,
        SubscriptionKind.DEPARTMENT: sub.target_id == item.department_id,
        SubscriptionKind.DEPUTY: deputy_id is not None and sub.target_id == deputy_id,
        SubscriptionKind.AREA: bool(area.strip())
        and sub.area.strip().lower() == area.strip().lower(),
    }.get(sub.kind, False)


def queue_digests(day: date, now: datetime | None = None) -> int:
    """One digest row per follower with changes on `day`; a second run the
    same day adds nothing (the row's key is the follower and the day)."""
    now = now or utcnow()
    day_events = events_of_day(day)
    if not day_events:
        return 0
    subs = db.session.scalars(
        select(Subscription).where(
            Subscription.id.in_(_active_follows().where(Subscription.digest.is_(True)))
        )
    ).all()
    have = set(
        db.session.scalars(
            select(Notification.key).where(
                Notification.kind == NotificationKind.DIGEST, Notification.day == day
            )
        )
    )
    made = 0
    for sub in subs:
        key = f"d{sub.id}:{day.isoformat()}"
        if key in have or not any(matches(sub, e.commitment) for e in day_events):
            continue
        db.session.add(
            Notification(
                key=key,
                kind=NotificationKind.DIGEST,
                channel=Channel.EMAIL,
                subscription_id=sub.id,
                day=day,
                next_attempt_at=now,
            )
        )
        made += 1
    db.session.commit()
    return made


# --- one row --------------------------------------------------------------------------------


def address_of(sub: Subscription, channel: str) -> str:
    """Where this subscription is reached on `channel` now ("" if nowhere)."""
    if sub.kind in FOLLOW_KINDS:
        return sub.email if channel == Channel.EMAIL else ""
    if sub.kind == SubscriptionKind.CALLER:
        contact = db.session.get(CallerContact, sub.call_id)
    else:
        contact = db.session.get(MessageSender, sub.message_id)
    if contact is None or not contact.notify:
        return ""
    return contact.email if channel == Channel.EMAIL else contact.phone


def recipient_hash(channel: str, address: str) -> str:
    """The rate limit's key: a salted hash, so the outbox keeps no address."""
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:{channel}:{address.strip().lower()}".encode()).hexdigest()


def quiet_until(now: datetime) -> datetime | None:
    """The end of quiet hours (naive UTC) if `now` is within them, else None."""
    config = current_app.config
    start, end = config["HOTLINE_SMS_QUIET_FROM"], config["HOTLINE_SMS_QUIET_UNTIL"]
    hour = (local := to_local(now)).hour
    quiet = (hour >= start or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return None
    morning = local.date() + timedelta(days=1) if hour >= end else local.date()
    return local_to_utc(datetime.combine(morning, datetime.min.time()) + timedelta(hours=end))


def rate_limited_until(recipient: str, now: datetime) -> datetime | None:
    """When the next message may go to this address, if the hour's are spent."""
    limit = current_app.config["HOTLINE_NOTIFY_PER_HOUR"]
    window = now - timedelta(hours=1)
    sent = db.session.scalars(
        select(Notification.sent_at)
        .where(Notification.recipient == recipient, Notification.sent_at > window)
        .order_by(Notification.sent_at)
    ).all()
    if len(sent) < limit:
        return None
    return sent[len(sent) - limit] + timedelta(hours=1)


def _postpone(row: Notification, until: datetime, why: str) -> None:
    """Held back, not failed: the claim is not counted as an attempt."""
    row.next_attempt_at = until
    row.attempts = max(row.attempts - 1, 0)
    row.last_error = why


def _drop(row: Notification, why: str) -> None:
    row.status, row.last_error = DROPPED, why


def process(row: Notification, now: datetime) -> bool:
    """One claimed row: sent (True), held back, dropped or failed (False)."""
    if row.kind == NotificationKind.FANOUT:
        expand(row, now)
        row.status, row.sent_at = SENT, now
        return False
    sub = row.subscription
    if sub is None or sub.stopped_at is not None:
        _drop(row, "stopped")
        return False
    if row.kind != NotificationKind.CONFIRM and sub.confirmed_at is None:
        _drop(row, "not confirmed")
        return False
    address = address_of(sub, row.channel)
    if not address:
        _drop(row, "no consent or address")
        return False
    if row.channel == Channel.SMS:
        if not notifications_sms.configured():
            _drop(row, "no SMS provider")
            return False
        if (morning := quiet_until(now)) is not None:
            _postpone(row, morning, "quiet hours")
            return False
    elif not mail.configured():
        _drop(row, "no SMTP server")
        return False
    recipient = recipient_hash(row.channel, address)
    if (later := rate_limited_until(recipient, now)) is not None:
        _postpone(row, later, "rate limited")
        return False
    told = []
    if row.kind == NotificationKind.DIGEST:
        told = [e for e in events_of_day(row.day) if matches(sub, e.commitment)]
    message = notifications_text.compose(row, sub, told)
    if message is None:  # e.g. a digest whose day has nothing left to tell
        _drop(row, "nothing to tell")
        return False
    # Nothing to write yet: end the read, so no transaction is held while sending.
    db.session.commit()
    try:
        if row.channel == Channel.SMS:
            notifications_sms.send(address, message.text, message.params, row.key)
        else:
            with mail.connection() as smtp:
                smtp.send_message(
                    mail.compose([address], message.subject, message.text, message.headers)
                )
    except Exception as failure:  # noqa: BLE001 (any refusal is retried)
        row.last_error = type(failure).__name__[:300]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
        else:
            row.next_attempt_at = now + backoff(row.attempts)
        log.warning("notification %s attempt %s failed", row.id, row.attempts)
        return False
    row.status, row.sent_at, row.recipient, row.last_error = SENT, now, recipient, ""
    return True


def deliver_due(now: datetime | None = None, limit: int = 500) -> int:
    """Send every due row this worker can claim; returns how many went out."""
    moment = now or utcnow()
    due = db.session.scalars(
        select(Notification.id)
        .where(Notification.status == PENDING, Notification.next_attempt_at <= moment)
        .order_by(Notification.kind != NotificationKind.FANOUT, Notification.id)
        .limit(limit)
    ).all()
    db.session.commit()
    sent = 0
    for row_id in due:
        at = now or utcnow()
        if not claim(row_id, at):
            continue
        row = db.session.get(Notification, row_id, populate_existing=True)
        try:
            sent += process(row, at)
            db.session.commit()  # marked sent (or held, or failed) at once
        except Exception:
            db.session.rollback()  # the claim stands: due again after the lease
            log.exception("notification %s", row_id)
    return sent


def run_all(now: datetime | None = None, rounds: int = 5) -> int:
    """Rounds until nothing is left that is due now (a fan-out adds rows)."""
    total = 0
    for _ in range(rounds):
        before = total
        total += deliver_due(now)
        pending_now = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.status == PENDING,
                Notification.next_attempt_at <= (now or utcnow()),
            )
        )
        db.session.commit()
        if not pending_now and total == before:
            break
    return total


def run(app, interval: float = 5.0, once: bool = False, sleep=time.sleep) -> None:
    """`flask notify --loop`: a round now (everything due, after a restart too),
    then one every `interval` seconds."""
    while True:
        with app.app_context():
            try:
                run_all()
            except Exception:  # one bad round must not stop the worker
                db.session.rollback()
                log.exception("notification round failed")
            finally:
                db.session.remove()
        if once:
            return
        sleep(interval)
