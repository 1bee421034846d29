"""A citizen's "not fixed" report, and the office's decisions on one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField
from wtforms.validators import DateRange, InputRequired, Optional

from .staff import LATEST_DEADLINE, KeyedForm, text


class NotFixedForm(KeyedForm):
    """No name, no phone: nothing about who sends it is asked or kept."""

    place = text(_l("Where you saw it (street, building, landmark)"), 200, required=True)
    seen_on = DateField(
        _l("The day you saw it"), validators=[InputRequired(_l("Give the day you saw it."))]
    )
    note = text(_l("What is still wrong (optional)"), 1000, area=True)
    photo = FileField(_l("A photo of what you saw (JPEG or PNG, at most 5 MB)"))


class RejectForm(KeyedForm):
    note = text(_l("Why (kept by the office, never shown)"), 1000)


class ReopenForm(KeyedForm):
    deadline = DateField(
        _l("New deadline"),
        validators=[
            Optional(),
            DateRange(max=LATEST_DEADLINE, message=_l("Give a date before the year 2101.")),
        ],
    )
    reason = text(_l("Why it is reopened (public)"), 2000, area=True)
