"""What public pages read of notifications: how many follow an item (a
number only, never who), and a subscription by the token of its link."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Subscription, SubscriptionKind


def follower_count(commitment_id: int) -> int:
    """Confirmed followers of one board item, not stopped."""
    return db.session.scalar(
        select(func.count(Subscription.id)).where(
            Subscription.kind == SubscriptionKind.COMMITMENT,
            Subscription.target_id == commitment_id,
            Subscription.confirmed_at.is_not(None),
            Subscription.stopped_at.is_(None),
        )
    )


def by_token(token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Subscription).where(Subscription.token == token))
