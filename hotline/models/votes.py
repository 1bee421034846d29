"""Viewers' votes on an answer (网友投票), beside the domain in models/domain.py.

While a call's answer is on air, viewers at home say what they think of it
with the three words of the studio's placards (满意 / 基本满意 / 不满意,
RatingValue). Their votes are a verdict of their own: kept here, apart from
the studio's placard count on the call (Call.placard_*), never added to it
and never counted in the scorecards or the period report.

No sign-in and no address kept: a vote holds the hash of the browser's
cookie and a keyed hash (HMAC with SECRET_KEY) of the day, the connection's
address and user agent and the call (public/browser.py). Each counts once
per call; the database holds to both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .domain import utcnow

__all__ = ["ViewerVote"]


class ViewerVote(db.Model):
    __tablename__ = "viewer_votes"
    __table_args__ = (
        UniqueConstraint("call_id", "browser_key", name="uq_viewer_votes_browser"),
        UniqueConstraint("call_id", "client_key", name="uq_viewer_votes_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    value: Mapped[str] = mapped_column(String(20))  # a RatingValue
    browser_key: Mapped[str] = mapped_column(String(64))  # hash of the cookie's id
    # HMAC(SECRET_KEY, day, address, user agent, call): never the address itself.
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
