"""The facts behind the openness score (rules/openness.py), read from the
append-only record alone: the items' events (签收, reassignments, progress,
completion reports and their files, extension requests with the deadline then
in force, 督办) and the milestones. A constant number of SQL queries, however
many items and events there are."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from ..changes import limits
from ..extensions import db
from ..models import (
    Attachment,
    Commitment,
    Department,
    Event,
    EventKind,
    Milestone,
    MilestoneKind,
)
from ..rules import openness
from ..rules.reports import Period
from ..rules.status import State, local_date
from .lists import utc_bounds

K = EventKind
KINDS = (
    K.ACKNOWLEDGED,
    K.REASSIGNED,
    K.PROGRESS,
    K.COMPLETION_REPORTED,
    K.EXTENSION_REQUESTED,
    K.PRESSED,
    MilestoneKind.MET,
)
# What answers a 督办: the department doing something on the record.
ANSWERS = (K.PROGRESS, K.COMPLETION_REPORTED, K.EXTENSION_REQUESTED, MilestoneKind.MET)


def facts(period: Period | None = None) -> list[openness.Facts]:
    """Every item's facts (or those of the items made in `period`)."""
    zone = current_app.config["HOTLINE_TIMEZONE"]
    items = select(Commitment.id)
    if period is not None:
        start, end = utc_bounds(period)
        items = items.where(Commitment.created_at >= start, Commitment.created_at < end)
    rows = db.session.execute(
        select(
            Commitment.id,
            Commitment.department_id,
            Commitment.created_at,
            Commitment.deadline,
            Commitment.state,
        ).where(Commitment.id.in_(items))
    ).all()
    files = select(Attachment.id).where(Attachment.event_id == Event.id).exists()
    events: dict[int, list] = {}
    for cid, kind, created_at, data, with_files in db.session.execute(
        select(Event.commitment_id, Event.kind, Event.created_at, Event.data, files)
        .where(Event.commitment_id.in_(items), Event.kind.in_([str(k) for k in KINDS]))
        .order_by(Event.id)
    ):
        day = local_date(created_at, zone)
        events.setdefault(cid, []).append((kind, day, data or {}, with_files))
    marks: dict[int, list] = {}
    for cid, due_on, met_on in db.session.execute(
        select(Milestone.commitment_id, Milestone.due_on, Milestone.met_on).where(
            Milestone.commitment_id.in_(items)
        )
    ):
        marks.setdefault(cid, []).append((due_on, met_on))
    return [
        _facts(row, events.get(row.id, []), marks.get(row.id, []), local_date(row.created_at, zone))
        for row in rows
    ]


def _facts(row, events: list, marks: list, made_on: date) -> openness.Facts:
    given_on, acknowledged_on, reported_on = made_on, None, None
    progress, completions, extensions, presses = [], [], [], []
    for i, (kind, day, data, with_files) in enumerate(events):
        if kind == K.REASSIGNED:  # a new department: a new 签收 period
            given_on, acknowledged_on = day, None
        elif kind == K.ACKNOWLEDGED and acknowledged_on is None:
            acknowledged_on = day
        elif kind == K.PROGRESS:
            progress.append(day)
        elif kind == K.COMPLETION_REPORTED:
            reported_on = reported_on or day
            completions.append(bool(with_files))
        elif kind == K.EXTENSION_REQUESTED and data.get("current"):
            extensions.append((day, date.fromisoformat(data["current"])))
        elif kind == K.PRESSED:
            answer = next((d for k, d, _x, _f in events[i + 1 :] if k in ANSWERS), None)
            presses.append(openness.Press(day, answer))
    withdrawn = row.state == State.WITHDRAWN.value
    return openness.Facts(
        department_id=row.department_id,
        given_on=given_on,
        acknowledged_on=acknowledged_on,
        deadline=row.deadline,
        reported_on=reported_on,
        progress_on=tuple(progress),
        completions_with_files=tuple(completions),
        extensions=tuple(extensions),
        presses=tuple(presses),
        milestones=tuple(marks),
        withdrawn=withdrawn,
    )


def tallies(today: date, period: Period | None = None) -> dict[int, openness.Openness]:
    """{department id: Openness}, with the office's limits."""
    values = limits.values()
    rules = openness.Limits(values["acknowledge_days"], values["notice_days"])
    return openness.tally(facts(period), today, rules)


def by_name(today: date, period: Period | None = None) -> dict[str, openness.Openness]:
    """{department name: Openness}: the period report's lines are by name."""
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    return {names[k]: v for k, v in tallies(today, period).items() if k in names}
