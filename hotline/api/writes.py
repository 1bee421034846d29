"""The desk's changes over the API: log a call on a live show, record its
outcome (answer, commit with a deadline, refer), the placard vote, and what
is on the broadcast overlay. The same forms validate, the same write layer
changes and records, the same pushes go out after the commit."""

from __future__ import annotations

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import may_act_for, not_found_for, roles_required
from ..actions import desk as actions
from ..changes import audit, limits, onair
from ..clock import today
from ..extensions import db
from ..forms.staff import AnswerForm, CallForm, CommitForm, PlacardForm, ReferForm
from ..models import Call, CallEvent, Commitment, OnAirKind, Role, ShowStatus, public_fields
from ..queries.desk import active_departments, active_deputies, call_for
from ..queries.onair import belongs_on_air
from ..queries.shows import show_with_calls, show_with_panel
from ..queries.votes import verdicts
from ..realtime import cue as cue_push
from ..rules.pledges import TERMS
from . import writes_bp
from .bearer import (
    attribute,
    body,
    conflict,
    error,
    form_from_json,
    invalid,
    invalid_fields,
    key_reused,
    key_spent_elsewhere,
    on_air_control,
)

DESK = (Role.MODERATOR, Role.SUPERVISOR)
ANYONE = (Role.MODERATOR, Role.SUPERVISOR, Role.LIAISON)


def call_record(call: Call, reference_code: str | None = None) -> dict:
    """A call as the API answers the desk: its public fields and, for the staff
    who wrote them, the answer as typed, its commitments and its version, and
    the two verdicts on the answer (the studio's placard count and the viewers'
    online votes, apart). Never the caller's name, phone or callback wish."""
    record = public_fields(call) | {
        # The office's category and area the typed texts name; null until mapped.
        "category_id": call.category_id,
        "area_id": call.area_id,
        "answer_text": call.answer_text,
        "answered_by": call.answered_by,
        "commitment_ids": [c.id for c in call.commitments],
        "version": call.version,
        # Two verdicts on the answer, never summed: the studio's and the viewers'.
        **verdicts(call),
    }
    if reference_code:  # for the caller, in this response only (never stored in the clear)
        record["reference_code"] = reference_code
    return record


def show_record(show) -> dict:
    """A show as a 409 answers it (the schema's `current`): why the write was refused."""
    return {"id": show.id, "status": show.status, "is_live": show.is_live}


def _choices(form) -> None:
    departments = [SelectChoice("", "")] + [
        SelectChoice(d.id, d.name) for d in active_departments()
    ]
    for name in ("department",):
        if name in form:
            form[name].choices = departments
    if "deputy" in form:
        form.deputy.choices = [SelectChoice("", "")] + [
            SelectChoice(d.id, d.name) for d in active_deputies()
        ]


def _show(show_id: int):
    show = show_with_calls(show_id)
    if show is None:
        abort(404)
    return show


def _call(call_id: int) -> Call:
    call = call_for(current_user, call_id)
    if call is None:
        not_found_for("call", call_id)  # another department's call: a 404, as on the web
    return call


@writes_bp.route("/shows/<int:show_id>/calls", methods=["POST"])
@roles_required(*DESK)
def log_call(show_id: int):
    # The panel is all the check needs; the calls are loaded once, for the pushes.
    show = show_with_panel(show_id)
    if show is None:
        abort(404)
    form = form_from_json(CallForm, body())
    _choices(form)
    if not show.is_live:
        return error(
            409,
            _("The show is not live: calls are logged on air."),
            show_status=show.status,
            current=show_record(show),
        )
    if not form.validate():
        return invalid(form)
    if key_spent_elsewhere(Call):
        return key_reused()
    outcome, call, _show = actions.log_call(
        show,
        form,
        actor=current_user,
        audit_row=lambda call: attribute(
            audit.API_CALL_LOGGED, f"show {show_id}", {"number": call.number}
        ),
    )
    if outcome == actions.CONFLICT:  # every try lost a race: the show as it stands now
        return conflict(show_record(show_with_panel(show_id)))
    if outcome == actions.KEY_REUSED:
        return key_reused()
    if outcome == actions.REPEATED:  # a retry: the call the first request logged
        return jsonify({"data": call_record(call), "repeated": True}), 200
    return jsonify({"data": call_record(call, call.reference_code)}), 201


def _call_change(call_id: int, name: str, form_class, apply, action: str):
    """validate → actions.change_call (repeated key, apply, save, push) → JSON."""
    call = _call(call_id)
    form = form_from_json(form_class, body())
    _choices(form)
    if not form.validate():
        return invalid(form)
    if key_spent_elsewhere(CallEvent):
        return key_reused()
    refusal = []

    def change(made):
        if problem := apply(call, form, made):
            refusal.append(problem)
            return False
        return None

    outcome = actions.change_call(
        call,
        form.idem.data,
        change,
        kind=actions.CALL_EVENT[name],
        audit_row=lambda: attribute(action, f"call {call.id}"),
    )
    if outcome == actions.INVALID:
        return refusal[0]
    if outcome == actions.KEY_REUSED:
        return key_reused()
    if outcome == actions.CONFLICT:
        return conflict(call_record(_call(call_id)))
    if outcome == actions.REFUSED:
        return error(
            422,
            _("This call has a commitment on the public board; it stays committed."),
            errors={"outcome": [_("The call has a commitment.")]},
        )
    data = {"data": call_record(_call(call_id))}
    return jsonify(data | ({"repeated": True} if outcome == actions.REPEATED else {}))


def _own_department(form, refusal: str):
    if not may_act_for(current_user, form.department.data):
        return error(403, refusal)
    return None


@writes_bp.route("/calls/<int:call_id>/answer", methods=["POST"])
@roles_required(*ANYONE)
def answer(call_id: int):
    def apply(call, form, _made):
        actions.answer_from(call, form, current_user)

    return _call_change(call_id, "answer", AnswerForm, apply, audit.API_CALL_ANSWERED)


@writes_bp.route("/calls/<int:call_id>/refer", methods=["POST"])
@roles_required(*ANYONE)
def refer(call_id: int):
    def apply(call, form, made):
        if problem := _own_department(
            form, _("A liaison token can refer only within its own department.")
        ):
            return problem
        made.append(actions.refer_from(call, form, current_user, limits.referral_deadline(today())))

    return _call_change(call_id, "refer", ReferForm, apply, audit.API_CALL_REFERRED)


@writes_bp.route("/calls/<int:call_id>/placard", methods=["POST"])
@roles_required(*DESK)
def placard(call_id: int):
    def apply(call, form, _made):
        actions.placard_from(call, form, current_user)

    return _call_change(call_id, "placard", PlacardForm, apply, audit.API_PLACARD)


@writes_bp.route("/calls/<int:call_id>/commitments", methods=["POST"])
@roles_required(*ANYONE)
def commit(call_id: int):
    """A commitment made on air: `deadline` (a date) or `deadline_preset` (days)."""
    call = _call(call_id)  # out of scope: a 404 before anything is read
    data = body()
    if data.get("deadline") and "deadline_preset" not in data:
        data["deadline_preset"] = "date"
    form = form_from_json(CommitForm, data)
    _choices(form)
    valid = form.validate()
    deadline = form.check_deadline(today()) if valid else None
    if deadline is None:
        return invalid(form)
    if problem := _own_department(
        form, _("A liaison token can commit only within its own department.")
    ):
        return problem
    if key_spent_elsewhere(Commitment):
        return key_reused()
    outcome, item = actions.make_commitment(
        call,
        lambda: _call(call_id),
        form,
        deadline,
        actor=current_user,
        audit_row=lambda: attribute(audit.API_COMMITMENT_MADE, f"call {call_id}"),
    )
    if outcome == actions.CONFLICT:
        return conflict(call_record(_call(call_id)))
    if outcome == actions.KEY_REUSED:
        return key_reused()
    repeated = outcome == actions.REPEATED
    record = {"id": item.id, "call_id": item.call_id, "department_id": item.department_id}
    record |= {"deadline": item.deadline.isoformat(), "version": item.version}
    record |= {name: getattr(item, name) for name in TERMS}
    return jsonify({"data": record, "repeated": repeated}), 200 if repeated else 201


@writes_bp.route("/shows/<int:show_id>/on-air", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def put_on_air(show_id: int):
    """`{"kind": "call" | "commitment" | "rundown" | "promise" | "topic", "item": id}`; putting the
    same thing on air again changes nothing, so no Idempotency-Key is needed."""
    show = _show(show_id)
    data = body()
    errors = {}
    try:
        kind = OnAirKind(str(data.get("kind", "")))
    except ValueError:
        errors["kind"] = [_("One of: %(values)s.", values=", ".join(k.value for k in OnAirKind))]
    try:
        item_id = int(data.get("item", ""))
    except (TypeError, ValueError):
        errors["item"] = [_("The id of the call, commitment or rundown item.")]
    if errors:
        return error(422, invalid_fields(), errors=errors)
    if not belongs_on_air(show, kind, item_id, today()):
        abort(404)
    if show.status == ShowStatus.ENDED:
        return error(
            409, _("The show has ended: nothing more goes on air."), current=show_record(show)
        )
    onair.put_on_air(show.id, kind, item_id, current_user)
    attribute(audit.API_ON_AIR, f"show {show.id}", {"kind": kind.value, "item": item_id})
    db.session.commit()
    cue_push.program_changed(show)
    return jsonify({"data": {"show_id": show.id, "kind": kind.value, "item": item_id}})


@writes_bp.route("/shows/<int:show_id>/on-air/clear", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def clear_on_air(show_id: int):
    show = _show(show_id)
    onair.clear(show.id, current_user)
    attribute(audit.API_ON_AIR_CLEARED, f"show {show.id}")
    db.session.commit()
    cue_push.program_changed(show)
    return jsonify({"data": {"show_id": show.id, "kind": None, "item": None}})
