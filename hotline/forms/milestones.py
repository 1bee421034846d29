"""The milestone forms of the follow-up (the page and the integration API share
them, through forms/followup.py's FORMS)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField
from wtforms.validators import DateRange, Optional

from ..changes import milestones
from ..clock import today
from ..models import Commitment
from .staff import LATEST_DEADLINE, VersionedForm, optional_id, text


def _date(label):
    return DateField(
        label,
        validators=[
            Optional(),
            DateRange(max=LATEST_DEADLINE, message=_l("Give a date before the year 2101.")),
        ],
    )


def _named(found) -> list[tuple]:
    return [(m.id, f"{m.title} · {m.due_on.isoformat()}") for m in found]


def _choice():
    return SelectField(_l("Milestone"), coerce=optional_id, validate_choice=False)


class MilestoneForm(VersionedForm):
    title = text(_l("Milestone (e.g. start of work, midway, completion)"), 200)
    due_on = _date(_l("Date"))
    shows = text(_l("What will be shown by then (public)"), 2000, area=True)


class MilestoneMetForm(VersionedForm):
    milestone = _choice()
    note = text(_l("What was shown (public)"), 5000, area=True)
    evidence = FileField(_l("Evidence: photo or document (optional)"))

    def choices_for(self, item: Commitment) -> list[tuple]:
        return _named(milestones.open_milestones(item))


class MilestoneMoveForm(VersionedForm):
    milestone = _choice()
    due_on = _date(_l("New date"))
    reason = text(_l("Reason for the new date (public)"), 2000, area=True)

    def choices_for(self, item: Commitment) -> list[tuple]:
        return _named(milestones.movable(item, today()))


FORMS = {
    "milestone": MilestoneForm,
    "milestone_met": MilestoneMetForm,
    "milestone_move": MilestoneMoveForm,
}
