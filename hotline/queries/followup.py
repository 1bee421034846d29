"""What the follow-up pages read: a department's work, one item's record."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..changes import escalation, limits
from ..extensions import db
from ..models import (
    Call,
    Commitment,
    Department,
    DeputyMessage,
    Event,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    Role,
    User,
)
from ..rules.status import Code, State

DUE_SOON_DAYS = 7


def scoped(query, user: User):
    """A liaison sees only their own department: the check is part of the query."""
    if user.role == Role.LIAISON:
        return query.where(Commitment.department_id == user.department_id)
    return query


def work_item(commitment_id: int, user: User) -> Commitment | None:
    """One commitment with its full record, if this account may work on it."""
    return db.session.scalar(
        scoped(
            select(Commitment)
            .options(
                selectinload(Commitment.department),
                selectinload(Commitment.call).selectinload(Call.show),
                selectinload(Commitment.message).selectinload(DeputyMessage.deputy),
                selectinload(Commitment.events).selectinload(Event.attachments),
                selectinload(Commitment.events).selectinload(Event.actor),
                selectinload(Commitment.milestones),
            )
            .where(Commitment.id == commitment_id),
            user,
        )
    )


def keyed_event(key: str) -> Event | None:
    """The event an earlier submission with this one-time key wrote, on
    whichever item and by whichever action."""
    return db.session.scalar(select(Event).where(Event.idempotency_key == key))


def dashboard_data(department: Department | None, day: date) -> dict:
    """What the dashboard shows: one department's items (a liaison's), or all.

    Takes the department rather than an account, because the same block is also
    rendered once and pushed to every liaison of the department.
    """

    def only_department(query):
        if department is None:
            return query
        return query.where(Commitment.department_id == department.id)

    items = db.session.scalars(
        only_department(
            select(Commitment)
            .options(
                selectinload(Commitment.department),
                selectinload(Commitment.call).selectinload(Call.show),
                selectinload(Commitment.events),
                selectinload(Commitment.milestones),
            )
            .where(Commitment.state.in_([State.OPEN, State.REPORTED]))
            .order_by(Commitment.deadline, Commitment.id)
        )
    ).all()
    groups = {"overdue": [], "due_soon": [], "reported": [], "later": []}
    for c in items:
        st = c.status(day)
        if st.code == Code.OVERDUE:
            groups["overdue"].append(c)
        elif st.code == Code.REPORTED:
            groups["reported"].append(c)
        elif c.deadline <= day + timedelta(days=DUE_SOON_DAYS):
            groups["due_soon"].append(c)
        else:
            groups["later"].append(c)
    pending = db.session.scalars(
        only_department(
            select(ExtensionRequest)
            .join(Commitment, ExtensionRequest.commitment_id == Commitment.id)
            .options(selectinload(ExtensionRequest.commitment).selectinload(Commitment.department))
            .where(ExtensionRequest.status == ExtensionStatus.PENDING)
            .order_by(ExtensionRequest.created_at)
        )
    ).all()
    # Escalation history at a glance: how often each listed item was pressed.
    presses = dict(
        db.session.execute(
            select(Event.commitment_id, func.count(Event.id))
            .where(Event.kind == EventKind.PRESSED, Event.commitment_id.in_([c.id for c in items]))
            .group_by(Event.commitment_id)
        ).all()
    )
    # 签收 (the liaison's to-do; flagged to the office past the limit), 派单异议
    # waiting for the office, items due for 督办 after their 催办.
    unacknowledged = [c for c in items if escalation.needs_acknowledgement(c)]
    limit = limits.values()
    by = {c.id: escalation.acknowledge_by(c, limit["acknowledge_days"]) for c in unacknowledged}
    return {
        "groups": groups,
        "presses": presses,
        "unacknowledged": unacknowledged,
        "late_acknowledgement": [c for c in unacknowledged if day > by[c.id]],
        "acknowledge_by": by,
        "disputes": [c for c in items if c.disputed_at is not None],
        "due_for_press": [
            c for c in items if escalation.due_for_press(c, day, limit["press_days"])
        ],
        "pending": pending,
        "department": department,
        "due_soon_days": DUE_SOON_DAYS,
    }


def due_for_reminder(day: date, within: int = DUE_SOON_DAYS) -> list[tuple[str, list, list]]:
    """Per active department: (name, overdue items, items due within `within` days).

    Only open items; the status is computed for `day`, so no job is needed to
    move an item from "due" to "overdue" at midnight. An item with a missed
    milestone is listed with the overdue ones, however far its deadline.
    """
    missed = select(Milestone.commitment_id).where(
        Milestone.met_on.is_(None), Milestone.due_on < day
    )
    items = db.session.scalars(
        select(Commitment)
        .join(Commitment.department)
        .options(
            selectinload(Commitment.department),
            selectinload(Commitment.events),
            selectinload(Commitment.milestones),
        )
        .where(
            Commitment.state == State.OPEN,
            or_(Commitment.deadline <= day + timedelta(days=within), Commitment.id.in_(missed)),
        )
        .order_by(Commitment.department_id, Commitment.deadline, Commitment.id)
    ).all()
    result: dict[str, tuple[str, list, list]] = {}
    for c in items:
        name = c.department.name
        entry = result.setdefault(name, (name, [], []))
        behind = c.status(day).code == Code.OVERDUE or escalation.missed_milestones(c, day)
        (entry[1] if behind else entry[2]).append(c)
    return list(result.values())
