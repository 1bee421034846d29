"""Passwords at the edge: the policy's reasons (hotline/rules/passwords.py)
and the sign-in lock in words, a validator for every form that sets a
password (the office's new account and reset, one's own change), and the
change-password form."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .. import clock
from ..rules import passwords
from .staff import CleanText, Form

MESSAGES = {
    passwords.TOO_SHORT: _l("The password needs at least 10 characters."),
    passwords.TOO_LONG: _l("The password may have at most 200 characters."),
    passwords.COMMON: _l(
        "This password is too common (or a common one with digits or symbols added): "
        "choose one that is harder to guess."
    ),
    passwords.HAS_USERNAME: _l("The password must not contain the username."),
}


def reasons_in_words(password: str, username: str = "") -> list[str]:
    """Why a password is refused, as the user reads it ([] when it is fine)."""
    return [str(MESSAGES[reason]) for reason in passwords.problems(password, username)]


def lock_message(until: datetime) -> str:
    """Refused while a lock holds: the same words whether or not the account
    exists. The time is rounded up to the minute, so "try again at 15:38"
    never names a minute the lock still holds."""
    rounded = until.replace(second=0, microsecond=0)
    if rounded < until:
        rounded += timedelta(minutes=1)
    local = clock.to_local(rounded)
    same_day = local.date() == clock.to_local(clock.utcnow()).date()
    when = clock.format_time(rounded) if same_day else clock.format_datetime(rounded)
    return _("Too many failed sign-ins with this username. Try again at %(time)s.", time=when)


class StrongPassword:
    """The password policy as a validator. The username is the form's own
    field (a new account) or the account's, given to the form as
    `account_username` (a reset, one's own change)."""

    def __call__(self, form, field) -> None:
        username = getattr(form, "account_username", "") or ""
        if not username and "username" in form:
            username = form.username.data or ""
        found = reasons_in_words(field.data or "", username)
        if found:
            raise ValidationError(" ".join(found))


def new_password_field(**kwargs) -> PasswordField:
    return PasswordField(validators=[StrongPassword(), CleanText()], **kwargs)


class ChangePasswordForm(Form):
    """One's own password: the current one, and the new one twice."""

    current = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Give your current password.")),
            Length(max=200),
            CleanText(),
        ],
    )
    new = PasswordField(_l("New password"), validators=[StrongPassword(), CleanText()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            EqualTo("new", message=_l("The two new passwords are not the same.")),
            CleanText(),
        ],
    )

    def __init__(self, *args, username: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_username = username
