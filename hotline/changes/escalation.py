"""Escalation and disputes (12345 practice): 签收, 催办 → 督办 → 通报, 派单异议.

- 签收: the department acknowledges each item given to it within
  `acknowledge_days` working days (counted from the day it was given, i.e. made
  or reassigned); past that, the follow-up dashboard flags it to the office.
- 催办: `flask remind` writes a reminder on the timeline of an open item
  `remind_days` working days past its deadline, once per deadline; a missed
  milestone (its date passed unmet, changes/milestones.py) is said on the
  timeline at once and pressed the same way: its own 催办, then 督办 and 通报.
- 督办: the office presses (commitments.press); an item still overdue
  `press_days` working days after its 催办 is listed to the office for it.
- 通报: `flask remind` publishes a notice for an item still overdue
  `notice_days` working days after its latest 督办, once per 督办; the board row
  shows it while the item stays overdue.
- 派单异议: within the acknowledgement limit the department says "not ours" with
  a reason; the office reassigns it (the timeline keeps both departments) or
  refuses with a reason.

Each change writes its event in the same transaction; callers commit.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Commitment, Department, Event, EventKind, Milestone, User, utcnow
from ..rules import milestones as milestone_rules
from ..rules.status import State, local_date
from ..rules.workdays import add_working_days
from . import limits, milestones
from .commitments import FollowupError, _need_state, _need_text, _touch, add_event, check_version


def _local(moment) -> date:
    return local_date(moment, current_app.config["HOTLINE_TIMEZONE"])


def given_on(item: Commitment) -> date:
    """The local day the item was given to its current department."""
    return _local(item.assigned_at or item.created_at)


def acknowledge_by(item: Commitment, days: int | None = None) -> date:
    """The last day for 签收 (and for a dispute); `days` is the office's limit."""
    if days is None:
        days = limits.get("acknowledge_days")
    return add_working_days(given_on(item), days).day


def needs_acknowledgement(item: Commitment) -> bool:
    return item.state == State.OPEN and item.acknowledged_at is None


def acknowledgement_late(item: Commitment, day: date, days: int | None = None) -> bool:
    return needs_acknowledgement(item) and day > acknowledge_by(item, days)


def refused_for_department(item: Commitment) -> bool:
    """The office already refused a dispute by the current department."""
    return any(
        e.kind == EventKind.DISPUTE_REFUSED and e.data.get("department_id") == item.department_id
        for e in item.events
    )


def can_dispute(item: Commitment, day: date) -> bool:
    return (
        needs_acknowledgement(item)
        and item.disputed_at is None
        and day <= acknowledge_by(item)
        and not refused_for_department(item)
    )


def acknowledge(item: Commitment, *, actor: User, version, key: str | None = None) -> Event:
    """签收: the department has the item and is working on it."""
    check_version(item, version)
    if not needs_acknowledgement(item):
        raise FollowupError("", _l("This item is already acknowledged."))
    if item.disputed_at is not None:
        raise FollowupError("", _l("A dispute is waiting for the office's decision."))
    item.acknowledged_at = utcnow()
    _touch(item)
    return add_event(
        item, EventKind.ACKNOWLEDGED, actor, data={"department": item.department.name}, key=key
    )


def dispute(
    item: Commitment, *, actor: User, reason: str, day: date, version, key: str | None = None
) -> Event:
    """派单异议: "not ours", with a public reason, within the acknowledgement limit."""
    check_version(item, version)
    _need_state(item, State.OPEN)
    reason = _need_text("reason", reason, _l("Say why the item is not your department's."))
    if not can_dispute(item, day):
        raise FollowupError(
            "", _l("A dispute is possible only before acknowledging, within the limit, once.")
        )
    item.disputed_at = utcnow()
    _touch(item)
    return add_event(
        item,
        EventKind.DISPUTED,
        actor,
        note=reason,
        data={"department_id": item.department_id, "department": item.department.name},
        key=key,
    )


def decide_dispute(
    item: Commitment,
    *,
    actor: User,
    to_department: Department | None,
    reason: str,
    version,
    key: str | None = None,
) -> Event:
    """The office reassigns the item to `to_department`, or (None) refuses the
    dispute. Both with a public reason; a reassigned item starts a new
    acknowledgement period with its new department."""
    check_version(item, version)
    if item.disputed_at is None:
        raise FollowupError("", _l("There is no dispute waiting."))
    reason = _need_text("reason", reason, _l("Give the reason for the decision."))
    old = item.department
    item.disputed_at = None
    _touch(item)
    if to_department is None:
        return add_event(
            item,
            EventKind.DISPUTE_REFUSED,
            actor,
            note=reason,
            data={"department_id": old.id, "department": old.name},
            key=key,
        )
    if item.state != State.OPEN:
        raise FollowupError("", _l("This action is not possible in the item's current state."))
    if to_department.id == old.id or not to_department.active:
        raise FollowupError("department", _l("Choose another, active department."))
    item.department_id = to_department.id
    item.department = to_department
    item.assigned_at = utcnow()
    item.acknowledged_at = None
    return add_event(
        item,
        EventKind.REASSIGNED,
        actor,
        note=reason,
        data={
            "from_id": old.id,
            "from": old.name,
            "to_id": to_department.id,
            "to": to_department.name,
        },
        key=key,
    )


# What `flask remind` writes: 催办 and 通报, each at most once (its idempotency
# key names the deadline or the 督办 it follows), so a second run writes nothing.


def remind_key(item: Commitment) -> str:
    return f"remind:{item.id}:{item.deadline.isoformat()}"


def milestone_remind_key(item: Commitment, m: Milestone) -> str:
    return f"remind:{item.id}:milestone:{m.id}:{m.due_on.isoformat()}"


def missed_milestones(item: Commitment, day: date) -> list[Milestone]:
    return [m for m in item.milestones if milestone_rules.missed(m.due_on, m.met_on, day)]


def behind(item: Commitment, day: date) -> bool:
    """Open and past its deadline, or with a milestone missed: pressed alike."""
    return item.state == State.OPEN and (item.deadline < day or bool(missed_milestones(item, day)))


def notice_key(item: Commitment, pressed: Event) -> str:
    return f"notice:{item.id}:{pressed.id}"


def _latest(item: Commitment, kind: EventKind) -> Event | None:
    found = [e for e in item.events if e.kind == kind]
    return found[-1] if found else None


def reminded_on(item: Commitment, day: date | None = None) -> date | None:
    """The day of the latest 催办 for the current deadline or (given `day`) for a
    milestone missed on that day, if written."""
    keys = {remind_key(item)}
    if day is not None:
        keys |= {milestone_remind_key(item, m) for m in missed_milestones(item, day)}
    found = [e for e in item.events if e.idempotency_key in keys]
    return _local(found[-1].created_at) if found else None


def due_for_press(item: Commitment, day: date, days: int | None = None) -> bool:
    """Still overdue (or a milestone still missed) `press_days` working days
    after its 催办, and not pressed since."""
    reminded = reminded_on(item, day)
    if not behind(item, day) or reminded is None:
        return False
    pressed = _latest(item, EventKind.PRESSED)
    if pressed is not None and _local(pressed.created_at) >= reminded:
        return False
    if days is None:
        days = limits.get("press_days")
    return day >= add_working_days(reminded, days).day


def apply(day: date) -> list[tuple[str, Commitment]]:
    """Write the 催办 and 通报 due on `day`, and the milestones missed by then;
    returns (event kind, item) written."""
    remind_days, notice_days = limits.get("remind_days"), limits.get("notice_days")
    missed = select(Milestone.commitment_id).where(
        Milestone.met_on.is_(None), Milestone.due_on < day
    )
    overdue = db.session.scalars(
        select(Commitment)
        .options(
            selectinload(Commitment.events),
            selectinload(Commitment.department),
            selectinload(Commitment.milestones),
        )
        .where(
            Commitment.state == State.OPEN,
            or_(Commitment.deadline < day, Commitment.id.in_(missed)),
        )
        .order_by(Commitment.id)
    ).all()
    keys = {e.idempotency_key for c in overdue for e in c.events if e.idempotency_key}
    written = []
    for item in overdue:
        for m in missed_milestones(item, day):
            if milestones.missed_key(m) not in keys:
                milestones.record_missed(item, m)
                written.append((milestones.MilestoneKind.MISSED.value, item))
            key = milestone_remind_key(item, m)
            if key not in keys and add_working_days(m.due_on, remind_days).day <= day:
                _touch(item)
                add_event(item, EventKind.REMINDED, None, data=milestones.detail(m), key=key)
                written.append((EventKind.REMINDED.value, item))
        if item.deadline < day and add_working_days(item.deadline, remind_days).day <= day:
            if (key := remind_key(item)) not in keys:
                _touch(item)
                add_event(
                    item,
                    EventKind.REMINDED,
                    None,
                    data={"deadline": item.deadline.isoformat()},
                    key=key,
                )
                written.append((EventKind.REMINDED.value, item))
        pressed = _latest(item, EventKind.PRESSED)
        if pressed is None:
            continue
        if add_working_days(_local(pressed.created_at), notice_days).day <= day:
            if (key := notice_key(item, pressed)) not in keys:
                item.noticed_on = day
                _touch(item)
                add_event(
                    item,
                    EventKind.NOTICED,
                    None,
                    data={"pressed_on": _local(pressed.created_at).isoformat()},
                    key=key,
                )
                written.append((EventKind.NOTICED.value, item))
    return written
