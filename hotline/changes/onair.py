"""Putting things on the broadcast overlay and taking them off. The state is a
row per show in the database, so every server process and every restart agree
on what is on air. Callers commit, then push (pushes.on_air_changed)."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import OnAir, OnAirKind, User, utcnow


def _row(show_id: int) -> OnAir:
    row = db.session.get(OnAir, show_id)
    if row is None:
        row = OnAir(show_id=show_id)
        db.session.add(row)
    return row


def put_on_air(
    show_id: int,
    kind: OnAirKind | str,
    item_id: int | None,
    actor: User | None,
    until: datetime | None = None,
) -> OnAir:
    """`kind`: an OnAirKind, or a graphic only the cue takes (rules/cue.py);
    `until`: when it leaves by itself (its auto-out), None: it stays."""
    row = _row(show_id)
    row.kind, row.item_id = str(kind), item_id
    row.since = utcnow()
    row.until = until
    row.set_by_id = actor.id if actor else None
    return row


def clear(show_id: int, actor: User | None) -> OnAir:
    row = _row(show_id)
    row.kind, row.item_id = "", None
    row.since, row.until = utcnow(), None
    row.set_by_id = actor.id if actor else None
    return row
