"""The crew's back channel (节目组留言): short private notes that the
moderators, the director, the office and the panel's liaisons exchange during a
show, beside the domain in models/domain.py.

A note belongs to its show and is kept with it for the office; it is staff
only, never on a public page, feed, API or socket room a viewer can join. A
note marked as a cue card (主持人提示卡) shows in big type on the host's desk
console until someone marks it done (the overlay never shows it). Notes are
never edited or deleted: marking a cue card done records who and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import User, utcnow

__all__ = ["CrewNote", "CREW_NOTE_MAX"]

CREW_NOTE_MAX = 280  # characters: a note, not a message thread


class CrewNote(db.Model):
    __tablename__ = "crew_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(String(CREW_NOTE_MAX))
    cue: Mapped[bool] = mapped_column(default=False)  # a cue card for the host
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The sending form's one-time key: a double click posts once.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A cue card marked done (off the host's view): when and by whom.
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])

    @property
    def sender(self) -> str:
        """The name the crew sees: the account's display name, else its username."""
        return self.author.display_name or self.author.username
