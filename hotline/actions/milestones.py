"""The milestone actions of the follow-up (set, met, moved): what each changes
and when it is possible. Wrapped into the follow-up's ACTIONS table
(actions/followup.py), so the page and the integration API run them alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..changes import milestones


def _key(form) -> str | None:
    return form.idem.data or None


def set_one(item, f, actor, day, _files):
    milestones.set_milestone(
        item,
        actor=actor,
        title=f.title.data,
        shows=f.shows.data,
        due_on=f.due_on.data,
        today=day,
        version=f.version.data,
        key=_key(f),
    )


def meet(item, f, actor, day, files):
    milestones.meet_milestone(
        item,
        actor=actor,
        milestone_id=f.milestone.data,
        note=f.note.data,
        day=day,
        attachments=files,
        version=f.version.data,
        key=_key(f),
    )


def move(item, f, actor, day, _files):
    milestones.move_milestone(
        item,
        actor=actor,
        milestone_id=f.milestone.data,
        due_on=f.due_on.data,
        reason=f.reason.data,
        today=day,
        version=f.version.data,
        key=_key(f),
    )


# When each is possible (item, user, day) → bool, and the words refusing it.
CAN_CARRY = (
    lambda item, _user, _day: milestones.can_carry(item),
    _l("Only an open item due more than two months ahead carries milestones, up to six."),
)
AN_OPEN_MILESTONE = (
    lambda item, _user, _day: bool(milestones.open_milestones(item)),
    _l("This item has no milestone waiting to be met."),
)
A_MOVABLE_MILESTONE = (
    lambda item, _user, day: bool(milestones.movable(item, day)),
    _l("No milestone can be moved: a milestone's date cannot change once it has passed."),
)
