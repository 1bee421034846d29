"""Notifications, the write side: a caller's or sender's consent, follows by
e-mail (double opt-in), stops, and the outbox rows each public change of an
item queues, in the same transaction as its Event.

add_event() (changes/commitments.py) calls note(); when that transaction
commits, a `before_commit` hook writes, for each public change, one row per
consenting caller or sender and channel, and ONE fan-out row for its
followers, however many they are: the worker (integration/notifications.py)
expands it, so a change followed by thousands costs its request no more than
one followed by nobody. Nothing is sent here."""

from __future__ import annotations

import secrets

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

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
    User,
    utcnow,
)
from ..rules.notifications import phone_forms
from . import audit

TOLD = TOLD_KINDS

SMS_GATEWAY = "sms_gateway"  # the audit trail's actor of a reply by text message


def new_token() -> str:
    return secrets.token_urlsafe(16)


def event_key(event_id: int, subscription_id: int, channel: str) -> str:
    return f"e{event_id}:s{subscription_id}:{channel}"


# --- a caller's and a sender's consent ----------------------------------------------------


def _consent(kind: str, *, call=None, message=None) -> Subscription:
    sub = Subscription(
        kind=kind,
        token=new_token(),
        call=call,
        message=message,
        confirmed_at=utcnow(),  # said on air (or ticked by the sender): no e-mail round trip
    )
    db.session.add(sub)
    return sub


def consent_for_call(call) -> Subscription:
    return _consent(SubscriptionKind.CALLER, call=call)


def consent_for_message(message) -> Subscription:
    return _consent(SubscriptionKind.SENDER, message=message)


def subscription_of(*, call_id=None, message_id=None) -> Subscription | None:
    column = Subscription.call_id if call_id is not None else Subscription.message_id
    return db.session.scalar(
        select(Subscription)
        .where(column == (call_id if call_id is not None else message_id))
        .order_by(Subscription.id.desc())
    )


def correct_contact(
    call, *, phone: str, email: str, notify: bool, actor: User
) -> CallerContact | None:
    """Staff fix a wrong number or address, or the consent; the audit trail
    says which fields changed and who changed them, never the values."""
    contact = db.session.get(CallerContact, call.id)
    if contact is None:
        contact = CallerContact(call=call, name="", phone="", email="")
        db.session.add(contact)
    notify = notify and bool(phone or email)  # as when logged: nowhere to send, no consent
    changed = [
        name
        for name, value in (("phone", phone), ("email", email), ("notify", notify))
        if getattr(contact, name) != value
    ]
    if not changed:
        return None
    contact.phone, contact.email, contact.notify = phone, email, notify
    sub = subscription_of(call_id=call.id)
    if notify and (sub is None or sub.stopped_at is not None):
        consent_for_call(call)
    elif not notify and sub is not None and sub.stopped_at is None:
        stop(sub)
    audit.record(actor, audit.CONTACT_CORRECTED, f"call:{call.id}", {"fields": changed})
    return contact


# --- follows --------------------------------------------------------------------------------


def follow(kind: str, *, email: str, target_id=None, area: str = "", digest=False, locale="zh_CN"):
    """A follow waiting for its confirmation; the confirmation e-mail is queued
    in the same commit. Following the same thing again with the same address
    sends the confirmation again (if unconfirmed) instead of a second row."""
    if kind not in FOLLOW_KINDS:
        raise ValueError(kind)
    email = email.strip().lower()
    area = area.strip()
    sub = db.session.scalar(
        select(Subscription).where(
            Subscription.kind == kind,
            Subscription.email == email,
            Subscription.target_id == target_id
            if target_id is not None
            else Subscription.area == area,
            Subscription.stopped_at.is_(None),
        )
    )
    if sub is None:
        sub = Subscription(
            kind=kind,
            token=new_token(),
            email=email,
            target_id=target_id,
            area=area,
            digest=digest,
            locale=locale,
        )
        db.session.add(sub)
        db.session.flush()
    elif sub.confirmed_at is not None:
        sub.digest = digest  # already following: the choice of digest is updated
        return sub
    # A confirmation still waiting is enough; one sent, dropped or failed (lost,
    # or its link expired) is sent again, at most once a day for the address.
    key = f"c{sub.id}:{utcnow().date().isoformat()}"
    confirmations = db.session.execute(
        select(Notification.status, Notification.key).where(
            Notification.subscription_id == sub.id, Notification.kind == NotificationKind.CONFIRM
        )
    ).all()
    if all(status != NotificationStatus.PENDING and k != key for status, k in confirmations):
        db.session.add(
            Notification(
                key=key,
                kind=NotificationKind.CONFIRM,
                channel=Channel.EMAIL,
                subscription_id=sub.id,
            )
        )
    return sub


def confirm(sub: Subscription) -> None:
    if sub.confirmed_at is None and sub.stopped_at is None:
        sub.confirmed_at = utcnow()


def stop(sub: Subscription) -> None:
    """Nothing more is sent: what is still waiting is dropped with it."""
    if sub.stopped_at is None:
        sub.stopped_at = utcnow()
    db.session.execute(
        Notification.__table__.update()
        .where(
            Notification.subscription_id == sub.id,
            Notification.status == NotificationStatus.PENDING,
        )
        .values(status=NotificationStatus.DROPPED, last_error="stopped")
    )
    if sub.kind == SubscriptionKind.CALLER and sub.call_id is not None:
        contact = db.session.get(CallerContact, sub.call_id)
        if contact is not None:
            contact.notify = False
    elif sub.kind == SubscriptionKind.SENDER and sub.message_id is not None:
        sender = db.session.get(MessageSender, sub.message_id)
        if sender is not None:
            sender.notify = False


def _bare(column):
    """A stored number as digits only (the desk's form allows spaces, dashes, a +)."""
    for mark in (" ", "-", "+"):
        column = func.replace(column, mark, "")
    return column


def stop_by_phone(phone: str) -> int:
    """A 退订 reply from `phone`: every caller's and sender's subscription whose
    contact has that number is stopped as its stop link stops it (stop():
    both channels, since one consent covers both, and what waits is dropped).
    One audit row per subscription, naming the call or message, never the
    number. Returns how many were stopped (not committed here)."""
    forms = phone_forms(phone)
    if not forms:
        return 0
    found = db.session.scalars(
        select(Subscription)
        .outerjoin(CallerContact, CallerContact.call_id == Subscription.call_id)
        .outerjoin(MessageSender, MessageSender.message_id == Subscription.message_id)
        .where(
            Subscription.kind.in_((SubscriptionKind.CALLER, SubscriptionKind.SENDER)),
            Subscription.stopped_at.is_(None),
            (_bare(CallerContact.phone).in_(forms)) | (_bare(MessageSender.phone).in_(forms)),
        )
        .order_by(Subscription.id)
    ).all()
    for sub in found:
        stop(sub)
        target = f"call:{sub.call_id}" if sub.call_id is not None else f"message:{sub.message_id}"
        audit.record(SMS_GATEWAY, audit.SMS_STOPPED, target, {"by": "sms_reply"})
    return len(found)


# --- queueing, in the change's own transaction --------------------------------------------


def note(item_event: Event) -> None:
    """Remember a public change; its rows are written when the session commits."""
    if item_event.kind in TOLD:
        db.session.info.setdefault("notify_events", []).append(item_event)


def _contact_channels(commitment: Commitment, session: Session) -> list[tuple[int, list[str]]]:
    """(subscription id, channels) of the consenting caller or sender of the item."""
    if commitment.call_id is not None:
        contact_model, column, source = CallerContact, Subscription.call_id, commitment.call_id
        key = CallerContact.call_id
    elif commitment.message_id is not None:
        contact_model, column, source = (
            MessageSender,
            Subscription.message_id,
            commitment.message_id,
        )
        key = MessageSender.message_id
    else:
        return []
    rows = session.execute(
        select(Subscription.id, contact_model.phone, contact_model.email)
        .join(contact_model, key == column)
        .where(column == source, Subscription.stopped_at.is_(None), contact_model.notify)
    ).all()
    found = []
    for sub_id, phone, email in rows:
        channels = ([Channel.EMAIL] if email else []) + ([Channel.SMS] if phone else [])
        if channels:
            found.append((sub_id, channels))
    return found


def queue_event(item_event: Event, session: Session) -> int:
    rows = [
        Notification(
            key=f"f{item_event.id}",
            kind=NotificationKind.FANOUT,
            channel=Channel.EMAIL,
            event_id=item_event.id,
        )
    ]
    for sub_id, channels in _contact_channels(item_event.commitment, session):
        rows.extend(
            Notification(
                key=event_key(item_event.id, sub_id, channel),
                kind=NotificationKind.EVENT,
                channel=channel,
                subscription_id=sub_id,
                event_id=item_event.id,
            )
            for channel in channels
        )
    session.add_all(rows)
    return len(rows)


@event.listens_for(Session, "before_commit")
def _write_notifications(session: Session) -> None:
    pending = session.info.pop("notify_events", None)
    if not pending:
        return
    session.flush()  # the events have their ids now
    for item_event in pending:
        queue_event(item_event, session)
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("notify_events", None)
