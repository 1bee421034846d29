"""The live desk: moderators schedule and run shows and log calls; department
liaisons answer or commit for their own department, in real time.

Every form works without JavaScript (post, then redirect); with htmx the same
URL returns just the changed block. Each change is pushed to the other consoles
and the public pages after it commits.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from . import board, calls, live
from .auth import roles_required
from .commitments import VersionConflict, correct_commitment, create_commitment
from .extensions import db
from .forms import (
    AnswerForm,
    CallForm,
    CommitForm,
    CorrectCallForm,
    CorrectCommitmentForm,
    PlacardForm,
    ReferForm,
    ShowForm,
)
from .models import (
    Call,
    CallerContact,
    Commitment,
    Department,
    Deputy,
    Outcome,
    Role,
    Show,
    ShowStatus,
    utcnow,
)
from .web import local_to_utc, page_or_block, render_block, to_local, today

bp = Blueprint("desk", __name__, url_prefix="/desk")

DESK = (Role.MODERATOR, Role.SUPERVISOR)
ANYONE = (Role.MODERATOR, Role.SUPERVISOR, Role.LIAISON)
CONSOLE = "desk/console.html"
CALL_PAGE = "desk/call.html"
DEPARTMENT_PAGE = "desk/department.html"


# --- queries -----------------------------------------------------------------


def show_or_404(show_id: int) -> Show:
    show = db.session.scalar(
        select(Show)
        .options(
            selectinload(Show.departments),
            selectinload(Show.deputies),
            selectinload(Show.calls).selectinload(Call.commitments),
            selectinload(Show.calls).selectinload(Call.department),
            selectinload(Show.calls).selectinload(Call.deputy),
        )
        .where(Show.id == show_id)
    )
    if show is None:
        abort(404)
    return show


def visible_calls():
    """Calls this account may see: all for the desk, own department for a liaison."""
    query = select(Call).options(
        selectinload(Call.show), selectinload(Call.commitments), selectinload(Call.department)
    )
    if current_user.role == Role.LIAISON:
        query = query.where(Call.department_id == current_user.department_id)
    return query


def call_or_404(call_id: int) -> Call:
    call = db.session.scalar(visible_calls().where(Call.id == call_id))
    if call is None:
        abort(404)  # another department's call: not found, never "forbidden"
    return call


def active_departments() -> list[Department]:
    return list(
        db.session.scalars(
            select(Department).where(Department.active.is_(True)).order_by(Department.id)
        )
    )


def active_deputies() -> list[Deputy]:
    return list(
        db.session.scalars(select(Deputy).where(Deputy.active.is_(True)).order_by(Deputy.id))
    )


def department_choices(show: Show | None, blank: str | None) -> list[SelectChoice]:
    """Panel departments first (the usual choice on air), then all the others."""
    panel_ids = {d.id for d in show.departments} if show else set()
    choices = [SelectChoice("", blank)] if blank is not None else []
    on_panel, others = _("On the panel"), _("Other departments")
    for d in active_departments():
        choices.append(
            SelectChoice(d.id, d.name, optgroup=on_panel if d.id in panel_ids else others)
        )
    choices.sort(key=lambda c: c.optgroup == others)  # stable: panel group first
    return choices


def deputy_choices(show: Show | None) -> list[SelectChoice]:
    deputies = show.deputies if show and show.deputies else active_deputies()
    return [SelectChoice("", _("— not recorded —"))] + [
        SelectChoice(d.id, d.name) for d in deputies
    ]


def caller_contact_for(call: Call) -> CallerContact | None:
    """The caller's private details, for the desk; a liaison sees them only when
    the caller asked for a callback."""
    contact = db.session.get(CallerContact, call.id)
    if contact and current_user.role == Role.LIAISON and not contact.callback:
        return None
    return contact


# --- publishing ----------------------------------------------------------------


def publish_call(call: Call, *, new: bool = False, old_department_id: int | None = None):
    """Push a logged or changed call to the desk, the department and the public."""
    call = db.session.scalar(
        select(Call)
        .options(
            selectinload(Call.commitments),
            selectinload(Call.department),
            selectinload(Call.deputy),
            selectinload(Call.show),
        )
        .where(Call.id == call.id)
    )
    # The public first: thousands watch it; the staff consoles are a handful.
    board.publish_call(call, new=new)
    show = show_or_404(call.show_id)
    room = f"show:{show.id}"
    live.publish(
        live.STAFF,
        room,
        target="#desk-calls" if new else f"#desk-call-{call.id}",
        swap="afterbegin" if new else "outerHTML",
        render=lambda: render_block(CONSOLE, "call_row", call=call),
    )
    live.publish(
        live.STAFF,
        room,
        target="#panel",
        swap="outerHTML",
        render=lambda: render_block(CONSOLE, "panel", show=show),
    )
    if old_department_id and old_department_id != call.department_id:
        live.publish(
            live.STAFF,
            f"department:{old_department_id}",
            target=f"#dept-call-{call.id}",
            swap="outerHTML",
            render=lambda: "",
        )
    if call.department_id:
        moved = old_department_id and old_department_id != call.department_id
        live.publish(
            live.STAFF,
            f"department:{call.department_id}",
            target="#dept-calls" if new or moved else f"#dept-call-{call.id}",
            swap="afterbegin" if new or moved else "outerHTML",
            render=lambda: render_block(DEPARTMENT_PAGE, "call_row", call=call),
        )


def publish_show(show: Show) -> None:
    """The show went live or ended: every console and the public show page."""
    show = show_or_404(show.id)
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target="#show-header",
        swap="outerHTML",
        render=lambda: render_block(CONSOLE, "header", show=show),
    )
    for department in show.departments:
        live.publish(
            live.STAFF,
            f"department:{department.id}",
            target="#dept-live",
            swap="outerHTML",
            render=lambda d=department: render_block(
                DEPARTMENT_PAGE, "live", department=d, calls=department_calls(d.id)
            ),
        )
    board.publish_show(show)


# --- the moderator's pages ------------------------------------------------------


@bp.route("/")
@roles_required(*DESK)
def index():
    shows = db.session.scalars(
        select(Show).order_by(
            (Show.status == ShowStatus.LIVE).desc(),
            (Show.status == ShowStatus.SCHEDULED).desc(),
            Show.starts_at.desc(),
        )
    ).all()
    return page_or_block("desk/index.html", "shows", shows=shows)


def _show_form(show: Show | None) -> ShowForm:
    form = ShowForm(obj=None)
    form.departments.choices = [SelectChoice(d.id, d.name) for d in active_departments()]
    form.deputies.choices = [SelectChoice(d.id, d.name) for d in active_deputies()]
    if show is not None and request.method == "GET":
        form.title.data = show.title
        form.kind.data = show.kind
        form.venue.data = show.venue
        form.starts_at.data = to_local(show.starts_at).replace(tzinfo=None)
        form.stream_url.data = show.stream_url
        form.departments.data = [d.id for d in show.departments]
        form.deputies.data = [d.id for d in show.deputies]
        form.version.data = show.version
    return form


def _apply_show_form(show: Show, form: ShowForm) -> None:
    show.title = form.title.data
    show.kind = form.kind.data
    show.venue = form.venue.data or ""
    show.starts_at = local_to_utc(form.starts_at.data)
    show.stream_url = form.stream_url.data or ""
    show.departments = list(
        db.session.scalars(select(Department).where(Department.id.in_(form.departments.data)))
    )
    show.deputies = list(
        db.session.scalars(select(Deputy).where(Deputy.id.in_(form.deputies.data)))
    )


@bp.route("/shows/new", methods=["GET", "POST"])
@roles_required(*DESK)
def new_show():
    form = _show_form(None)
    if form.validate_on_submit():
        show = Show(status=ShowStatus.SCHEDULED)
        _apply_show_form(show, form)
        db.session.add(show)
        db.session.commit()
        flash(_("Show scheduled."), "success")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    status = 422 if form.errors else 200
    return page_or_block("desk/show_form.html", "form", form=form, show=None), status


@bp.route("/shows/<int:show_id>/edit", methods=["GET", "POST"])
@roles_required(*DESK)
def edit_show(show_id: int):
    show = show_or_404(show_id)
    if show.status != ShowStatus.SCHEDULED:
        flash(_("A show can only be edited before it starts."), "error")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    form = _show_form(show)
    conflict = False
    if form.validate_on_submit():
        if str(form.version.data) != str(show.version):
            conflict = True
            form.version.data = show.version
        else:
            _apply_show_form(show, form)
            db.session.commit()
            flash(_("Show saved."), "success")
            return redirect(url_for("desk.console", show_id=show.id), 303)
    status = 409 if conflict else (422 if form.errors else 200)
    return page_or_block(
        "desk/show_form.html", "form", form=form, show=show, conflict=conflict
    ), status


@bp.route("/shows/<int:show_id>/status", methods=["POST"])
@roles_required(*DESK)
def set_show_status(show_id: int):
    show = show_or_404(show_id)
    action = request.form.get("action")
    if action == "live" and show.status == ShowStatus.SCHEDULED:
        show.status = ShowStatus.LIVE
        show.went_live_at = utcnow()
    elif action == "end" and show.status == ShowStatus.LIVE:
        show.status = ShowStatus.ENDED
        show.ended_at = utcnow()
    elif (action, show.status) in (("live", ShowStatus.LIVE), ("end", ShowStatus.ENDED)):
        pass  # a double click: already done
    else:
        abort(409)
    db.session.commit()
    publish_show(show)
    if request.htmx:
        return render_block(CONSOLE, "header", show=show_or_404(show.id))
    return redirect(url_for("desk.console", show_id=show.id), 303)


def _call_form(show: Show, fresh: bool = False) -> CallForm:
    form = CallForm(formdata=None) if fresh else CallForm()
    form.department.choices = department_choices(show, _("— not routed yet —"))
    form.deputy.choices = deputy_choices(show)
    return form


def _console(show: Show, form: CallForm | None = None, status: int = 200):
    form = form or _call_form(show)
    return page_or_block(CONSOLE, "live", show=show, form=form), status


@bp.route("/shows/<int:show_id>")
@roles_required(*DESK)
def console(show_id: int):
    return _console(show_or_404(show_id))


@bp.route("/shows/<int:show_id>/calls", methods=["POST"])
@roles_required(*DESK)
def log_call(show_id: int):
    show = show_or_404(show_id)
    form = _call_form(show)
    if not form.validate_on_submit():
        if request.htmx:
            return render_block(CONSOLE, "call_form", show=show, form=form), 422
        return _console(show, form, 422)
    existing = db.session.scalar(select(Call).where(Call.idempotency_key == form.idem.data))
    if existing is None:
        call = calls.log_call(
            show,
            topic=form.topic.data,
            area=form.area.data or "",
            category=form.category.data or "",
            department_id=form.department.data,
            deputy_id=form.deputy.data,
            caller_name=form.caller_name.data or "",
            caller_phone=form.caller_phone.data or "",
            callback=form.callback.data,
            actor=current_user,
            key=form.idem.data,
        )
        db.session.commit()
        publish_call(call, new=True)
    if request.htmx:
        # A fresh form, and the whole call list (not an insert), so the result is
        # the same whether the pushed row arrives before or after this response.
        show = show_or_404(show_id)
        return render_block(
            CONSOLE, "call_form", show=show, form=_call_form(show, fresh=True)
        ) + render_block(CONSOLE, "calls", show=show, oob=True)
    flash(_("Call logged."), "success")
    return redirect(url_for("desk.console", show_id=show.id), 303)


# --- one call: record the outcome (moderator or the routed department) -----------


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
    show = call.show
    for form in (commit, refer, correct):
        form.department.choices = department_choices(
            show, _("— not routed yet —") if form is correct else None
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
    }


def _editor(call: Call, forms: dict | None = None, status: int = 200, **extra):
    forms = forms or _editor_forms(call)
    return page_or_block(
        CALL_PAGE,
        "editor",
        call=call,
        forms=forms,
        contact=caller_contact_for(call),
        may_correct=current_user.role in DESK,
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
    """Someone saved this call meanwhile: show their version beside the user's text."""
    db.session.rollback()
    call = call_or_404(call.id)
    forms[name].version.data = call.version
    return _editor(call, forms, 409, conflict=name, mine=mine)


@bp.route("/calls/<int:call_id>")
@roles_required(*ANYONE)
def call(call_id: int):
    return _editor(call_or_404(call_id))


@bp.route("/calls/<int:call_id>/answer", methods=["POST"])
@roles_required(*ANYONE)
def answer(call_id: int):
    call = call_or_404(call_id)
    forms = _editor_forms(call, "answer")
    form = forms["answer"]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    if calls.already_done(form.idem.data):
        return _after_change(call, _("Answer saved."))
    try:
        calls.answer_call(
            call,
            text=form.answer_text.data,
            answered_by=form.answered_by.data,
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )
    except VersionConflict:
        return _conflict(call, forms, "answer", {"text": form.answer_text.data})
    db.session.commit()
    publish_call(call)
    return _after_change(call, _("Answer saved."))


@bp.route("/calls/<int:call_id>/commit", methods=["POST"])
@roles_required(*ANYONE)
def commit(call_id: int):
    call = call_or_404(call_id)
    forms = _editor_forms(call, "commit")
    form = forms["commit"]
    valid = form.validate_on_submit()
    deadline = form.check_deadline(today()) if valid else None
    if current_user.role == Role.LIAISON and form.department.data != current_user.department_id:
        form.department.errors = [_("You can commit only for your own department.")]
        deadline = None
    if deadline is None:
        return _editor(call, forms, 422)
    if db.session.scalar(select(Commitment).where(Commitment.idempotency_key == form.idem.data)):
        return _after_change(call, _("Commitment saved."))
    item = create_commitment(
        call,
        department_id=form.department.data,
        pledge=form.pledge.data,
        official_name=form.official_name.data,
        official_title=form.official_title.data or "",
        deadline=deadline,
        actor=current_user,
        key=form.idem.data,
    )
    calls.record(call, "committed", current_user, {"deadline": deadline.isoformat()})
    db.session.commit()
    board.publish_commitment(item, new=True)
    publish_call(call)
    return _after_change(call, _("Commitment saved."))


@bp.route("/calls/<int:call_id>/refer", methods=["POST"])
@roles_required(*ANYONE)
def refer(call_id: int):
    call = call_or_404(call_id)
    forms = _editor_forms(call, "refer")
    form = forms["refer"]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    if calls.already_done(form.idem.data):
        return _after_change(call, _("Referral saved."))
    if current_user.role == Role.LIAISON and form.department.data != current_user.department_id:
        form.department.errors = [_("You can refer only within your own department.")]
        return _editor(call, forms, 422)
    old_department = call.department_id
    try:
        calls.refer_call(
            call,
            department_id=form.department.data,
            note=form.note.data or "",
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )
    except VersionConflict:
        return _conflict(call, forms, "refer", {"text": form.note.data})
    db.session.commit()
    publish_call(call, old_department_id=old_department)
    return _after_change(call, _("Referral saved."))


@bp.route("/calls/<int:call_id>/placard", methods=["POST"])
@roles_required(*DESK)
def placard(call_id: int):
    call = call_or_404(call_id)
    forms = _editor_forms(call, "placard")
    form = forms["placard"]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    if calls.already_done(form.idem.data):
        return _after_change(call, _("Placard vote saved."))
    try:
        calls.record_placard(
            call,
            satisfied=form.satisfied.data,
            basic=form.basic.data,
            dissatisfied=form.dissatisfied.data,
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )
    except VersionConflict:
        mine = {"text": f"{form.satisfied.data} / {form.basic.data} / {form.dissatisfied.data}"}
        return _conflict(call, forms, "placard", mine)
    db.session.commit()
    publish_call(call)
    return _after_change(call, _("Placard vote saved."))


@bp.route("/calls/<int:call_id>/correct", methods=["POST"])
@roles_required(*DESK)
def correct(call_id: int):
    call = call_or_404(call_id)
    forms = _editor_forms(call, "correct")
    form = forms["correct"]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    if calls.already_done(form.idem.data):
        return _after_change(call, _("Correction saved."))
    old_department = call.department_id
    changes = {
        "topic": form.topic.data,
        "area": form.area.data or "",
        "category": form.category.data or "",
        "department_id": form.department.data,
        "deputy_id": form.deputy.data,
    }
    try:
        calls.correct_call(
            call, changes, version=form.version.data, actor=current_user, key=form.idem.data
        )
    except VersionConflict:
        return _conflict(call, forms, "correct", {"text": form.topic.data})
    db.session.commit()
    publish_call(call, old_department_id=old_department)
    return _after_change(call, _("Correction saved."))


@bp.route("/commitments/<int:commitment_id>/correct", methods=["GET", "POST"])
@roles_required(*DESK)
def correct_commitment_view(commitment_id: int):
    item = db.session.get(Commitment, commitment_id) or abort(404)
    form = CorrectCommitmentForm()
    if request.method == "GET":
        form.pledge.data, form.official_name.data = item.pledge, item.official_name
        form.official_title.data, form.deadline.data = item.official_title, item.deadline
        form.version.data = item.version
    conflict = None
    if form.validate_on_submit():
        changes = {
            "pledge": form.pledge.data,
            "official_name": form.official_name.data,
            "official_title": form.official_title.data or "",
            "deadline": form.deadline.data,
        }
        try:
            correct_commitment(item, changes, version=form.version.data, actor=current_user)
        except VersionConflict:
            db.session.rollback()
            item = db.session.get(Commitment, commitment_id)
            conflict = {"text": form.pledge.data}
            form.version.data = item.version
        except ValueError:
            form.deadline.errors = [_("An extended deadline changes only through an extension.")]
        else:
            db.session.commit()
            board.publish_commitment(item)
            flash(_("Correction saved; it is shown on the public timeline."), "success")
            return redirect(url_for("desk.call", call_id=item.call_id), 303)
    status = 409 if conflict else (422 if form.errors else 200)
    return page_or_block(
        "desk/correct_commitment.html", "form", form=form, item=item, conflict=conflict
    ), status


# --- the department liaison's console ---------------------------------------------


def department_calls(department_id: int) -> list[Call]:
    """Calls routed to the department in a live show, and any still waiting for it."""
    return list(
        db.session.scalars(
            select(Call)
            .join(Show)
            .options(selectinload(Call.commitments), selectinload(Call.show))
            .where(
                Call.department_id == department_id,
                (Show.status == ShowStatus.LIVE) | (Call.outcome == Outcome.PENDING),
            )
            .order_by(Call.received_at.desc(), Call.id.desc())
            .limit(200)
        )
    )


@bp.route("/department")
@roles_required(Role.LIAISON)
def department():
    dept = db.session.get(Department, current_user.department_id)
    if dept is None:
        abort(404)
    return page_or_block(DEPARTMENT_PAGE, "live", department=dept, calls=department_calls(dept.id))
