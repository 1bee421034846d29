"""When the public record last changed: the open data's Last-Modified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..clock import local_to_utc, today
from ..extensions import db
from ..models import Call, CallEvent, Commitment, Event, Rating, Redaction, Show


def last_change() -> datetime:
    """The newest recorded change (naive UTC), and never before today's local
    midnight: statuses move on at midnight without any row changing. Renaming a
    department or a show leaves no time behind; the ETag still changes then."""
    columns = (
        Commitment.updated_at,
        Event.created_at,
        Redaction.created_at,
        Call.received_at,
        CallEvent.created_at,
        Rating.created_at,
        Show.went_live_at,
        Show.ended_at,
    )
    newest = db.session.execute(select(*(select(func.max(c)).scalar_subquery() for c in columns)))
    moments = [m for m in newest.one() if m is not None]
    midnight = local_to_utc(datetime.combine(today(), datetime.min.time()))
    return max([midnight, *moments]).replace(microsecond=0)
