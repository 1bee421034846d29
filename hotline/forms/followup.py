"""The follow-up forms: one per action on a commitment (the follow-up page and
the integration API share them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DateRange, InputRequired, NumberRange, Optional

from ..extensions import db
from ..models import Commitment, Department
from .milestones import FORMS as MILESTONE_FORMS
from .staff import LATEST_DEADLINE, KeyedForm, PledgeTerms, VersionedForm, optional_id, text


class ProgressForm(VersionedForm):
    note = text(_l("Progress note"), 5000, area=True)
    percent = IntegerField(
        _l("Percent done (optional)"),
        validators=[Optional(), NumberRange(0, 100, _l("The percentage is between 0 and 100."))],
    )
    evidence = FileField(_l("Photo or document (optional)"))


class ExtensionForm(VersionedForm):
    new_deadline = DateField(
        _l("New deadline"),
        validators=[
            Optional(),
            DateRange(max=LATEST_DEADLINE, message=_l("Give a date before the year 2101.")),
        ],
    )
    reason = text(_l("Reason"), 5000, area=True)


class CompletionForm(VersionedForm):
    note = text(_l("What was done"), 5000, area=True)
    evidence = FileField(_l("Evidence: photo or document (optional)"))


class DecisionForm(VersionedForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("grant", _l("Grant")), SelectChoice("refuse", _l("Refuse"))],
        validators=[Optional()],
    )
    reason = text(_l("Reason (public)"), 5000, area=True)


class VerifyForm(VersionedForm):
    note = text(_l("Note (optional, public)"), 5000, area=True)


class ReopenForm(VersionedForm):
    reason = text(_l("Why it is sent back (public)"), 5000, area=True)


class PressForm(VersionedForm):
    note = text(_l("Press note (public)"), 5000, area=True)


class WithdrawForm(VersionedForm):
    reason = text(_l("Reason for withdrawal (public)"), 5000, area=True)


class CallbackForm(VersionedForm):
    reached = RadioField(
        _l("Was the caller reached?"),
        choices=[SelectChoice("yes", _l("Reached")), SelectChoice("no", _l("Not reached"))],
        validators=[InputRequired(_l("Say whether the caller was reached."))],
    )
    verdict = RadioField(
        _l("The caller's verdict"),
        choices=[
            SelectChoice("satisfied", _l("Satisfied")),
            SelectChoice("basic", _l("Basically satisfied")),
            SelectChoice("dissatisfied", _l("Dissatisfied")),
        ],
        validators=[Optional()],
    )
    note = text(_l("Note (for the office only)"), 2000, area=True, required=False)
    reopen_reason = text(
        _l("Reopen (重办) with this public reason (only after a dissatisfied verdict)"),
        2000,
        area=True,
        required=False,
    )


class AcknowledgeForm(VersionedForm):
    """签收: nothing to fill in."""


class DisputeForm(VersionedForm):
    reason = text(_l("Why it is not your department's (public)"), 2000, area=True)


class DisputeDecisionForm(VersionedForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("reassign", _l("Reassign to another department")),
            SelectChoice("refuse", _l("Refuse: the department keeps it")),
        ],
        validators=[InputRequired(_l("Choose reassign or refuse."))],
    )
    department = SelectField(_l("New department"), coerce=optional_id, validate_choice=False)
    reason = text(_l("Reason for the decision (public)"), 2000, area=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = db.session.scalars(
            select(Department).where(Department.active).order_by(Department.id)
        )
        self.department.choices = [("", "—")] + [(d.id, d.name) for d in active]


class MergeForm(VersionedForm):
    earlier = IntegerField(
        _l("Number of the earlier item on the same problem (#)"),
        validators=[InputRequired(_l("Give the earlier item's number.")), NumberRange(min=1)],
    )
    reason = text(_l("Why it is the same problem (public)"), 2000, area=True)


class TermsForm(PledgeTerms, VersionedForm):
    """The pledge's terms, added or completed by the department (all public)."""


class CriterionRequestForm(VersionedForm):
    note = text(_l("Note to the department (optional, public)"), 2000, area=True)


class WithholdForm(KeyedForm):
    """Withhold a timeline entry (an event, not the commitment: no version)."""

    reason = text(_l("Reason (public)"), 2000, area=True)


FORMS = {
    "progress": ProgressForm,
    "extension": ExtensionForm,
    "completion": CompletionForm,
    "decision": DecisionForm,
    "verify": VerifyForm,
    "reopen": ReopenForm,
    "press": PressForm,
    "withdraw": WithdrawForm,
    "callback": CallbackForm,
    "acknowledge": AcknowledgeForm,
    "dispute": DisputeForm,
    "dispute_decision": DisputeDecisionForm,
    "merge": MergeForm,
    **MILESTONE_FORMS,
    "terms": TermsForm,
    "request_criterion": CriterionRequestForm,
}


def for_item(form, item: Commitment):
    """Fill the choices that depend on the item (which of its milestones)."""
    if hasattr(form, "choices_for"):
        form.milestone.choices = [("", "—"), *form.choices_for(item)]
    return form


def fresh_form(name: str, commitment: Commitment) -> VersionedForm:
    """An unsubmitted form with the item's current version and a new key (the
    terms' form shows the terms as they are)."""
    obj = commitment if name == "terms" else None
    form = FORMS[name](formdata=None, obj=obj, prefix=name, version=commitment.version)
    return for_item(form, commitment)
