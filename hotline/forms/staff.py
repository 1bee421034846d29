"""Forms shared by the staff pages, with the checks that keep bad input out:
lengths, control characters, dates in range, phone numbers, known choices."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from functools import cache

from babel.support import NullTranslations, Translations
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from ..models import MAX_ID, Area, Category
from ..rules import text as text_rule

LATEST_DEADLINE = date(2100, 12, 31)
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
# An e-mail address as people type it (the mail server has the last word).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"^[^@\s<>\"',;]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$")


class CleanText:
    """The one input rule for text (hotline/rules/text.py), as a validator: the
    field's error names the character so the user can find it."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline
        # A marker tests use to check every text field carries the rule.
        self.field_flags = {"clean_text": True}

    def __call__(self, form, field) -> None:
        bad = text_rule.forbidden(field.data or "", self.multiline)
        if bad is None:
            return
        if bad == "\n":
            raise ValidationError(_l("Keep this to one line: remove the line breaks."))
        raise ValidationError(
            _l(
                "Remove the invisible or control character %(char)s from this text.",
                char=text_rule.codepoint(bad),
            )
        )


def normalised(multiline: bool = False):
    """A filter: NFC, one kind of line break, no surrounding blanks."""

    def apply(value):
        if not isinstance(value, str):
            return value
        return text_rule.normalise(value, multiline).strip()

    return apply


def text(label, max_length: int, required: bool = False, area: bool = False):
    validators = [DataRequired(_l("This field is required."))] if required else [Optional()]
    validators += [
        Length(max=max_length, message=_l("At most %(max)d characters.", max=max_length)),
        CleanText(multiline=area),
    ]
    field = TextAreaField if area else StringField
    return field(label, validators=validators, filters=[normalised(area)])


def new_key() -> str:
    """A fresh idempotency key for a rendered form: a retried or doubled submit
    carries the same key and so changes nothing twice."""
    return secrets.token_hex(16)


@cache
def wtforms_catalog(locale: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every form's base. WTForms' own messages ("Not a valid choice") come in
    the request's language from a catalog read once per process: Flask-WTF
    reads it from disk for every request that makes a form."""

    class Meta:
        def get_translations(self, form):
            return wtforms_catalog(str(get_locale()))


class KeyedForm(Form):
    # CSRFProtect checks every POST (form field or the htmx header), so the
    # forms need no token field of their own; several share one page.
    class Meta:
        csrf = False

    idem = HiddenField(default=new_key, validators=[Length(max=64), CleanText()])

    def validate_idem(self, field) -> None:
        # A client that sent no key gets one of its own, never a shared blank one.
        if not field.data:
            field.data = new_key()


class VersionedForm(KeyedForm):
    version = HiddenField(validators=[CleanText()])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_id(value) -> int | None:
    """A select's value: an id, or None for the blank "not chosen" option."""
    return int(value) if value not in (None, "", "None") else None


def phone_field(label):
    return StringField(
        label,
        validators=[
            Optional(),
            Regexp(PHONE, message=_l("Enter a phone number: digits, spaces or dashes.")),
            CleanText(),
        ],
        filters=[normalised()],
    )


def email_field(label, required: bool = False):
    return StringField(
        label,
        validators=[
            InputRequired() if required else Optional(),
            Length(max=254),
            Regexp(EMAIL, message=_l("Enter an e-mail address, e.g. name@example.cn.")),
            CleanText(),
        ],
        filters=[normalised()],
    )


NOTIFY_LABEL = _l("Wants to be told of each change (希望收到办理进展通知)")


def deputy_choice():
    return SelectField(_l("Deputy who took it"), coerce=optional_id, validators=[Optional()])


def _department_choice(required: bool):
    validators = [InputRequired(_l("Choose a department."))] if required else [Optional()]
    return SelectField(
        _l("Department"),
        coerce=optional_id,
        validators=validators,
        validate_choice=True,
    )


class ShowForm(VersionedForm):
    title = text(_l("Title"), 200, required=True)
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("hotline", _l("Deputy hotline")),
            SelectChoice("onsite", _l("Deputies are here")),
        ],
    )
    venue = text(_l("Venue"), 200)
    starts_at = DateTimeLocalField(
        _l("Starts at"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time the show starts."))],
    )

    def validate_starts_at(self, field) -> None:
        if field.data and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Give a date between the years 2000 and 2100."))

    stream_url = URLField(
        _l("Stream URL"),
        validators=[
            Optional(),
            Length(max=500),
            URL(require_tld=False, message=_l("Give a full web address (https://…).")),
            CleanText(),
        ],
        filters=[normalised()],
    )
    departments = MultiCheckboxField(_l("Departments on the panel"), coerce=int)
    deputies = MultiCheckboxField(_l("Deputies on the panel"), coerce=int)

    def validate_stream_url(self, field) -> None:
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Give a full web address (https://…)."))


def _listed_id(model, message):
    """An id picked from the office's list (the API's category_id, area_id):
    one in use, or a 422. The desk's pickers send the text instead."""

    def check(form, field) -> None:
        if field.data is None:
            return
        found = db.session.get(model, field.data)
        if found is None or not found.active:
            raise ValidationError(message)

    return IntegerField(validators=[Optional(), NumberRange(1, MAX_ID), check])


class CallForm(KeyedForm):
    topic = text(_l("Topic (public summary)"), 500, required=True)
    area = text(_l("Area (community or street)"), 100)
    category = text(_l("Category"), 50)
    department = _department_choice(required=False)
    deputy = deputy_choice()
    category_id = _listed_id(Category, _l("No category in use has this id."))
    area_id = _listed_id(Area, _l("No area in use has this id."))
    caller_name = text(_l("Caller's name (private)"), 100)
    caller_phone = phone_field(_l("Caller's phone (private)"))
    callback = BooleanField(_l("Caller wants a callback (share the phone with the department)"))
    caller_email = email_field(_l("Caller's e-mail (private)"))
    notify = BooleanField(NOTIFY_LABEL)


class ContactForm(KeyedForm):
    """Staff correct a caller's number or address, or the consent (the call editor)."""

    phone = phone_field(_l("Caller's phone (private)"))
    email = email_field(_l("Caller's e-mail (private)"))
    notify = BooleanField(NOTIFY_LABEL)


class AirQuestionForm(KeyedForm):
    """A citizen's question put on air: the moderator writes the public summary
    (the question as sent stays private in the record)."""

    topic = text(_l("Topic (public summary)"), 500, required=True)
    area = text(_l("Area (community or street)"), 100)
    category = text(_l("Category"), 50)
    department = _department_choice(required=False)
    deputy = deputy_choice()


class CorrectCallForm(VersionedForm):
    topic = text(_l("Topic (public summary)"), 500, required=True)
    area = text(_l("Area (community or street)"), 100)
    category = text(_l("Category"), 50)
    department = _department_choice(required=False)
    deputy = deputy_choice()


class AnswerForm(VersionedForm):
    answer_text = text(_l("Answer given on air"), 5000, required=True, area=True)
    answered_by = text(_l("Who answered (name and title)"), 200, required=True)


class ReferForm(VersionedForm):
    department = _department_choice(required=True)
    note = text(_l("What will be verified (shown publicly)"), 2000, area=True)


class PlacardForm(VersionedForm):
    satisfied = IntegerField(
        _l("Satisfied"),
        validators=[InputRequired(), NumberRange(0, 100000, _l("Give a count from 0."))],
    )
    basic = IntegerField(
        _l("Basically satisfied"),
        validators=[InputRequired(), NumberRange(0, 100000, _l("Give a count from 0."))],
    )
    dissatisfied = IntegerField(
        _l("Dissatisfied"),
        validators=[InputRequired(), NumberRange(0, 100000, _l("Give a count from 0."))],
    )


class ResultVoteForm(KeyedForm):
    """The placard vote on a commitment's result in a later show's 回音壁 segment."""

    satisfied = IntegerField(
        _l("Satisfied"),
        validators=[InputRequired(), NumberRange(0, 100000, _l("Give a count from 0."))],
    )
    basic = IntegerField(
        _l("Basically satisfied"),
        validators=[InputRequired(), NumberRange(0, 100000, _l("Give a count from 0."))],
    )
    dissatisfied = IntegerField(
        _l("Dissatisfied"),
        validators=[InputRequired(), NumberRange(0, 100000, _l("Give a count from 0."))],
    )


DEADLINE_PRESETS = [
    SelectChoice("7", _l("7 days")),
    SelectChoice("30", _l("30 days")),
    SelectChoice("90", _l("90 days")),
    SelectChoice("year_end", _l("End of this year")),
    SelectChoice("date", _l("Pick a date")),
]


def deadline_from(preset: str, picked: date | None, today: date) -> date | None:
    """Quick picks count calendar days from today (the show's date)."""
    if preset in ("7", "30", "90"):
        return today + timedelta(days=int(preset))
    if preset == "year_end":
        return date(today.year, 12, 31)
    return picked


class DeadlineChoice:
    """A deadline picked from the quick picks or as a date (a form's mixin)."""

    deadline_preset = RadioField(_l("Deadline"), choices=DEADLINE_PRESETS, default="30")
    deadline = DateField(_l("Deadline date"), validators=[Optional()])

    def effective_deadline(self, today: date) -> date | None:
        return deadline_from(self.deadline_preset.data, self.deadline.data, today)

    def check_deadline(self, today: date) -> date | None:
        """The chosen deadline, or None with an error next to the date field."""
        chosen = self.effective_deadline(today)
        if chosen is None:
            self.deadline.errors = [*self.deadline.errors, _l("Pick the deadline date.")]
        elif chosen < today:
            self.deadline.errors = [
                *self.deadline.errors,
                _l("The deadline cannot be in the past."),
            ]
        elif chosen > LATEST_DEADLINE:
            self.deadline.errors = [*self.deadline.errors, _l("The deadline must be before 2101.")]
        else:
            return chosen
        return None


class PledgeTerms:
    """How a pledge will be checked (a form's mixin): all optional on air, so
    the moment is never lost; the department completes them later."""

    deliverable = text(_l("What will be delivered"), 500)
    place = text(_l("Where"), 200)
    measure = text(_l("How much / how many"), 200)
    criterion = text(_l("Acceptance criterion (验收标准)"), 500)


class CommitForm(PledgeTerms, DeadlineChoice, KeyedForm):
    pledge = text(_l("The pledge, in the official's words"), 2000, required=True, area=True)
    official_name = text(_l("Official's name"), 50, required=True)
    official_title = text(_l("Official's title"), 100)
    department = _department_choice(required=True)


class AssignForm(DeadlineChoice, KeyedForm):
    """交办: a 代表码 message given to a department, with a deadline (all public)."""

    summary = text(_l("Public summary of the message"), 500, required=True)
    suggestion = text(
        _l("What the department is asked to do (public)"), 2000, required=True, area=True
    )
    department = _department_choice(required=True)


class CorrectCommitmentForm(VersionedForm):
    pledge = text(_l("The pledge, in the official's words"), 2000, required=True, area=True)
    official_name = text(_l("Official's name"), 50, required=True)
    official_title = text(_l("Official's title"), 100)
    deadline = DateField(_l("Deadline date"), validators=[InputRequired()])

    def check_deadline(self, created_on: date) -> bool:
        """A typo fix on air: the corrected date is still a real deadline."""
        day = self.deadline.data
        if day < created_on:
            self.deadline.errors = [_l("The deadline cannot be before the show.")]
        elif day > LATEST_DEADLINE:
            self.deadline.errors = [_l("The deadline must be before 2101.")]
        return not self.deadline.errors


class QuestionForm(KeyedForm):
    """A citizen's question for the show, sent from a phone (the show's QR code)."""

    question = text(_l("Your question or problem"), 1000, required=True, area=True)
    area = text(_l("Community or street"), 100)
    name = text(_l("Your name (optional, never published)"), 100)
    phone = phone_field(_l("Phone for a callback (optional, never published)"))


class MessageForm(KeyedForm):
    """A message to a deputy, sent from a phone (the deputy's 代表码)."""

    message = text(_l("Your message or problem"), 1000, required=True, area=True)
    area = text(_l("Community or street"), 100)
    # The office's categories in use (queries/categories.active); "" for not sure.
    category = SelectField(
        _l("What it is about (optional)"), coerce=optional_id, validators=[Optional()]
    )
    name = text(_l("Your name (optional, never published)"), 100)
    phone = phone_field(_l("Phone for a callback (optional, never published)"))
    email = email_field(_l("E-mail (optional, never published)"))
    notify = BooleanField(
        _l("Tell me of each change by text message or e-mail (希望收到办理进展通知)")
    )
