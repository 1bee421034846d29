"""Department scorecards: the counts behind /departments and /api/v1/departments."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from ..changes.duplicates import counted
from ..clock import to_local
from ..extensions import db
from ..models import Call, Commitment, Department, Event, EventKind, ItemKind, Rating
from ..rules import openness
from ..rules.status import State
from .board import status_code
from .milestones import missed_by_department
from .openness import tallies

# A department needs this many commitments that fell due before it is ranked,
# so one lucky item cannot put it on top (HOTLINE_RANK_MIN_SAMPLE overrides).
MIN_SAMPLE = 3


def min_sample() -> int:
    # At least one item must have fallen due: a rate of nothing is no rate.
    return max(1, int(current_app.config.get("HOTLINE_RANK_MIN_SAMPLE", MIN_SAMPLE)))


@dataclass
class Scorecard:
    department: Department
    by_code: dict[str, int] = field(default_factory=dict)
    extended: int = 0
    referrals: int = 0  # of all its items, those referred for offline verification
    fell_due: int = 0  # met, or original deadline passed: the on-time rate's base
    days_to_complete: list[int] = field(default_factory=list)
    ratings: dict[str, int] = field(default_factory=dict)
    notices: int = 0  # 通报: open items still overdue after a public notice
    # Milestones not met by their date (missed, or met late), of those fallen due.
    milestones_missed: int = 0
    milestones_due: int = 0
    openness: openness.Openness = field(default_factory=openness.Openness)
    rank: int | None = None

    def __getitem__(self, code: str) -> int:
        return self.by_code.get(code, 0)

    @property
    def total(self) -> int:
        return sum(self.by_code.values())

    @property
    def in_progress(self) -> int:
        return self["due"] + self["due_today"]

    @property
    def on_time_rate(self) -> float | None:
        return self["met_on_time"] / self.fell_due if self.fell_due else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_complete) if self.days_to_complete else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction(self) -> float | None:
        """Share of online ratings that are satisfied or basically satisfied."""
        if not self.rated:
            return None
        return (self.ratings.get("satisfied", 0) + self.ratings.get("basic", 0)) / self.rated

    @property
    def ranked(self) -> bool:
        return self.fell_due >= min_sample()

    @property
    def behind(self) -> int:
        """Missed deadlines and missed milestones alike: the ranking's tie-break."""
        return self["overdue"] + self.milestones_missed


def scorecards(today: date) -> list[Scorecard]:
    """One scorecard per department, ranked by on-time rate among departments
    with enough items; the others are listed after, unranked."""
    cards = {
        d.id: Scorecard(d)
        for d in db.session.scalars(select(Department).order_by(Department.id)).all()
    }
    code = status_code(today)
    extended = Commitment.deadline != Commitment.original_deadline
    # Withdrawing an item after its original deadline passed must not lift the
    # rate: it fell due and was not met on time. The timeline says when.
    withdrawn_late = and_(
        Commitment.state == State.WITHDRAWN.value,
        select(Event.id)
        .where(
            Event.commitment_id == Commitment.id,
            Event.kind == EventKind.WITHDRAWN,
            func.date(Event.created_at) > Commitment.original_deadline,
        )
        .exists(),
    )
    fell_due = or_(
        Commitment.state == State.MET.value,
        and_(Commitment.state != State.WITHDRAWN.value, Commitment.original_deadline < today),
        withdrawn_late,
    )
    inner = select(  # 并单: a problem called in twice counts once
        Commitment.department_id.label("dept"),
        code.label("code"),
        case((extended, 1), else_=0).label("extended"),
        case((fell_due, 1), else_=0).label("fell_due"),
        case((Commitment.kind == ItemKind.REFERRAL.value, 1), else_=0).label("referral"),
    )
    inner = counted(inner.outerjoin(Call, Commitment.call_id == Call.id)).subquery()
    rows = db.session.execute(
        select(
            inner.c.dept,
            inner.c.code,
            func.count(),
            func.sum(inner.c.extended),
            func.sum(inner.c.fell_due),
            func.sum(inner.c.referral),
        ).group_by(inner.c.dept, inner.c.code)
    ).all()
    for dept, code_value, n, n_extended, n_due, n_referrals in rows:
        card = cards.get(dept)
        if card is None:
            continue
        card.by_code[code_value] = n
        card.extended += int(n_extended or 0)
        card.fell_due += int(n_due or 0)
        card.referrals += int(n_referrals or 0)
    for dept, created_at, completed_on in db.session.execute(
        counted(
            select(Commitment.department_id, Commitment.created_at, Commitment.completed_on)
            .outerjoin(Call, Commitment.call_id == Call.id)
            .where(Commitment.state == State.MET.value)
        )
    ):
        if dept in cards and completed_on is not None:
            made_on = to_local(created_at).date()
            cards[dept].days_to_complete.append(max(0, (completed_on - made_on).days))
    for dept, value, n in db.session.execute(
        counted(
            select(Commitment.department_id, Rating.value, func.count())
            .join(Rating, Rating.commitment_id == Commitment.id)
            .outerjoin(Call, Commitment.call_id == Call.id)
        ).group_by(Commitment.department_id, Rating.value)
    ):
        if dept in cards:
            cards[dept].ratings[value] = n

    for dept, n in db.session.execute(
        select(Commitment.department_id, func.count())
        .where(
            Commitment.noticed_on.is_not(None),
            Commitment.state == State.OPEN.value,
            Commitment.deadline < today,
        )
        .group_by(Commitment.department_id)
    ):
        if dept in cards:
            cards[dept].notices = n

    for dept, (missed, due) in missed_by_department(today).items():
        if dept in cards:
            cards[dept].milestones_missed, cards[dept].milestones_due = missed, due
    # Openness, beside the results: ranked by the same small-sample rule.
    found = tallies(today)
    openness.rank(found, min_sample())
    for dept, tally in found.items():
        if dept in cards:
            cards[dept].openness = tally

    ranked = sorted(
        (c for c in cards.values() if c.ranked),
        key=lambda c: (-c.on_time_rate, c.behind, -c.fell_due, c.department.id),
    )
    for position, card in enumerate(ranked, start=1):
        card.rank = position
    others = [c for c in cards.values() if not c.ranked and (c.total or c.department.active)]
    return ranked + sorted(others, key=lambda c: c.department.id)
