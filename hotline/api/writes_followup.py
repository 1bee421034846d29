"""The follow-up over the API: a department posts progress, asks for an
extension and reports completion; the office decides, verifies and presses.
Each goes through the same form checks and the same write layer
(commitments.py) as the follow-up page, and is pushed after the commit."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import commitments as domain
from .. import pushes, reminders
from ..access import not_found_for, roles_required
from ..clock import today
from ..extensions import db
from ..followup_forms import FORMS
from ..models import Commitment, Role
from ..queries.followup import event_done, work_item
from ..status import State
from . import writes_bp
from .bearer import attribute, body, conflict, error, form_from_json, invalid

WORKER = (Role.LIAISON, Role.SUPERVISOR)
OFFICE = (Role.SUPERVISOR,)


def commitment_record(item: Commitment) -> dict:
    return {
        "id": item.id,
        "call_id": item.call_id,
        "department_id": item.department_id,
        "state": str(State(item.state)) if item.state else None,
        "deadline": item.deadline.isoformat(),
        "original_deadline": item.original_deadline.isoformat(),
        "version": item.version,
    }


def _item(commitment_id: int) -> Commitment:
    item = work_item(commitment_id, current_user)
    if item is None:
        not_found_for("commitment", commitment_id)  # another department's: a 404
    return item


def _act(commitment_id: int, name: str, change, after=None):
    """validate → repeated key? → change → commit once → push (as follow-up's act())."""
    item = _item(commitment_id)
    form = form_from_json(FORMS[name], body())
    if form.idem.data and event_done(form.idem.data, item.id):
        return jsonify({"data": commitment_record(item), "repeated": True})
    if not form.validate():
        return invalid(form)
    try:
        change(item, form)
        attribute(f"api_{name}", f"commitment {item.id}")
        db.session.commit()
    except (domain.VersionConflict, StaleDataError):
        db.session.rollback()
        if form.idem.data and event_done(form.idem.data, item.id):
            return jsonify({"data": commitment_record(_item(commitment_id)), "repeated": True})
        return conflict(commitment_record(_item(commitment_id)))
    except domain.FollowupError as failure:
        db.session.rollback()
        return error(
            422,
            "The request has invalid fields.",
            errors={failure.field or "state": [str(failure.message)]},
        )
    except IntegrityError:
        db.session.rollback()
        if form.idem.data and event_done(form.idem.data, item.id):
            return jsonify({"data": commitment_record(_item(commitment_id)), "repeated": True})
        return error(409, "This Idempotency-Key was used for another item.")
    pushes.commitment_changed(item)
    pushes.dashboard_changed(item)
    if after is not None:
        after(item, form)
    return jsonify({"data": commitment_record(item)})


@writes_bp.route("/commitments/<int:commitment_id>/progress", methods=["POST"])
@roles_required(*WORKER)
def progress(commitment_id: int):
    def change(item, f):
        domain.post_progress(
            item,
            actor=current_user,
            note=f.note.data,
            percent=f.percent.data,
            version=f.version.data,
            key=f.idem.data or None,
        )

    return _act(commitment_id, "progress", change)


@writes_bp.route("/commitments/<int:commitment_id>/extension", methods=["POST"])
@roles_required(*WORKER)
def extension(commitment_id: int):
    def change(item, f):
        domain.request_extension(
            item,
            actor=current_user,
            new_deadline=f.new_deadline.data,
            reason=f.reason.data,
            today=today(),
            version=f.version.data,
            key=f.idem.data or None,
        )

    return _act(commitment_id, "extension", change)


@writes_bp.route("/commitments/<int:commitment_id>/completion", methods=["POST"])
@roles_required(*WORKER)
def completion(commitment_id: int):
    def change(item, f):
        domain.report_completion(
            item,
            actor=current_user,
            note=f.note.data,
            on=today(),
            version=f.version.data,
            key=f.idem.data or None,
        )

    return _act(commitment_id, "completion", change)


@writes_bp.route("/commitments/<int:commitment_id>/decision", methods=["POST"])
@roles_required(*OFFICE)
def decision(commitment_id: int):
    def change(item, f):
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

    return _act(commitment_id, "decision", change)


@writes_bp.route("/commitments/<int:commitment_id>/verify", methods=["POST"])
@roles_required(*OFFICE)
def verify(commitment_id: int):
    def change(item, f):
        domain.verify_completion(
            item,
            actor=current_user,
            note=f.note.data,
            version=f.version.data,
            key=f.idem.data or None,
        )

    return _act(commitment_id, "verify", change)


@writes_bp.route("/commitments/<int:commitment_id>/press", methods=["POST"])
@roles_required(*OFFICE)
def press(commitment_id: int):
    def change(item, f):
        domain.press(
            item, actor=current_user, note=f.note.data, version=f.version.data, key=f.idem.data
        )

    def notify(item, f):
        link = url_for("followup.commitment", commitment_id=item.id, _external=True)
        reminders.notify_pressed(item, f.note.data, link)

    return _act(commitment_id, "press", change, notify)
