"""What the pages read of milestones: an item's progress line, each
department's missed milestones (the scorecards), and what falls due in a
period for the report's checks of the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import Commitment, Department, Milestone
from ..rules import milestones as rules
from ..rules.reports import Period
from ..rules.status import State


@dataclass(frozen=True)
class Step:
    """One step of the public progress line."""

    milestone: Milestone
    standing: rules.Standing


def progress_line(item: Commitment, today: date) -> list[Step]:
    return [Step(m, rules.standing(m.due_on, m.met_on, today)) for m in item.milestones]


def missed_by_department(today: date) -> dict[int, tuple[int, int]]:
    """{department id: (milestones not met by their date, milestones fallen due)},
    over items not withdrawn. Met late counts as missed: the record keeps it."""
    fell_due = or_(Milestone.met_on.is_not(None), Milestone.due_on < today)
    not_kept = or_(
        and_(Milestone.met_on.is_(None), Milestone.due_on < today),
        Milestone.met_on > Milestone.due_on,
    )
    rows = db.session.execute(
        select(
            Commitment.department_id,
            func.count().filter(not_kept),
            func.count().filter(fell_due),
        )
        .join(Commitment, Milestone.commitment_id == Commitment.id)
        .where(Commitment.state != State.WITHDRAWN.value)
        .group_by(Commitment.department_id)
    ).all()
    return {dept: (int(missed or 0), int(due or 0)) for dept, missed, due in rows}


def due_in(period: Period, today: date) -> list[rules.Due]:
    """Every milestone and every item deadline falling in the period (items not
    withdrawn), with how it stands on `today`: the report's checks of the year."""
    found = []
    for m, pledge, name in db.session.execute(
        select(Milestone, Commitment.pledge, Department.name)
        .join(Commitment, Milestone.commitment_id == Commitment.id)
        .join(Department, Commitment.department_id == Department.id)
        .where(
            Milestone.due_on >= period.start,
            Milestone.due_on <= period.end,
            Commitment.state != State.WITHDRAWN.value,
        )
    ):
        standing = rules.standing(m.due_on, m.met_on, today)
        found.append(rules.Due(m.commitment_id, name, pledge, m.due_on, m.title, standing))
    for c, name in db.session.execute(
        select(Commitment, Department.name)
        .join(Department, Commitment.department_id == Department.id)
        .where(
            Commitment.deadline >= period.start,
            Commitment.deadline <= period.end,
            Commitment.state != State.WITHDRAWN.value,
        )
    ):
        found.append(rules.Due(c.id, name, c.pledge, c.deadline, None, deadline_standing(c, today)))
    return found


def deadline_standing(c: Commitment, today: date) -> rules.Standing:
    """An item's own deadline as a step: met only by the original deadline (an
    extension never turns a late completion into a kept one)."""
    if c.completed_on is not None:
        return rules.standing(c.original_deadline, c.completed_on, today)
    return rules.Standing.MISSED if c.deadline < today else rules.Standing.UPCOMING
