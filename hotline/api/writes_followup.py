"""The follow-up over the API: every action of the follow-up page (progress
with an evidence file, extension, completion; for the office decide, verify,
reopen, press, withdraw, callback, dispute decisions, merge and withholding an
entry; for a department 签收 and 派单异议). Each runs the one cycle in
hotline/actions/followup.py, the same as the page: the same forms, write
layer, evidence checks and pushes."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ..access import not_found_for, roles_required
from ..actions import followup as actions
from ..changes import audit
from ..clock import today
from ..extensions import db
from ..forms.followup import FORMS, WithholdForm
from ..models import Commitment, Event
from ..queries.followup import work_item
from ..rules.pledges import TERMS
from ..rules.status import State
from . import writes_bp
from .bearer import (
    attribute,
    body,
    conflict,
    error,
    form_from_json,
    form_from_request,
    invalid,
    invalid_fields,
    key_reused,
    key_spent_elsewhere,
)


def commitment_record(item: Commitment) -> dict:
    return {
        "id": item.id,
        "call_id": item.call_id,
        "department_id": item.department_id,
        "state": str(State(item.state)) if item.state else None,
        "deadline": item.deadline.isoformat(),
        "original_deadline": item.original_deadline.isoformat(),
        **{name: getattr(item, name) for name in TERMS},
        "acknowledged": item.acknowledged_at is not None,
        "disputed": item.disputed_at is not None,
        "version": item.version,
    }


def _item(commitment_id: int) -> Commitment:
    item = work_item(commitment_id, current_user)
    if item is None:
        not_found_for("commitment", commitment_id)  # another department's: a 404
    return item


def answer(result: actions.Result, form, reload):
    """JSON for a Result of the follow-up cycle."""
    if result.outcome == actions.SAVED:
        data = {"data": commitment_record(result.item)}
        if result.notices:
            data["warnings"] = result.notices
        return jsonify(data)
    if result.outcome == actions.REPEATED:
        return jsonify({"data": commitment_record(reload()), "repeated": True})
    if result.outcome == actions.CONFLICT:
        return conflict(commitment_record(reload()))
    if result.outcome == actions.KEY_REUSED:
        return key_reused()
    if result.message is None:
        return invalid(form)
    return error(422, invalid_fields(), errors={result.field or "state": [result.message]})


def _view(name: str):
    files = ("evidence",) if name in actions.WITH_EVIDENCE else ()

    def view(commitment_id: int):
        item = _item(commitment_id)
        form, refused = form_from_request(FORMS[name], files)
        if refused is not None:
            return refused
        if key_spent_elsewhere(Event):  # on a call or a commitment made: another change
            return key_reused()
        result = actions.save(
            item,
            name,
            form,
            actor=current_user,
            day=today(),
            audit_row=lambda: attribute(audit.api_action(name), f"commitment {item.id}"),
        )
        return answer(result, form, lambda: _item(commitment_id))

    return view


# POST /api/v1/commitments/<id>/<path> for each action, for the roles it names.
actions.add_routes(writes_bp, _view)


@writes_bp.route("/events/<int:event_id>/withhold", methods=["POST"])
@roles_required(*actions.OFFICE)
def withhold(event_id: int):
    """Take a timeline entry's note and files off public view, with a public reason."""
    event = db.session.get(Event, event_id)
    if event is None:
        not_found_for("event", event_id)
    commitment_id = event.commitment_id
    if key_spent_elsewhere(Event):
        return key_reused()
    form = form_from_json(WithholdForm, body())
    result = actions.withhold(
        event,
        form,
        actor=current_user,
        audit_row=lambda: attribute(audit.API_WITHHOLD, f"event {event_id}"),
    )
    return answer(result, form, lambda: _item(commitment_id))
