"""The three lists (三张清单) and the period report: public fields only."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import local_to_utc
from ..extensions import db
from ..models import Call, Commitment, DeputyMessage, Event, EventKind, Rating, RatingValue, Show
from ..rules import reports
from ..rules.status import local_date
from .places import call_conditions, item_conditions


def utc_bounds(period: reports.Period) -> tuple[datetime, datetime]:
    """The period's local days as a half-open range of stored (naive UTC) times."""
    start = local_to_utc(datetime.combine(period.start, time()))
    end = local_to_utc(datetime.combine(period.end + timedelta(days=1), time()))
    return start, end


def calls_in(
    period: reports.Period, category: int | None = None, area: int | None = None
) -> list[Call]:
    """Calls of the shows held in the period (the suggestion list), of the
    category and the area (and the areas inside it) when they are given."""
    start, end = utc_bounds(period)
    return db.session.scalars(
        select(Call)
        .join(Show, Call.show_id == Show.id)
        .options(selectinload(Call.department), selectinload(Call.show), selectinload(Call.deputy))
        .where(Show.starts_at >= start, Show.starts_at < end)
        .where(*call_conditions(category, area))
        .order_by(Show.starts_at, Call.number)
    ).all()


def commitments_in(
    period: reports.Period, category: int | None = None, area: int | None = None
) -> list[Commitment]:
    start, end = utc_bounds(period)
    stmt = select(Commitment)
    if category or area:
        stmt = stmt.outerjoin(Call, Commitment.call_id == Call.id).where(
            *item_conditions(category, area)
        )
    return db.session.scalars(
        stmt.options(
            selectinload(Commitment.department),
            selectinload(Commitment.call).selectinload(Call.show),
            selectinload(Commitment.call).selectinload(Call.deputy),  # verification codes
            selectinload(Commitment.message).selectinload(DeputyMessage.deputy),
        )
        .where(Commitment.created_at >= start, Commitment.created_at < end)
        .order_by(Commitment.department_id, Commitment.created_at, Commitment.id)
    ).all()


def online_votes(ids: list[int]) -> dict[int, list[int]]:
    """{commitment id: [satisfied, basic, dissatisfied]} from citizens' online ratings."""
    order = {RatingValue.SATISFIED: 0, RatingValue.BASIC: 1, RatingValue.DISSATISFIED: 2}
    votes: dict[int, list[int]] = {}
    if not ids:
        return votes
    for commitment_id, value, n in db.session.execute(
        select(Rating.commitment_id, Rating.value, func.count(Rating.id))
        .where(Rating.commitment_id.in_(ids))
        .group_by(Rating.commitment_id, Rating.value)
    ):
        if value in order:
            votes.setdefault(commitment_id, [0, 0, 0])[order[value]] += n
    return votes


def result_votes(ids: list[int]) -> dict[int, list[int]]:
    """{commitment id: [satisfied, basic, dissatisfied]} from the placard votes on
    the result (举牌评效果) in later shows' 回音壁 segments. Each show counts once:
    a later count for the same show supersedes an earlier one (both stay on the
    timeline). Apart from the vote on the call."""
    latest: dict[tuple[int, object], list[int]] = {}
    if not ids:
        return {}
    for commitment_id, data in db.session.execute(
        select(Event.commitment_id, Event.data)
        .where(Event.commitment_id.in_(ids), Event.kind == EventKind.RESULT_VOTE.value)
        .order_by(Event.id)
    ):
        votes = (data or {}).get("votes") or [0, 0, 0]
        latest[(commitment_id, (data or {}).get("show_id"))] = [int(n) for n in votes[:3]]
    totals: dict[int, list[int]] = {}
    for (commitment_id, _show), votes in latest.items():
        line = totals.setdefault(commitment_id, [0, 0, 0])
        for i in range(3):
            line[i] += votes[i]
    return totals


def votes_of(
    c: Commitment, online: dict[int, list[int]], counted_calls: set[int] | None = None
) -> tuple[int, int, int]:
    """Online ratings of the commitment plus the placard vote of its call (an
    item from a 代表码 message has none). When adding up, pass `counted_calls`:
    a call's placards then count once, however many commitments it produced."""
    s, b, d = online.get(c.id, [0, 0, 0])
    call = c.call
    if call is None:
        return s, b, d
    if counted_calls is not None:
        if call.id in counted_calls:
            return s, b, d
        counted_calls.add(call.id)
    if call.has_placard:
        s += call.placard_satisfied or 0
        b += call.placard_basic or 0
        d += call.placard_dissatisfied or 0
    return s, b, d


def report_rows(period: reports.Period) -> list[reports.Row]:
    # 并单: a problem called in twice is one row (the earlier call's items).
    items = [c for c in commitments_in(period) if c.call is None or c.call.duplicate_of_id is None]
    online = online_votes([c.id for c in items])
    on_result = result_votes([c.id for c in items])
    zone = current_app.config["HOTLINE_TIMEZONE"]
    counted_calls: set[int] = set()
    return [
        reports.Row(
            department=c.department.name,
            created_on=local_date(c.created_at, zone),
            state=c.state,
            deadline=c.deadline,
            original_deadline=c.original_deadline,
            completed_on=c.completed_on,
            votes=votes_of(c, online, counted_calls),
            result_votes=tuple(on_result.get(c.id, (0, 0, 0))),
            kind=c.kind,
        )
        for c in items
    ]
