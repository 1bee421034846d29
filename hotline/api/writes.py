"""The desk's changes over the API: log a call on a live show, record its
outcome (answer, commit with a deadline, refer), the placard vote, and what
is on the broadcast overlay. The same forms validate, the same write layer
changes and records, the same pushes go out after the commit."""

from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .. import actions, calls, limits, onair, pushes
from ..access import not_found_for, roles_required
from ..clock import today
from ..commitments import VersionConflict, create_commitment
from ..extensions import db
from ..forms import AnswerForm, CallForm, CommitForm, PlacardForm, ReferForm
from ..models import Call, Commitment, OnAirKind, Role, ShowStatus
from ..queries.desk import active_departments, active_deputies, call_for
from ..queries.shows import show_with_calls, show_with_panel, with_calls_after_logging
from . import writes_bp
from .bearer import attribute, body, conflict, error, form_from_json, invalid

DESK = (Role.MODERATOR, Role.SUPERVISOR)
ANYONE = (Role.MODERATOR, Role.SUPERVISOR, Role.LIAISON)


def call_record(call: Call, reference_code: str | None = None) -> dict:
    """A call as the API returns it: its public fields and the outcome, never
    the caller's name, phone or callback wish."""
    record = {
        "id": call.id,
        "show_id": call.show_id,
        "number": call.number,
        "topic": call.topic,
        "area": call.area,
        "category": call.category,
        "department_id": call.department_id,
        "deputy_id": call.deputy_id,
        "outcome": str(call.outcome) if call.outcome else None,
        "answer_text": call.answer_text,
        "answered_by": call.answered_by,
        "commitment_ids": [c.id for c in call.commitments],
        "version": call.version,
    }
    if reference_code:  # for the caller, in this response only (never stored in the clear)
        record["reference_code"] = reference_code
    return record


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
        return error(409, "The show is not live: calls are logged on air.", show_status=show.status)
    if not form.validate():
        return invalid(form)
    key = form.idem.data

    def already_logged() -> bool:
        return db.session.scalar(select(Call.id).where(Call.idempotency_key == key))

    loaded = iter([show])

    def log() -> Call:
        # A retry reloads the show: another desk took this call number a moment ago.
        call = calls.log_call(
            next(loaded, None) or show_with_panel(show_id),
            topic=form.topic.data,
            area=form.area.data or "",
            category=form.category.data or "",
            department_id=form.department.data,
            deputy_id=form.deputy.data,
            caller_name=form.caller_name.data or "",
            caller_phone=form.caller_phone.data or "",
            callback=form.callback.data,
            actor=current_user,
            key=key,
        )
        attribute("api_call_logged", f"show {show_id}", {"number": call.number})
        return call

    # Kept loaded through the commit, as on the desk: only the show's calls are read again.
    outcome, call = actions.save_new(already_logged, log, keep_loaded=True)
    if outcome == actions.CONFLICT:
        abort(409)
    if call is None:  # a retry: the call the first request logged
        earlier = db.session.scalar(select(Call).where(Call.idempotency_key == key))
        return jsonify({"data": call_record(earlier), "repeated": True}), 200
    pushes.call_logged(call, with_calls_after_logging(call.show, call))
    return jsonify({"data": call_record(call, call.reference_code)}), 201


def _call_change(call_id: int, form_class, apply, action: str):
    """validate → repeated key? → apply → commit (a lost race is a 409) → push."""
    call = _call(call_id)
    form = form_from_json(form_class, body())
    _choices(form)
    if not form.validate():
        return invalid(form)
    if calls.already_done(form.idem.data):
        return jsonify({"data": call_record(call), "repeated": True})
    old_department = call.department_id
    made = []
    try:
        problem = apply(call, form, made)
        if problem:
            db.session.rollback()
            return problem
        attribute(action, f"call {call.id}")
    except VersionConflict:
        db.session.rollback()
        return conflict(call_record(_call(call_id)))
    except calls.HasCommitments:
        db.session.rollback()
        return error(
            422,
            "This call has a commitment on the public board; it stays committed.",
            errors={"outcome": ["The call has a commitment."]},
        )
    outcome = actions.save()
    if outcome == actions.CONFLICT:
        return conflict(call_record(_call(call_id)))
    if outcome == actions.SAVED:
        pushes.call_changed(call, old_department_id=old_department)
        for item in call.commitments:
            pushes.commitment_changed(item)
        for item in made:
            pushes.dashboard_changed(item)
    return jsonify({"data": call_record(_call(call_id))})


def _own_department(form, verb: str):
    if current_user.role == Role.LIAISON and form.department.data != current_user.department_id:
        return error(403, f"A liaison token can {verb} only within its own department.")
    return None


@writes_bp.route("/calls/<int:call_id>/answer", methods=["POST"])
@roles_required(*ANYONE)
def answer(call_id: int):
    def apply(call, form, _made):
        calls.answer_call(
            call,
            text=form.answer_text.data,
            answered_by=form.answered_by.data,
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )

    return _call_change(call_id, AnswerForm, apply, "api_call_answered")


@writes_bp.route("/calls/<int:call_id>/refer", methods=["POST"])
@roles_required(*ANYONE)
def refer(call_id: int):
    def apply(call, form, made):
        if problem := _own_department(form, "refer"):
            return problem
        deadline = limits.referral_deadline(today())
        made.append(
            calls.refer_call(
                call,
                department_id=form.department.data,
                note=form.note.data or "",
                deadline=deadline.day,
                working_days=limits.get("referral_days"),
                version=form.version.data,
                actor=current_user,
                key=form.idem.data,
            )
        )

    return _call_change(call_id, ReferForm, apply, "api_call_referred")


@writes_bp.route("/calls/<int:call_id>/placard", methods=["POST"])
@roles_required(*DESK)
def placard(call_id: int):
    def apply(call, form, _made):
        calls.record_placard(
            call,
            satisfied=form.satisfied.data,
            basic=form.basic.data,
            dissatisfied=form.dissatisfied.data,
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )

    return _call_change(call_id, PlacardForm, apply, "api_placard")


@writes_bp.route("/calls/<int:call_id>/commitments", methods=["POST"])
@roles_required(*ANYONE)
def commit(call_id: int):
    """A commitment made on air: `deadline` (a date) or `deadline_preset` (days)."""
    _call(call_id)  # out of scope: a 404 before anything is read
    data = body()
    if data.get("deadline") and "deadline_preset" not in data:
        data["deadline_preset"] = "date"
    form = form_from_json(CommitForm, data)
    _choices(form)
    valid = form.validate()
    deadline = form.check_deadline(today()) if valid else None
    if deadline is None:
        return invalid(form)
    if problem := _own_department(form, "commit"):
        return problem
    key = form.idem.data

    def already_made() -> bool:
        return db.session.scalar(select(Commitment.id).where(Commitment.idempotency_key == key))

    def make() -> Commitment:
        target = _call(call_id)
        item = create_commitment(
            target,
            department_id=form.department.data,
            pledge=form.pledge.data,
            official_name=form.official_name.data,
            official_title=form.official_title.data or "",
            deadline=deadline,
            actor=current_user,
            key=key,
        )
        calls.record(target, "committed", current_user, {"deadline": deadline.isoformat()})
        attribute("api_commitment_made", f"call {call_id}")
        return item

    outcome, item = actions.save_new(already_made, make)
    if outcome == actions.CONFLICT:
        return conflict(call_record(_call(call_id)))
    repeated = item is None
    if repeated:
        item = db.session.scalar(select(Commitment).where(Commitment.idempotency_key == key))
    else:
        pushes.commitment_made(item)
    record = {"id": item.id, "call_id": item.call_id, "department_id": item.department_id}
    record |= {"deadline": item.deadline.isoformat(), "version": item.version}
    return jsonify({"data": record, "repeated": repeated}), 200 if repeated else 201


@writes_bp.route("/shows/<int:show_id>/on-air", methods=["POST"])
@roles_required(*DESK)
def put_on_air(show_id: int):
    """`{"kind": "call" | "commitment" | "rundown", "item": id}`; putting the
    same thing on air again changes nothing, so no Idempotency-Key is needed."""
    show = _show(show_id)
    data = body()
    errors = {}
    try:
        kind = OnAirKind(str(data.get("kind", "")))
    except ValueError:
        errors["kind"] = [f"One of: {', '.join(k.value for k in OnAirKind)}."]
    try:
        item_id = int(data.get("item", ""))
    except (TypeError, ValueError):
        errors["item"] = ["The id of the call, commitment or rundown item."]
    if errors:
        return error(422, "The request has invalid fields.", errors=errors)
    if not onair.belongs(show, kind, item_id, today()):
        abort(404)
    if show.status == ShowStatus.ENDED:
        return error(409, "The show has ended: nothing more goes on air.")
    onair.put_on_air(show.id, kind, item_id, current_user)
    attribute("api_on_air", f"show {show.id}", {"kind": kind.value, "item": item_id})
    db.session.commit()
    pushes.on_air_changed(show)
    return jsonify({"data": {"show_id": show.id, "kind": kind.value, "item": item_id}})


@writes_bp.route("/shows/<int:show_id>/on-air/clear", methods=["POST"])
@roles_required(*DESK)
def clear_on_air(show_id: int):
    show = _show(show_id)
    onair.clear(show.id, current_user)
    attribute("api_on_air_cleared", f"show {show.id}")
    db.session.commit()
    pushes.on_air_changed(show)
    return jsonify({"data": {"show_id": show.id, "kind": None, "item": None}})
