"""The board as Open311 GeoReport v2 requests: items with their latest change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import Commitment, Department, Event
from ..rules.status import State
from .board import public_commitments

REQUEST_LIMIT = 1000
# Open311 knows two states: met and withdrawn items are closed, the rest open.
CLOSED_STATES = (State.MET.value, State.WITHDRAWN.value)


def services() -> list[Department]:
    return db.session.scalars(select(Department).order_by(Department.id)).all()


def service_requests(
    *,
    ids: list[int] | None = None,
    department: int | None = None,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[Commitment, datetime]]:
    """(commitment, time of its latest event) newest first, at most REQUEST_LIMIT."""
    latest = (
        select(Event.commitment_id, func.max(Event.created_at).label("at"))
        .group_by(Event.commitment_id)
        .subquery()
    )
    stmt = (
        public_commitments()
        .add_columns(func.coalesce(latest.c.at, Commitment.updated_at))
        .outerjoin(latest, latest.c.commitment_id == Commitment.id)
    )
    if ids is not None:
        stmt = stmt.where(Commitment.id.in_(ids))
    if department is not None:
        stmt = stmt.where(Commitment.department_id == department)
    if status == "open":
        stmt = stmt.where(Commitment.state.not_in(CLOSED_STATES))
    elif status == "closed":
        stmt = stmt.where(Commitment.state.in_(CLOSED_STATES))
    if start is not None:
        stmt = stmt.where(Commitment.created_at >= start)
    if end is not None:
        stmt = stmt.where(Commitment.created_at <= end)
    stmt = stmt.order_by(Commitment.created_at.desc(), Commitment.id.desc()).limit(REQUEST_LIMIT)
    return [(c, at) for c, at in db.session.execute(stmt).all()]
