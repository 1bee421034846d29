"""Milestones of a long commitment (年初查开工、年中看进度、年底问绩效): each with
a date and what will be shown. Every change is an event on the commitment's
public timeline (changes/milestones.py); a milestone is never deleted, and its
first date stays beside a moved one."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from .domain import Commitment, utcnow

__all__ = ["Milestone", "MilestoneKind"]


class MilestoneKind(StrEnum):
    """The events a milestone writes on its commitment's timeline (Event.kind,
    beside EventKind)."""

    SET = "milestone_set"
    MET = "milestone_met"
    MOVED = "milestone_moved"  # a new date, only before the old one passed
    MISSED = "milestone_missed"  # its date passed unmet: written by `flask remind`


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # e.g. 开工, 过半, 完工
    shows: Mapped[str] = mapped_column(Text, default="")  # what will be shown then
    due_on: Mapped[date]
    original_due_on: Mapped[date]  # never changes: a moved date stays visible
    met_on: Mapped[date | None]
    met_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # The commitment's side is made here, so models/domain.py stays as it is.
    commitment: Mapped[Commitment] = relationship(
        backref=backref("milestones", order_by="Milestone.due_on, Milestone.id")
    )
