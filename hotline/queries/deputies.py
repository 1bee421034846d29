"""What a deputy (or the office) works between shows: their 代表码 messages and
the items of the calls they carried, each lookup scoped to the account in the
query itself (a deputy never loads another deputy's row); and what the public
deputy page shows they carried. Nothing public here loads MessageSender."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..inbox import DeputyMessage, MessageSender, MessageStatus
from ..models import Call, Commitment, Role, Show, ShowStatus, User


def _scope(stmt, user: User, column):
    """The office sees every deputy's; a deputy only their own (none if unlinked)."""
    if user.role == Role.SUPERVISOR:
        return stmt
    return stmt.where(column == (user.deputy_id or -1))


def messages_for(user: User) -> list[DeputyMessage]:
    stmt = select(DeputyMessage).options(selectinload(DeputyMessage.deputy))
    stmt = _scope(stmt, user, DeputyMessage.deputy_id)
    order = (DeputyMessage.status != MessageStatus.NEW, DeputyMessage.id.desc())
    return list(db.session.scalars(stmt.order_by(*order)))


def message_for(user: User, message_id: int) -> DeputyMessage | None:
    stmt = _scope(
        select(DeputyMessage).where(DeputyMessage.id == message_id),
        user,
        DeputyMessage.deputy_id,
    )
    return db.session.scalar(stmt.options(selectinload(DeputyMessage.events)))


def sender_of(message: DeputyMessage) -> MessageSender | None:
    """Private: for the deputy's own page only (the message was scoped first)."""
    return db.session.get(MessageSender, message.id)


def calls_for(user: User) -> list[Call]:
    """The calls this deputy carried on air, with their items (the office: none here)."""
    if user.role != Role.DEPUTY or user.deputy_id is None:
        return []
    stmt = (
        select(Call)
        .where(Call.deputy_id == user.deputy_id)
        .options(
            selectinload(Call.show),
            selectinload(Call.commitments).selectinload(Commitment.department),
        )
        .order_by(Call.id.desc())
    )
    return list(db.session.scalars(stmt))


def commitment_for(user: User, commitment_id: int) -> Commitment | None:
    """An item of a call the deputy carried; the office may note any."""
    stmt = select(Commitment).where(Commitment.id == commitment_id)
    if user.role != Role.SUPERVISOR:
        stmt = stmt.join(Commitment.call).where(Call.deputy_id == (user.deputy_id or -1))
    return db.session.scalar(stmt)


def upcoming_shows() -> list[Show]:
    stmt = select(Show).where(Show.status == ShowStatus.SCHEDULED).order_by(Show.starts_at)
    return list(db.session.scalars(stmt))


def public_messages(deputy_id: int) -> list[DeputyMessage]:
    """Answered or put forward: their summaries and answers (never text or sender)."""
    stmt = (
        select(DeputyMessage)
        .where(
            DeputyMessage.deputy_id == deputy_id,
            DeputyMessage.status.in_((MessageStatus.ANSWERED, MessageStatus.TOPIC)),
        )
        .order_by(DeputyMessage.id.desc())
    )
    return list(db.session.scalars(stmt))


def carried_record(deputy_id: int, today: date) -> Counter:
    """How the items of the calls this deputy carried turned out, by status code."""
    stmt = select(Commitment).join(Commitment.call).where(Call.deputy_id == deputy_id)
    counts: Counter = Counter()
    for item in db.session.scalars(stmt):
        counts[item.status(today).code] += 1
        counts["made"] += 1
    return counts
