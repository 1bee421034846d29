"""The office's own vague phrases, beside the reviewed list in rules/pledges.py:
the desk flags them as a pledge is typed (a warning, never a block). A phrase
taken off the list is kept, inactive, and comes back when added again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow

__all__ = ["VaguePhrase"]


class VaguePhrase(db.Model):
    __tablename__ = "vague_phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(50), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
