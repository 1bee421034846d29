"""The desk's cue list (cue → preview → take), its state per show, and the
name supers (人名条) of a show's panel. What is on program stays in the on-air
row (models/system.py, OnAir); the QR bug, the preview, the rundown's lock and
the bug's auto-out are kept here, so every process and every restart agree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from .domain import utcnow

__all__ = ["CueItem", "CueState", "NameSuper"]


class CueItem(db.Model):
    """One item cued for a show: a card (a call, a commitment, an earlier
    promise, a 回音壁 item, a topic: item_id names it), a name super (item_id:
    the super), the totals or the QR bug (no item). `taken_at`: when it last
    went to program ("next" takes the first one not yet taken)."""

    __tablename__ = "cue_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime | None]


class CueState(db.Model):
    """A show's preview, QR bug and rundown lock: one row per show."""

    __tablename__ = "cue_states"

    show_id: Mapped[int] = mapped_column(
        ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True
    )
    preview_id: Mapped[int | None]  # a CueItem of the show
    # Since when the preview holds what it holds: a preview renderer is given
    # a moment to follow before the desk flags it (queries/tally.py).
    preview_since: Mapped[datetime | None]
    bug_on: Mapped[bool] = mapped_column(default=False, server_default=false())
    bug_since: Mapped[datetime | None]
    bug_until: Mapped[datetime | None]  # its auto-out; None: until cleared
    locked: Mapped[bool] = mapped_column(default=False, server_default=false())
    locked_at: Mapped[datetime | None]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @validates("preview_id")
    def _previewed(self, _key, value):
        """Every change of the preview (cue, take, remove, clear) dates itself."""
        if value != self.preview_id:
            self.preview_since = utcnow()
        return value


class NameSuper(db.Model):
    """A name super (人名条) of someone on the show's panel: a deputy with their
    seat, an official with their department and title. Public words only,
    filled from the panel and edited on the desk before the show."""

    __tablename__ = "name_supers"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(50))
    line: Mapped[str] = mapped_column(String(200), default="", server_default="")
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
