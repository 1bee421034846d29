"""The second step of signing in, and adding an authenticator app or a passkey."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from .staff import CleanText, Form


class FactorForm(Form):
    # CSRFProtect checks every POST; the templates carry csrf_field().
    class Meta:
        csrf = False


class CodeForm(FactorForm):
    """A code from the app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    remember = BooleanField(_l("Do not ask again on this browser"))


class PasskeySignInForm(FactorForm):
    credential = HiddenField(validators=[DataRequired(), Length(max=20000)])
    remember = BooleanField(_l("Do not ask again on this browser"))


class AppForm(FactorForm):
    name = StringField(
        _l("A name for this app"),
        default="",
        validators=[Length(max=100), CleanText()],
    )
    code = StringField(
        _l("The six-digit code the app shows"), validators=[DataRequired(), Length(max=20)]
    )


class PasskeyForm(FactorForm):
    name = StringField(
        _l("A name for this passkey"),
        validators=[DataRequired(), Length(max=100), CleanText()],
    )
    credential = HiddenField(validators=[DataRequired(), Length(max=20000)])
