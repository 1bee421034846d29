"""Changes to commitments. Each one writes its Event in the same transaction as
the change it records; callers commit, then publish."""

from __future__ import annotations

from datetime import date

from .extensions import db
from .models import Call, Commitment, Event, EventKind, Outcome, User
from .status import State, local_date


class VersionConflict(Exception):
    """Someone else saved the item since the form was loaded."""

    def __init__(self, current):
        super().__init__("version conflict")
        self.current = current


def check_version(item, submitted: int | str | None) -> None:
    if submitted is None or str(item.version) != str(submitted):
        raise VersionConflict(item)


def add_event(
    commitment: Commitment,
    kind: EventKind,
    actor: User | None,
    *,
    note: str = "",
    percent: int | None = None,
    data: dict | None = None,
    key: str | None = None,
) -> Event:
    event = Event(
        commitment=commitment,
        kind=kind,
        actor_id=actor.id if actor else None,
        note=note,
        percent=percent,
        data=data or {},
        idempotency_key=key,
    )
    db.session.add(event)
    return event


def create_commitment(
    call: Call,
    *,
    department_id: int,
    pledge: str,
    official_name: str,
    official_title: str,
    deadline: date,
    actor: User | None,
    key: str | None = None,
) -> Commitment:
    commitment = Commitment(
        call=call,
        department_id=department_id,
        pledge=pledge,
        official_name=official_name,
        official_title=official_title,
        deadline=deadline,
        original_deadline=deadline,
        state=State.OPEN,
        idempotency_key=key,
    )
    db.session.add(commitment)
    call.outcome = Outcome.COMMITTED
    add_event(
        commitment,
        EventKind.CREATED,
        actor,
        note=pledge,
        data={"deadline": deadline.isoformat(), "official": official_name},
    )
    return commitment


CORRECTABLE = ("pledge", "official_name", "official_title", "deadline")


def correct_commitment(
    commitment: Commitment,
    changes: dict,
    *,
    version,
    actor: User | None,
    today: date,
    tz: str,
) -> Event | None:
    """Fix a typo made on air. Every changed field goes on the public timeline,
    old and new side by side. The deadline may be fixed only on the day it was
    made and before anything else happened to it (it then sets the original
    deadline too); later, a deadline changes only through an extension."""
    check_version(commitment, version)
    if "deadline" in changes and changes["deadline"] != commitment.deadline:
        followed_up = any(
            e.kind not in (EventKind.CREATED, EventKind.CORRECTED) for e in commitment.events
        )
        made_today = local_date(commitment.created_at, tz) == today
        if commitment.state != State.OPEN or followed_up or not made_today:
            raise ValueError("the deadline changes only through an extension now")
    diff = {}
    for field in CORRECTABLE:
        if field in changes and changes[field] != getattr(commitment, field):
            old, new = getattr(commitment, field), changes[field]
            diff[field] = [str(old), str(new)]
            setattr(commitment, field, new)
            if field == "deadline":
                commitment.original_deadline = new
    if not diff:
        return None
    return add_event(commitment, EventKind.CORRECTED, actor, data={"changes": diff})
