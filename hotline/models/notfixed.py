"""Citizens' "not fixed" reports (群众反映未解决): on an item reported done or
verified, anyone may say it is not actually fixed, with a photo, the place and
the day they saw it. Nothing about who sent it is kept. A report is private
until the office accepts it (an event on the public timeline, the photo then
an attachment of that event) or rejects it (never shown)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .domain import Attachment, Commitment, utcnow

__all__ = ["NotFixedReport", "NotFixedStatus"]


class NotFixedStatus(StrEnum):
    PENDING = "pending"  # waiting for the office: not public
    ACCEPTED = "accepted"  # on the public timeline (its event)
    REJECTED = "rejected"  # never public


class NotFixedReport(db.Model):
    __tablename__ = "notfixed_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    seen_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    # The photo, re-encoded without its metadata; its attachment joins the
    # acceptance event, so it is served publicly only from then on.
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=NotFixedStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The office's reason for a rejection: kept for the office, never shown.
    decision_note: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    commitment: Mapped[Commitment] = relationship()
    attachment: Mapped[Attachment] = relationship()
