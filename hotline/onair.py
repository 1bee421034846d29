"""Putting things on the broadcast overlay and taking them off. The state is a
row per show in the database, so every server process and every restart agree
on what is on air. Callers commit, then push (pushes.on_air_changed)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .extensions import db
from .models import Call, Commitment, OnAirKind, Show, User, utcnow
from .records import OnAir


def belongs(show: Show, kind: OnAirKind, item_id: int, today: date) -> bool:
    """Only this show's calls and commitments, or an item of its own rundown
    (the desk's form and the API ask the same question)."""
    from .queries.rundown import in_rundown

    if kind == OnAirKind.CALL:
        return any(c.id == item_id for c in show.calls)
    if kind == OnAirKind.COMMITMENT:
        return bool(
            db.session.scalar(
                select(Commitment.id)
                .join(Call, Commitment.call_id == Call.id)
                .where(Commitment.id == item_id, Call.show_id == show.id)
            )
        )
    return in_rundown(show, item_id, today)


def _row(show_id: int) -> OnAir:
    row = db.session.get(OnAir, show_id)
    if row is None:
        row = OnAir(show_id=show_id)
        db.session.add(row)
    return row


def put_on_air(show_id: int, kind: OnAirKind, item_id: int, actor: User | None) -> OnAir:
    row = _row(show_id)
    row.kind, row.item_id = kind.value, item_id
    row.since = utcnow()
    row.set_by_id = actor.id if actor else None
    return row


def clear(show_id: int, actor: User | None) -> OnAir:
    row = _row(show_id)
    row.kind, row.item_id = "", None
    row.since = utcnow()
    row.set_by_id = actor.id if actor else None
    return row
