"""Notifications: who asked to be told (a consenting caller or sender, or a
follower by e-mail) and the outbox of what is to be sent to them
(changes/notifications.py fills it, integration/notifications.py sends it).

Private like a caller's contact: a follower's address and the outbox never
reach a public page, feed, API or socket event. The outbox holds no address
and no text: both are read when a row is sent, so a corrected number or a
stop applies to what is still waiting."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import Call, EventKind, utcnow

__all__ = [
    "Channel",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "Subscription",
    "SubscriptionKind",
    "FOLLOW_KINDS",
    "TOLD_KINDS",
]


class SubscriptionKind(StrEnum):
    CALLER = "caller"  # a caller who agreed on air (希望收到办理进展通知)
    SENDER = "sender"  # a 代表码 message's sender who agreed
    COMMITMENT = "commitment"  # a follower of one board item
    DEPARTMENT = "department"
    DEPUTY = "deputy"
    AREA = "area"


FOLLOW_KINDS = (
    SubscriptionKind.COMMITMENT,
    SubscriptionKind.DEPARTMENT,
    SubscriptionKind.DEPUTY,
    SubscriptionKind.AREA,
)


# The public changes of an item a caller, a sender or a follower is told of.
TOLD_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.REFERRED,
        EventKind.ASSIGNED,
        EventKind.PROGRESS,
        EventKind.EXTENSION_REQUESTED,
        EventKind.EXTENSION_GRANTED,
        EventKind.EXTENSION_REFUSED,
        EventKind.COMPLETION_REPORTED,
        EventKind.VERIFIED,
        EventKind.REOPENED,
        EventKind.REDONE,
        EventKind.WITHDRAWN,
    }
)


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class NotificationKind(StrEnum):
    EVENT = "event"  # one change of an item, to one recipient
    FANOUT = "fanout"  # one change, to be expanded into its followers' rows
    CONFIRM = "confirm"  # a follow's double opt-in
    DIGEST = "digest"  # a follower's day, in one e-mail


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up after the last retry
    DROPPED = "dropped"  # stopped, no longer consented, or nowhere to send


class Subscription(db.Model):
    """Who is told. A caller's or sender's row exists once they agreed; its
    address is read from their contact at each send. A follower's row holds
    the e-mail address, confirmed by a signed link before anything is sent."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    # The stop and unsubscribe links: random, unguessable, one per subscription.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("deputy_messages.id"), index=True)
    # What a follower follows: a board item, a department or a deputy (by id), an area (by name).
    target_id: Mapped[int | None] = mapped_column(index=True)
    area: Mapped[str] = mapped_column(String(100), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    digest: Mapped[bool] = mapped_column(default=False)  # one e-mail a day instead of each change
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    stopped_at: Mapped[datetime | None] = mapped_column(default=None)

    call: Mapped[Call | None] = relationship()
    message: Mapped[DeputyMessage | None] = relationship()  # noqa: F821 (models/messages.py)

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None


class Notification(db.Model):
    """The outbox: one row per message to send, written in the same commit as
    the change it tells of. `key` makes each (change, recipient, channel) one
    row, so a retried commit, a second worker or a second digest run adds
    nothing. A worker claims a row by moving `next_attempt_at` a lease ahead
    (integration/notifications.py)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), default=Channel.EMAIL)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=NotificationStatus.PENDING, index=True)
    day: Mapped[date | None] = mapped_column(default=None)  # a digest's local day
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    # A hash of the address it went to (the per-recipient rate limit counts these).
    recipient: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None, index=True)

    subscription: Mapped[Subscription | None] = relationship()
