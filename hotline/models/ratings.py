"""Citizens' online ratings of a met commitment, beside the domain in
models/domain.py (the placard votes live on the call and on the timeline)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow

__all__ = ["Rating", "RatingValue"]


class RatingValue(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"


class Rating(db.Model):
    """A citizen's online rating of a met commitment: one per browser, and one a
    day per connection."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("commitment_id", "browser_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    value: Mapped[str] = mapped_column(String(20))
    # Hash of the browser's random id cookie; never the address itself.
    browser_key: Mapped[str] = mapped_column(String(64))
    # A second sign, kept server-side: a keyed hash of the day, the address and
    # the user agent (never the address itself; unlinkable from one day to the
    # next). One rating per commitment per day from the same connection.
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
