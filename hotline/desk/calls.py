"""One call: record its outcome (the moderator or the routed department's
liaison), the placard vote, corrections, and commitments made on air."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import may_act_for, roles_required
from ..actions import desk as actions
from ..changes import calls, limits, notifications
from ..changes.commitments import VersionConflict, correct_commitment
from ..clock import to_local, today
from ..extensions import db
from ..forms.staff import (
    AnswerForm,
    CommitForm,
    ContactForm,
    CorrectCallForm,
    CorrectCommitmentForm,
    PlacardForm,
    ReferForm,
)
from ..labels import calendar_warning
from ..models import Call, Commitment, Event, Outcome, Role
from ..queries.desk import caller_contact_for
from ..queries.replies import for_call as replies_for
from ..realtime import pushes
from ..web import page_or_block
from . import bp
from .helpers import (
    ANYONE,
    CALL_PAGE,
    DESK,
    call_or_404,
    department_choices,
    deputy_choices,
    page_pickers,
)
from .pledges import flags_for


def _editor_forms(call: Call, formdata_for: str | None = None) -> dict:
    """All the forms of the call editor; the one just submitted reads the request."""

    def make(name, cls):
        # Prefixed, so the forms on one page keep distinct field names and ids.
        form = cls(prefix=name) if name == formdata_for else cls(prefix=name, formdata=None)
        if hasattr(form, "version") and name != formdata_for:
            form.version.data = call.version
        return form

    answer = make("answer", AnswerForm)
    commit = make("commit", CommitForm)
    refer = make("refer", ReferForm)
    placard = make("placard", PlacardForm)
    correct = make("correct", CorrectCallForm)
    contact = make("contact", ContactForm)
    if formdata_for != "contact" and (known := caller_contact_for(call, current_user)):
        contact.phone.data, contact.email.data = known.phone, known.email
        contact.notify.data = known.notify
    show = call.show
    for form in (commit, refer, correct):
        # No silent default: an unrouted call must have its department chosen.
        form.department.choices = department_choices(
            show, _("— not routed yet —") if form is correct else _("— choose a department —")
        )
    correct.deputy.choices = deputy_choices(show)
    if formdata_for != "commit":
        commit.department.data = call.department_id
        if current_user.role == Role.LIAISON:
            commit.department.data = current_user.department_id
    if formdata_for != "refer":
        refer.department.data = call.department_id
    if formdata_for != "correct":
        correct.topic.data, correct.area.data = call.topic, call.area
        correct.category.data = call.category
        correct.department.data, correct.deputy.data = call.department_id, call.deputy_id
    if formdata_for != "placard" and call.has_placard:
        placard.satisfied.data = call.placard_satisfied
        placard.basic.data = call.placard_basic
        placard.dissatisfied.data = call.placard_dissatisfied
    if formdata_for != "answer":
        answer.answer_text.data = call.answer_text if call.outcome == Outcome.ANSWERED else ""
        answer.answered_by.data = call.answered_by
    return {
        "answer": answer,
        "commit": commit,
        "refer": refer,
        "placard": placard,
        "correct": correct,
        "contact": contact,
    }


def _editor(call: Call, forms: dict | None = None, status: int = 200, **extra):
    forms = forms or _editor_forms(call)
    return page_or_block(
        CALL_PAGE,
        "editor",
        call=call,
        forms=forms,
        contact=caller_contact_for(call, current_user),
        may_correct=current_user.role in DESK,
        # A pledge sent back (a refusal, a conflict) shows its flags at once.
        pledge_flags=flags_for(forms["commit"].pledge.data),
        # The office's response templates for the answer, filled in for the call.
        answer_replies=replies_for(call, today()),
        pickers=page_pickers(),
        **extra,
    ), status


def _after_change(call: Call, message: str):
    """Respond to a saved change: the fresh editor (htmx) or a redirect."""
    if request.htmx:
        call = call_or_404(call.id)
        return _editor(call, saved=message)
    flash(message, "success")
    return redirect(url_for("desk.call", call_id=call.id), 303)


def _conflict(call: Call, forms: dict, name: str, mine: dict):
    """Someone saved this call meanwhile: show their version beside the user's
    text. The other forms are rebuilt from the saved call."""
    db.session.rollback()
    call = call_or_404(call.id)
    submitted = forms[name]
    submitted.version.data = call.version
    forms = _editor_forms(call)
    forms[name] = submitted
    return _editor(call, forms, 409, conflict=name, mine=mine)


def _refused(call: Call, forms: dict, name: str):
    form = forms[name]
    visible = next(f for f in form if f.type != "HiddenField")
    field = "department" if "department" in form else visible.short_name
    form[field].errors = [
        _(
            "This call has a commitment on the public board; it stays committed and with its "
            "department. Add another commitment or correct the existing one instead."
        )
    ]
    db.session.rollback()
    return _editor(call_or_404(call.id), forms, 422)


@bp.route("/calls/<int:call_id>")
@roles_required(*ANYONE)
def call(call_id: int):
    return _editor(call_or_404(call_id))


def _call_action(call_id: int, name: str, saved: str, apply, mine, after=None):
    """The one path every change to a call takes (actions.change_call):
    validate, skip a repeated submission, apply, save (a lost race is a
    conflict, never an overwrite), push, respond. `apply(call, form, made)`
    returns False after putting an error on the form; `mine(form)` is the
    user's text to show beside a conflict."""
    call = call_or_404(call_id)
    forms = _editor_forms(call, name)
    form = forms[name]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    outcome = actions.change_call(
        call, form.idem.data, lambda made: apply(call, form, made), kind=actions.CALL_EVENT[name]
    )
    if outcome == actions.KEY_REUSED:
        abort(400)
    if outcome == actions.INVALID:
        return _editor(call_or_404(call_id), forms, 422)
    if outcome == actions.CONFLICT:
        return _conflict(call, forms, name, mine(form))
    if outcome == actions.REFUSED:
        return _refused(call, forms, name)
    if outcome == actions.SAVED and after is not None:
        after(call)
    return _after_change(call, saved)


@bp.route("/calls/<int:call_id>/answer", methods=["POST"])
@roles_required(*ANYONE)
def answer(call_id: int):
    def apply(call, form, _made):
        actions.answer_from(call, form, current_user)

    return _call_action(
        call_id, "answer", _("Answer saved."), apply, lambda f: {"text": f.answer_text.data}
    )


@bp.route("/calls/<int:call_id>/refer", methods=["POST"])
@roles_required(*ANYONE)
def refer(call_id: int):
    fallbacks = []

    def apply(call, form, made):
        if not may_act_for(current_user, form.department.data):
            form.department.errors = [_("You can refer only within your own department.")]
            return False
        deadline = limits.referral_deadline(today())
        item = actions.refer_from(call, form, current_user, deadline)
        made.append(item)
        if deadline.fallback:
            fallbacks.append(item)

    def after(_call):
        for item in fallbacks:
            flash(calendar_warning(item.deadline), "warning")

    return _call_action(
        call_id,
        "refer",
        _("Referral saved: it is on the board with a response deadline."),
        apply,
        lambda f: {"text": f.note.data},
        after,
    )


@bp.route("/calls/<int:call_id>/placard", methods=["POST"])
@roles_required(*DESK)
def placard(call_id: int):
    def apply(call, form, _made):
        actions.placard_from(call, form, current_user)

    def mine(form):
        return {"text": f"{form.satisfied.data} / {form.basic.data} / {form.dissatisfied.data}"}

    return _call_action(call_id, "placard", _("Placard vote saved."), apply, mine)


@bp.route("/calls/<int:call_id>/correct", methods=["POST"])
@roles_required(*DESK)
def correct(call_id: int):
    def apply(call, form, _made):
        changes = {
            "topic": form.topic.data,
            "area": form.area.data or "",
            "category": form.category.data or "",
            "department_id": form.department.data,
            "deputy_id": form.deputy.data,
        }
        calls.correct_call(
            call, changes, version=form.version.data, actor=current_user, key=form.idem.data
        )

    return _call_action(
        call_id, "correct", _("Correction saved."), apply, lambda f: {"text": f.topic.data}
    )


@bp.route("/calls/<int:call_id>/contact", methods=["POST"])
@roles_required(*DESK)
def contact(call_id: int):
    """A wrong number or address, or the consent, fixed by staff: private, on
    the audit trail (which fields, never the values), pushed nowhere."""
    call = call_or_404(call_id)
    forms = _editor_forms(call, "contact")
    form = forms["contact"]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    notifications.correct_contact(
        call,
        phone=form.phone.data or "",
        email=form.email.data or "",
        notify=bool(form.notify.data),
        actor=current_user,
    )
    db.session.commit()
    return _after_change(call, _("The caller's contact is saved."))


@bp.route("/calls/<int:call_id>/commit", methods=["POST"])
@roles_required(*ANYONE)
def commit(call_id: int):
    call = call_or_404(call_id)
    forms = _editor_forms(call, "commit")
    form = forms["commit"]
    valid = form.validate_on_submit()
    deadline = form.check_deadline(today()) if valid else None
    if not may_act_for(current_user, form.department.data):
        form.department.errors = [_("You can commit only for your own department.")]
        deadline = None
    if deadline is None:
        return _editor(call, forms, 422)
    outcome, _item = actions.make_commitment(
        call, lambda: call_or_404(call_id), form, deadline, actor=current_user
    )
    if outcome == actions.KEY_REUSED:
        abort(400)
    return _after_change(call_or_404(call_id), _("Commitment saved."))


@bp.route("/commitments/<int:commitment_id>/correct", methods=["GET", "POST"])
@roles_required(*DESK)
def correct_commitment_view(commitment_id: int):
    item = db.session.get(Commitment, commitment_id)
    if item is None or item.call_id is None:  # a typo fix for what was made on air
        abort(404)
    form = CorrectCommitmentForm()
    if request.method == "GET":
        form.pledge.data, form.official_name.data = item.pledge, item.official_name
        form.official_title.data, form.deadline.data = item.official_title, item.deadline
        form.version.data = item.version
    conflict = None
    repeated = form.idem.data and db.session.scalar(
        select(Event.id).where(Event.idempotency_key == form.idem.data)
    )
    if request.method == "POST" and repeated:  # the same form again: it was saved
        flash(_("Correction saved; it is shown on the public timeline."), "success")
        return redirect(url_for("desk.call", call_id=item.call_id), 303)
    if form.validate_on_submit() and form.check_deadline(to_local(item.created_at).date()):
        changes = {
            "pledge": form.pledge.data,
            "official_name": form.official_name.data,
            "official_title": form.official_title.data or "",
            "deadline": form.deadline.data,
        }
        try:
            correct_commitment(
                item,
                changes,
                version=form.version.data,
                actor=current_user,
                today=today(),
                tz=current_app.config["HOTLINE_TIMEZONE"],
                key=form.idem.data,
            )
            outcome = actions.save()
        except VersionConflict:
            outcome = actions.CONFLICT
        except ValueError:
            db.session.rollback()
            form.deadline.errors = [
                _(
                    "The deadline can be corrected only on the day it was made, before any "
                    "follow-up. After that it changes only through an extension."
                )
            ]
            outcome = "refused"
        if outcome == actions.CONFLICT:
            db.session.rollback()
            item = db.session.get(Commitment, commitment_id)
            conflict = {"text": form.pledge.data}
            form.version.data = item.version
        elif outcome != "refused":
            pushes.commitment_changed(item)
            flash(_("Correction saved; it is shown on the public timeline."), "success")
            return redirect(url_for("desk.call", call_id=item.call_id), 303)
    status = 409 if conflict else (422 if form.errors else 200)
    return page_or_block(
        "desk/correct_commitment.html", "form", form=form, item=item, conflict=conflict
    ), status
