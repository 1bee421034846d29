"""Renderers that report back (tally): one row per overlay page that reported
what it shows (rules/tally.py). Kept in the database, not in a process, so
every server process agrees on which renderers there are and what they show;
a renderer's connection lives on one process, its row is everyone's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow

__all__ = ["Renderer"]


class Renderer(db.Model):
    __tablename__ = "renderers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the page's own random id
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    layout: Mapped[str] = mapped_column(String(20))
    # "program" (what is on air) or "preview" (what the desk has in preview):
    # what it is compared against (rules/tally.py ROLES).
    role: Mapped[str] = mapped_column(String(10), default="program", server_default="program")
    # The Socket.IO connection reporting for it now; None once it disconnected.
    sid: Mapped[str | None] = mapped_column(String(64), index=True)
    # What it shows: the on-air kind and item, and the item's verification code.
    kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    item_id: Mapped[int | None]
    code: Mapped[str | None] = mapped_column(String(8))
    showing_since: Mapped[datetime] = mapped_column(default=utcnow)
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    disconnected_at: Mapped[datetime | None]
