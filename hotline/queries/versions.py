"""Looking up a verification code (核验码, /v/<code>): the version it names,
and whether the record it shows has changed since (its public fields now,
against the ones kept with the code). Public fields only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..changes.versions import snapshot
from ..extensions import db
from ..models import Call, ClaimKind, ClaimVersion, Commitment
from ..rules.versions import normalize
from .board import public_commitments


@dataclass
class Shown:
    version: ClaimVersion
    now: dict | None  # the record's public fields today (None: no longer found)
    changed: list[str] = field(default_factory=list)  # the fields that differ now

    @property
    def has_changed(self) -> bool:
        return self.now is None or bool(self.changed)

    def now_link(self) -> tuple[str, dict] | None:
        """(endpoint, values) of the record as it is now, for url_for."""
        row = self.version
        if self.now is None:
            return None
        if row.kind == ClaimKind.CALL:
            return "public.show", {"show_id": self.now["show_id"], "_anchor": f"call-{row.item_id}"}
        return "public.commitment", {"commitment_id": row.item_id}


def find(text: str | None) -> ClaimVersion | None:
    """The version a code names, typed in any case, with or without the dash."""
    code = normalize(text)
    if code is None:
        return None
    return db.session.scalar(select(ClaimVersion).where(ClaimVersion.code == code))


def _record_now(row: ClaimVersion):
    if row.kind == ClaimKind.CALL:
        return db.session.scalar(
            select(Call)
            .options(
                selectinload(Call.show), selectinload(Call.department), selectinload(Call.deputy)
            )
            .where(Call.id == row.item_id)
        )
    return db.session.scalar(public_commitments().where(Commitment.id == row.item_id))


def shown(text: str | None, today: date) -> Shown | None:
    """The version a code names beside its record as it stands on `today`."""
    row = find(text)
    if row is None:
        return None
    record = _record_now(row)
    if record is None:
        return Shown(row, None)
    now = snapshot(row.kind, record, today)
    kept = row.snapshot or {}
    changed = [name for name in kept if kept.get(name) != now.get(name)]
    return Shown(row, now, changed)
