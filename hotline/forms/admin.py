"""The office's forms. The admin page lays out its own inputs (one small form
per row); these read and check them, like every other form on the site."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from ..changes.limits import LIMITS
from ..models import MAX_ID, Role
from .passwords import new_password_field
from .staff import CleanText, Form, normalised, optional_id

EMAIL = r"^[^@\s]+@[^@\s]+$"


def _name(limit: int, message):
    return StringField(
        validators=[DataRequired(message), Length(max=limit), CleanText()],
        filters=[normalised(), lambda v: v[:limit] if isinstance(v, str) else v],
    )


def _optional_text(limit: int):
    return StringField(
        validators=[Optional(), CleanText()],
        filters=[normalised(), lambda v: v[:limit] if isinstance(v, str) else v],
    )


class AdminForm(Form):
    # CSRFProtect checks every POST already (the page's hidden csrf_token).
    class Meta:
        csrf = False


class DepartmentForm(AdminForm):
    name = _name(100, _l("Give the department's name."))
    email = StringField(
        validators=[
            Optional(),
            Regexp(EMAIL, message=_l("Give an e-mail address like name@example.gov.cn.")),
            CleanText(),
        ],
        filters=[normalised(), lambda v: v[:200] if isinstance(v, str) else v],
    )


class DeputyForm(AdminForm):
    name = _name(50, _l("Give the deputy's name."))
    title = _optional_text(200)


class UserForm(AdminForm):
    username = _name(50, _l("Give a username."))
    display_name = _optional_text(100)
    role = SelectField(
        choices=[SelectChoice(r.value, r.value) for r in Role], validate_choice=False
    )
    department_id = StringField(validators=[CleanText()], filters=[normalised()])
    deputy_id = StringField(validators=[CleanText()], filters=[normalised()])
    password = new_password_field()  # the policy, with this form's username

    def validate_role(self, field) -> None:
        if field.data not in [r.value for r in Role]:
            raise ValidationError(_l("Choose a role."))

    def department(self) -> int | None:
        """The chosen department's id; one the database could not hold is none."""
        return self._id(self.department_id.data)

    def deputy(self) -> int | None:
        """The chosen deputy's id (a deputy account), or none."""
        return self._id(self.deputy_id.data)

    @staticmethod
    def _id(data) -> int | None:
        try:
            value = optional_id(data)
        except ValueError:
            return None
        return value if value is not None and 0 < value <= MAX_ID else None


class PasswordForm(AdminForm):
    """The office sets a new password for an account (give the form
    `account_username`, which the password must not contain)."""

    password = new_password_field()

    def __init__(self, *args, username: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_username = username


class ActiveForm(AdminForm):
    active = HiddenField(validators=[CleanText()])

    @property
    def on(self) -> bool:
        return self.active.data == "1"


class LimitsForm(AdminForm):
    """One whole number of working days per limit (limits.LIMITS)."""


def keep_when_absent(form, field):
    """A limit not in the submitted form keeps its value (a form from before it existed)."""
    if field.name not in request.form:
        raise StopValidation()


for _limit in LIMITS:
    setattr(
        LimitsForm,
        _limit.key,
        IntegerField(
            _limit.label,
            validators=[
                keep_when_absent,
                InputRequired(_l("Give a whole number of working days.")),
                NumberRange(
                    _limit.low,
                    _limit.high,
                    _l("Give a number from %(min)s to %(max)s."),
                ),
            ],
        ),
    )
