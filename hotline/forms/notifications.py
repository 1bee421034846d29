"""Forms for notifications: a citizen's follow by e-mail (no account), and
staff correcting a caller's contact (forms/staff.py's ContactForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField
from wtforms.validators import AnyOf, Optional

from ..models import FOLLOW_KINDS
from .staff import KeyedForm, email_field, text


class FollowForm(KeyedForm):
    kind = HiddenField(validators=[AnyOf([str(k) for k in FOLLOW_KINDS])])
    target = IntegerField(validators=[Optional()])
    area = text(_l("Area (community or street)"), 100)
    email = email_field(_l("Your e-mail (never published)"), required=True)
    how = RadioField(
        _l("How often"),
        choices=[
            ("now", _l("At each change")),
            ("daily", _l("One e-mail a day (digest)")),
        ],
        default="now",
    )
