"""Messages sent to a deputy through their own 代表码 (the deputy's QR code),
beside the domain in models/domain.py: the message and its append-only history.

The sender's name and phone are private, like a caller's: they live in their
own table, which no public query loads."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import Call, Commitment, Deputy, Question, Show, User, utcnow


class MessageStatus(StrEnum):
    NEW = "new"
    ANSWERED = "answered"  # answered directly by the deputy (public answer)
    TOPIC = "topic"  # put forward as a topic for an upcoming show
    DECLINED = "declined"  # with a reason
    ASSIGNED = "assigned"  # 交办: given to a department as a board item with a deadline


class MessageEventKind(StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"
    TOPIC = "topic"
    DECLINED = "declined"
    ASSIGNED = "assigned"  # 交办: data carries the board item's id
    NOTE = "note"  # 代表督办: the deputy's follow-up note


class DeputyMessage(db.Model):
    __tablename__ = "deputy_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    text: Mapped[str] = mapped_column(Text)  # what the sender wrote (shown only to staff)
    area: Mapped[str] = mapped_column(String(100), default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    # The public summary, edited by the deputy (or the office) when answering.
    summary: Mapped[str] = mapped_column(String(500), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was declined
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.NEW, index=True)
    show_id: Mapped[int | None] = mapped_column(ForeignKey("shows.id"))  # put forward for
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    deputy: Mapped[Deputy] = relationship()
    show: Mapped[Show | None] = relationship()
    events: Mapped[list[MessageEvent]] = relationship(
        back_populates="message", order_by="MessageEvent.id", passive_deletes="all"
    )
    # The board item it became (交办), if it was given to a department.
    commitments: Mapped[list[Commitment]] = relationship(viewonly=True, order_by=Commitment.id)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_public(self) -> bool:
        """Answered, put forward or given to a department: its summary (never its
        text) may be shown."""
        return self.status in PUBLIC_STATUSES


PUBLIC_STATUSES = (MessageStatus.ANSWERED, MessageStatus.TOPIC, MessageStatus.ASSIGNED)


class MessageSender(db.Model):
    """Private: who sent a message. Never on a public page, feed, API or socket event."""

    __tablename__ = "message_senders"

    message_id: Mapped[int] = mapped_column(ForeignKey("deputy_messages.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # The sender asked to be told of each change of the item it became.
    notify: Mapped[bool] = mapped_column(default=False, server_default=false())


class MessageEvent(db.Model):
    """Append-only history of a message, written in the same transaction as the
    change. Like Event, the database refuses UPDATE and DELETE."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("deputy_messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    message: Mapped[DeputyMessage] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ReferenceCode(db.Model):
    """查询码: what a caller or a question's sender is given to follow their
    problem at /track/<code>. Only a hash is stored (looked up by its index and
    compared in constant time); the code itself is shown once, when issued."""

    __tablename__ = "reference_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("deputy_messages.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call | None] = relationship()
    question: Mapped[Question | None] = relationship()
