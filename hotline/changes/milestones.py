"""Milestones of a long commitment: set, moved (only before their date), met
with a note and evidence, missed. Each change writes its event on the
commitment's public timeline in the same transaction; callers commit.

A milestone's date cannot be changed once it has passed unmet: the miss stays
on the record (and `flask remind` writes it on the timeline, escalation.py).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Attachment, Commitment, Milestone, MilestoneKind, User
from ..rules import milestones as rules
from ..rules.status import State, local_date
from .commitments import FollowupError, _need_state, _need_text, _touch, add_event, check_version


def made_on(item: Commitment) -> date:
    return local_date(item.created_at, current_app.config["HOTLINE_TIMEZONE"])


def can_carry(item: Commitment) -> bool:
    """Open, with a deadline far enough out, and room for another milestone."""
    return (
        item.state == State.OPEN
        and rules.can_carry(made_on(item), item.deadline)
        and len(item.milestones) < rules.MAX_PER_ITEM
    )


def open_milestones(item: Commitment) -> list[Milestone]:
    return [m for m in item.milestones if m.met_on is None]


def movable(item: Commitment, today: date) -> list[Milestone]:
    """Unmet milestones whose date has not passed: only these may be moved."""
    return [m for m in open_milestones(item) if m.due_on >= today]


def detail(m: Milestone, **more) -> dict:
    return {"milestone_id": m.id, "title": m.title, "due_on": m.due_on.isoformat(), **more}


def _milestone_of(item: Commitment, milestone_id) -> Milestone:
    found = next((m for m in item.milestones if m.id == milestone_id), None)
    if found is None:
        raise FollowupError("milestone", _l("Choose one of this item's milestones."))
    return found


def _need_date(field: str, day: date | None, today: date, item: Commitment) -> date:
    if day is None:
        raise FollowupError(field, _l("Give the milestone's date."))
    if day < today:
        raise FollowupError(field, _l("A milestone's date cannot be in the past."))
    if day > item.deadline:
        raise FollowupError(field, _l("A milestone falls on or before the item's deadline."))
    return day


def set_milestone(
    item: Commitment,
    *,
    actor: User,
    title: str,
    shows: str,
    due_on: date | None,
    today: date,
    version,
    key: str | None = None,
) -> Milestone:
    check_version(item, version)
    _need_state(item, State.OPEN)
    if not rules.can_carry(made_on(item), item.deadline):
        raise FollowupError(
            "", _l("Only an item due more than %(n)d days after it was made carries milestones.",
                   n=rules.MIN_SPAN_DAYS)
        )  # fmt: skip
    if len(item.milestones) >= rules.MAX_PER_ITEM:
        raise FollowupError("", _l("This item has as many milestones as it may carry."))
    title = _need_text("title", title, _l("Name the milestone (e.g. start of work)."))
    shows = _need_text("shows", shows, _l("Say what will be shown by then."))
    due_on = _need_date("due_on", due_on, today, item)
    milestone = Milestone(
        commitment=item,
        title=title,
        shows=shows,
        due_on=due_on,
        original_due_on=due_on,
        met_note="",
        created_by_id=actor.id,
    )
    db.session.add(milestone)
    db.session.flush()
    _touch(item)
    add_event(item, MilestoneKind.SET, actor, note=shows, data=detail(milestone), key=key)
    return milestone


def meet_milestone(
    item: Commitment,
    *,
    actor: User,
    milestone_id,
    note: str,
    day: date,
    attachments: list[Attachment] = (),
    version,
    key: str | None = None,
) -> Milestone:
    """Marked met on `day`, with a public note of what was shown (and a file)."""
    check_version(item, version)
    _need_state(item, State.OPEN)
    milestone = _milestone_of(item, milestone_id)
    if milestone.met_on is not None:
        raise FollowupError("milestone", _l("This milestone is already met."))
    note = _need_text("note", note, _l("Say what was shown."))
    milestone.met_on = day
    milestone.met_note = note
    _touch(item)
    late = day > milestone.due_on
    event = add_event(
        item,
        MilestoneKind.MET,
        actor,
        note=note,
        data=detail(milestone, met_on=day.isoformat(), late=late),
        key=key,
    )
    event.attachments.extend(attachments)
    return milestone


def move_milestone(
    item: Commitment,
    *,
    actor: User,
    milestone_id,
    due_on: date | None,
    reason: str,
    today: date,
    version,
    key: str | None = None,
) -> Milestone:
    """A new date, with a public reason, only while the old one has not passed."""
    check_version(item, version)
    _need_state(item, State.OPEN)
    milestone = _milestone_of(item, milestone_id)
    if milestone.met_on is not None:
        raise FollowupError("milestone", _l("This milestone is already met."))
    if milestone.due_on < today:
        raise FollowupError(
            "milestone",
            _l("Its date has passed: it stays missed on the record and cannot be moved."),
        )
    due_on = _need_date("due_on", due_on, today, item)
    if due_on == milestone.due_on:
        raise FollowupError("due_on", _l("Give a date other than the current one."))
    reason = _need_text("reason", reason, _l("Give the reason for the new date."))
    old = milestone.due_on
    milestone.due_on = due_on
    _touch(item)
    add_event(
        item,
        MilestoneKind.MOVED,
        actor,
        note=reason,
        data=detail(milestone, **{"from": old.isoformat(), "to": due_on.isoformat()}),
        key=key,
    )
    return milestone


def missed_key(m: Milestone) -> str:
    return f"milestone-missed:{m.id}"


def record_missed(item: Commitment, m: Milestone) -> None:
    """Its date passed unmet: said on the public timeline (once; `flask remind`)."""
    _touch(item)
    add_event(item, MilestoneKind.MISSED, None, data=detail(m), key=missed_key(m))
