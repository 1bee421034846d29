"""The office's forms. The admin page lays out its own inputs (one small form
per row); these read and check them, like every other form on the site."""

from __future__ import annotations

from datetime import date, datetime

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
from ..rules.pledges import MAX_PHRASE
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


class VaguePhraseForm(AdminForm):
    """A phrase for the desk to flag in pledges (rules/pledges.py)."""

    phrase = _name(MAX_PHRASE, _l("Give the phrase."))


class DeputyForm(AdminForm):
    name = _name(50, _l("Give the deputy's name."))
    title = _optional_text(200)


def _known_role(form, field) -> None:
    if field.data not in [r.value for r in Role]:
        raise ValidationError(_l("Choose a role."))


def _role():
    return SelectField(
        choices=[SelectChoice(r.value, r.value) for r in Role],
        validate_choice=False,
        validators=[_known_role],
    )


def _chosen_id(data) -> int | None:
    """A select's chosen row id; one the database could not hold is none."""
    try:
        value = optional_id(data)
    except ValueError:
        return None
    return value if value is not None and 0 < value <= MAX_ID else None


class UserForm(AdminForm):
    username = _name(50, _l("Give a username."))
    display_name = _optional_text(100)
    role = _role()
    department_id = StringField(validators=[CleanText()], filters=[normalised()])
    deputy_id = StringField(validators=[CleanText()], filters=[normalised()])
    password = new_password_field()  # the policy, with this form's username

    def department(self) -> int | None:
        """The chosen department's id, or none."""
        return _chosen_id(self.department_id.data)

    def deputy(self) -> int | None:
        """The chosen deputy's id (a deputy account), or none."""
        return _chosen_id(self.deputy_id.data)


class TokenForm(AdminForm):
    """A new API token (admin/tokens.py): a name, a role, for a liaison its
    department (for a deputy account its deputy), and optionally the last day
    it works."""

    name = StringField(
        validators=[
            DataRequired(_l("Give the token a name (at most 40 characters).")),
            Length(max=40, message=_l("Give the token a name (at most 40 characters).")),
            CleanText(),
        ],
        filters=[normalised()],
    )
    role = _role()
    department_id = StringField(validators=[CleanText()], filters=[normalised()])
    deputy_id = StringField(validators=[CleanText()], filters=[normalised()])
    expires = StringField(validators=[Optional(), CleanText()], filters=[normalised()])
    # "": everything its role may do; "onair": a button box's on-air control only.
    scope = SelectField(choices=[SelectChoice("", ""), SelectChoice("onair", "onair")], default="")

    def validate_expires(self, field) -> None:
        if self.last_day() is None:
            raise ValidationError(_l("Give the last day as a date."))

    def validate_scope(self, field) -> None:
        if field.data == "onair" and self.role.data != "moderator":
            raise ValidationError(_l("On-air control only is for a moderator's token."))

    def department(self) -> int | None:
        return _chosen_id(self.department_id.data)

    def deputy(self) -> int | None:
        return _chosen_id(self.deputy_id.data)

    def last_day(self) -> date | None:
        """The last day the token works, a calendar date; none when not given."""
        try:
            return datetime.strptime(self.expires.data or "", "%Y-%m-%d").date()
        except ValueError:
            return None


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
