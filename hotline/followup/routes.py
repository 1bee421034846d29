"""The follow-up dashboard and one commitment's work page with its actions."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import callbacks, duplicates, escalation, pushes, reminders
from .. import commitments as domain
from ..access import not_found_for, roles_required, staff_required, supervisor_required
from ..clock import today
from ..extensions import db
from ..followup_forms import FORMS, fresh_form
from ..models import Commitment, Department, Role
from ..queries.followup import dashboard_data, event_done, work_item
from ..status import State
from ..text import for_log
from ..web import page_or_block
from . import bp
from .evidence import MAX_UPLOAD, read_upload, upload_dir

log = logging.getLogger("hotline.followup")

worker_required = roles_required(Role.LIAISON, Role.SUPERVISOR)
DASHBOARD = "followup/dashboard.html"


def get_commitment(commitment_id: int) -> Commitment:
    item = work_item(commitment_id, current_user)
    if item is None:
        not_found_for("commitment", commitment_id)
    return item


@bp.route("/")
@staff_required
def dashboard():
    """Role-aware: a liaison sees their department (live); the office and moderators see all."""
    if current_user.role == Role.LIAISON:
        department = current_user.department
        if department is None:
            abort(404)
    else:
        department = None
    return page_or_block(DASHBOARD, "items", **dashboard_data(department, today()))


def page(item: Commitment, status: int = 200, **forms):
    """The work page of one commitment, with the forms this user may use."""
    pending = domain.pending_extension(item)
    role = current_user.role
    allowed = []
    if role == Role.LIAISON and item.disputed_at is None:
        if escalation.needs_acknowledgement(item):
            allowed.append("acknowledge")
        if escalation.can_dispute(item, today()):
            allowed.append("dispute")
    if role == Role.SUPERVISOR and item.disputed_at is not None:
        allowed.append("dispute_decision")
    if item.state == State.OPEN and role in (Role.LIAISON, Role.SUPERVISOR):
        allowed += ["progress", "completion"]
        if pending is None:
            allowed.append("extension")
    if role == Role.SUPERVISOR:
        if pending is not None and pending.requested_by_id != current_user.id:
            allowed.append("decision")
        if item.state == State.REPORTED:
            allowed += ["verify", "reopen"]
        if item.state == State.OPEN:
            allowed.append("press")
        if item.state in (State.OPEN, State.REPORTED):
            allowed.append("withdraw")
        if item.state == State.MET and callbacks.can_call_back(item):
            allowed.append("callback")
        if item.state != State.WITHDRAWN and item.call and item.call.duplicate_of_id is None:
            allowed.append("merge")
    shown = {name: forms.get(name) or fresh_form(name, item) for name in allowed}
    # Private, for the office's 回访 only: who left the phone (caller or sender).
    contact = callbacks.contact_of(item) if "callback" in allowed else None
    return (
        render_template(
            "followup/commitment.html",
            c=item,
            contact=contact,
            pending=pending,
            acknowledge_by=escalation.acknowledge_by(item),
            forms=shown,
            max_upload_mb=MAX_UPLOAD // (1024 * 1024),
        ),
        status,
    )


def _saved_already(item: Commitment):
    flash(_("This was already saved."), "info")
    return redirect(url_for("followup.commitment", commitment_id=item.id))


def act(item: Commitment, name: str, action, after=None):
    """Run one follow-up action: validate, change, commit once, push.

    `action(form, attachments)` calls the domain function. Bad input re-renders
    the form with the message beside the field (422); a stale version shows the
    current record with the user's text kept (409); a repeated token shows the
    result of the first submission.
    """
    form = FORMS[name](prefix=name)
    if form.idem.data and event_done(form.idem.data, item.id):
        return _saved_already(item)
    if not form.validate_on_submit():
        return page(item, 422, **{name: form})
    files = []
    try:
        if "evidence" in form:
            upload = read_upload(form.evidence.data)
            if upload:
                files.append(upload)
        action(form, [a for a, _content in files])
        written = [(upload_dir() / a.stored_name, content) for a, content in files]
        for path, content in written:
            path.write_bytes(content)
        try:
            db.session.commit()
        except BaseException:
            for path, _content in written:
                path.unlink(missing_ok=True)
            raise
    except (domain.VersionConflict, StaleDataError):
        # StaleDataError: a twin request saved the same version a moment earlier.
        db.session.rollback()
        if form.idem.data and event_done(form.idem.data, item.id):
            return _saved_already(item)
        item = get_commitment(item.id)
        form.version.data = item.version
        form.form_errors.append(
            _(
                "Someone else changed this item while you were writing. The current record "
                "is shown; your text is kept below. Check it and send again."
            )
        )
        return page(item, 409, **{name: form})
    except domain.FollowupError as error:
        db.session.rollback()
        item = get_commitment(item.id)
        field = getattr(form, error.field, None) if error.field else None
        (field.errors if field is not None else form.form_errors).append(str(error.message))
        return page(item, 422, **{name: form})
    except IntegrityError:
        db.session.rollback()
        if form.idem.data and event_done(form.idem.data, item.id):  # the twin request won
            return _saved_already(item)
        log.warning("followup %s refused: token reused, commitment=%s", name, item.id)
        abort(400)
    log.info("followup %s: commitment=%s user=%s", name, item.id, for_log(current_user.username))
    pushes.commitment_changed(item)
    pushes.dashboard_changed(item)
    if after is not None:
        after(form)
    flash(_("Saved. It is on the public timeline."), "success")
    return redirect(url_for("followup.commitment", commitment_id=item.id))


@bp.route("/commitments/<int:commitment_id>")
@staff_required
def commitment(commitment_id: int):
    return page(get_commitment(commitment_id))


@bp.route("/commitments/<int:commitment_id>/progress", methods=["POST"])
@worker_required
def progress(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "progress",
        lambda f, files: domain.post_progress(
            item,
            actor=current_user,
            note=f.note.data,
            percent=f.percent.data,
            attachments=files,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/extension", methods=["POST"])
@worker_required
def extension(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "extension",
        lambda f, _files: domain.request_extension(
            item,
            actor=current_user,
            new_deadline=f.new_deadline.data,
            reason=f.reason.data,
            today=today(),
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/completion", methods=["POST"])
@worker_required
def completion(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "completion",
        lambda f, files: domain.report_completion(
            item,
            actor=current_user,
            note=f.note.data,
            on=today(),
            attachments=files,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/decision", methods=["POST"])
@supervisor_required
def decision(commitment_id: int):
    item = get_commitment(commitment_id)

    def decide(f, _files):
        pending = domain.pending_extension(item)
        if pending is None:
            raise domain.FollowupError("", _l("There is no extension request waiting."))
        if f.decision.data not in ("grant", "refuse"):
            raise domain.FollowupError("decision", _l("Choose grant or refuse."))
        domain.decide_extension(
            pending,
            actor=current_user,
            grant=f.decision.data == "grant",
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        )

    return act(item, "decision", decide)


@bp.route("/commitments/<int:commitment_id>/verify", methods=["POST"])
@supervisor_required
def verify(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "verify",
        lambda f, _files: domain.verify_completion(
            item,
            actor=current_user,
            note=f.note.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/reopen", methods=["POST"])
@supervisor_required
def reopen(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "reopen",
        lambda f, _files: domain.reopen(
            item,
            actor=current_user,
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


def _notify_pressed(item: Commitment, note: str) -> None:
    link = url_for("followup.commitment", commitment_id=item.id, _external=True)
    if not reminders.notify_pressed(item, note, link):
        flash(_("The press is saved, but the e-mail to the department could not be sent."), "error")


@bp.route("/commitments/<int:commitment_id>/press", methods=["POST"])
@supervisor_required
def press(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "press",
        lambda f, _files: domain.press(
            item,
            actor=current_user,
            note=f.note.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
        after=lambda f: _notify_pressed(item, f.note.data),
    )


@bp.route("/commitments/<int:commitment_id>/withdraw", methods=["POST"])
@supervisor_required
def withdraw(commitment_id: int):
    item = get_commitment(commitment_id)
    return act(
        item,
        "withdraw",
        lambda f, _files: domain.withdraw(
            item,
            actor=current_user,
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/callback", methods=["POST"])
@supervisor_required
def callback(commitment_id: int):
    """回访: reached or not, the caller's verdict; dissatisfied may reopen (重办)."""
    item = get_commitment(commitment_id)
    return act(
        item,
        "callback",
        lambda f, _files: callbacks.record_callback(
            item,
            actor=current_user,
            reached=f.reached.data == "yes",
            verdict=f.verdict.data,
            note=f.note.data or "",
            reopen_reason=f.reopen_reason.data or "",
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/acknowledge", methods=["POST"])
@roles_required(Role.LIAISON)
def acknowledge(commitment_id: int):
    """签收: the liaison's department has the item (scoped by get_commitment)."""
    item = get_commitment(commitment_id)
    return act(
        item,
        "acknowledge",
        lambda f, _files: escalation.acknowledge(
            item, actor=current_user, version=f.version.data, key=f.idem.data or None
        ),
    )


@bp.route("/commitments/<int:commitment_id>/dispute", methods=["POST"])
@roles_required(Role.LIAISON)
def dispute(commitment_id: int):
    """派单异议: "not ours", with a public reason."""
    item = get_commitment(commitment_id)
    return act(
        item,
        "dispute",
        lambda f, _files: escalation.dispute(
            item,
            actor=current_user,
            reason=f.reason.data,
            day=today(),
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )


@bp.route("/commitments/<int:commitment_id>/dispute-decision", methods=["POST"])
@supervisor_required
def dispute_decision(commitment_id: int):
    item = get_commitment(commitment_id)
    was = item.department_id

    def decide(f, _files):
        target = None
        if f.decision.data == "reassign":
            target = db.session.get(Department, f.department.data) if f.department.data else None
            if target is None:
                raise domain.FollowupError("department", _l("Choose the new department."))
        escalation.decide_dispute(
            item,
            actor=current_user,
            to_department=target,
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        )

    def old_department(_form):
        if item.department_id != was:
            pushes.dashboard_changed(item, was)

    return act(item, "dispute_decision", decide, after=old_department)


@bp.route("/commitments/<int:commitment_id>/merge", methods=["POST"])
@supervisor_required
def merge(commitment_id: int):
    """并单: this item's call is the same problem as an earlier item's call."""
    item = get_commitment(commitment_id)
    return act(
        item,
        "merge",
        lambda f, _files: duplicates.merge(
            item,
            earlier_id=f.earlier.data,
            actor=current_user,
            reason=f.reason.data,
            version=f.version.data,
            key=f.idem.data or None,
        ),
    )
