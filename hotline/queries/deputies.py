"""What a deputy (or the office) works between shows: their 代表码 messages, the
items given to departments from them (交办) and the items of the calls they
carried, each lookup scoped to the account in the query itself (a deputy never
loads another deputy's row); and what the public deputy page shows they
carried. Nothing public here loads MessageSender."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    PUBLIC_STATUSES,
    Call,
    Commitment,
    DeputyMessage,
    MessageSender,
    MessageStatus,
    Role,
    Show,
    ShowStatus,
    User,
)
from .board import message_ids


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
    return db.session.scalar(
        stmt.options(
            selectinload(DeputyMessage.events),
            selectinload(DeputyMessage.commitments).selectinload(Commitment.department),
        )
    )


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


def own_items(deputy_id: int):
    """The deputy's items: those of the calls they carried on air and those given
    to departments from their 代表码 messages (交办)."""
    return or_(
        Commitment.call_id.in_(select(Call.id).where(Call.deputy_id == deputy_id)),
        message_ids(DeputyMessage.deputy_id == deputy_id),
    )


def commitment_for(user: User, commitment_id: int) -> Commitment | None:
    """One of the deputy's items; the office may note any."""
    stmt = select(Commitment).where(Commitment.id == commitment_id)
    if user.role != Role.SUPERVISOR:
        stmt = stmt.where(own_items(user.deputy_id or -1))
    return db.session.scalar(stmt)


def assigned_for(user: User) -> list[Commitment]:
    """Items given to departments from the deputy's 代表码 messages (the office: all)."""
    stmt = (
        select(Commitment)
        .join(DeputyMessage, Commitment.message_id == DeputyMessage.id)
        .options(
            selectinload(Commitment.department),
            selectinload(Commitment.message).selectinload(DeputyMessage.deputy),
        )
        .order_by(Commitment.id.desc())
    )
    return list(db.session.scalars(_scope(stmt, user, DeputyMessage.deputy_id)))


def upcoming_shows() -> list[Show]:
    stmt = select(Show).where(Show.status == ShowStatus.SCHEDULED).order_by(Show.starts_at)
    return list(db.session.scalars(stmt))


def public_messages(deputy_id: int) -> list[DeputyMessage]:
    """Answered, put forward or given to a department: their summaries, answers
    and items (never the text or the sender)."""
    stmt = (
        select(DeputyMessage)
        .where(DeputyMessage.deputy_id == deputy_id, DeputyMessage.status.in_(PUBLIC_STATUSES))
        .options(selectinload(DeputyMessage.commitments).selectinload(Commitment.department))
        .order_by(DeputyMessage.id.desc())
    )
    return list(db.session.scalars(stmt))


def carried_record(deputy_id: int, today: date) -> Counter:
    """How the deputy's items (calls carried, 代表码 messages given to
    departments) turned out, by status code."""
    stmt = select(Commitment).where(own_items(deputy_id))
    counts: Counter = Counter()
    for item in db.session.scalars(stmt):
        counts[item.status(today).code] += 1
        counts["made"] += 1
    return counts
