"""The live desk: moderators schedule and run shows and log calls; department
liaisons answer or commit for their own department, in real time.

Every form works without JavaScript (post, then redirect); with htmx the same
URL returns just the changed block. Each change is pushed to the other consoles
and the public pages after it commits.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from . import board, calls, live
from .auth import not_found_for, roles_required
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
    Event,
    Outcome,
    Question,
    QuestionStatus,
    Role,
    Show,
    ShowStatus,
    utcnow,
)
from .web import local_to_utc, page_or_block, render_block, show_status_label, to_local, today

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
        not_found_for("call", call_id)  # another department's call: never "forbidden"
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


def publish_call(
    call: Call, *, new: bool = False, old_department_id: int | None = None, public: bool = True
):
    """Push a logged or changed call to the desk, the department and (unless the
    caller already did, as publish_commitment does) the public."""
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
    if public:
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
        key = form.idem.data
        show = db.session.scalar(select(Show).where(Show.idempotency_key == key))
        if show is None:  # not a double click or a retry
            show = Show(status=ShowStatus.SCHEDULED, idempotency_key=key)
            _apply_show_form(show, form)
            db.session.add(show)
            if _save() != "saved":
                show = db.session.scalar(select(Show).where(Show.idempotency_key == key))
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
        # E.g. "go live" on an ended show from a stale console: show the truth.
        if request.htmx:
            return render_block(CONSOLE, "header", show=show), 409
        flash(_("The show is already %(status)s.", status=show_status_label(show.status)), "error")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    db.session.commit()
    publish_show(show)
    if request.htmx:
        # The whole console changes with the status (call form, on-air banner):
        # reload it rather than patch pieces.
        return "", 200, {"HX-Refresh": "true"}
    return redirect(url_for("desk.console", show_id=show.id), 303)


def _call_form(show: Show, fresh: bool = False) -> CallForm:
    form = CallForm(formdata=None) if fresh else CallForm()
    form.department.choices = department_choices(show, _("— not routed yet —"))
    form.deputy.choices = deputy_choices(show)
    return form


def _console(show: Show, form: CallForm | None = None, status: int = 200):
    form = form or _call_form(show)
    return page_or_block(
        CONSOLE, "live", show=show, form=form, questions=queued_questions(show)
    ), status


@bp.route("/shows/<int:show_id>")
@roles_required(*DESK)
def console(show_id: int):
    return _console(show_or_404(show_id))


@bp.route("/shows/<int:show_id>/header")
@roles_required(*DESK)
def show_header(show_id: int):
    """The console's header on its own, for live.js to refetch after a gap."""
    return render_block(CONSOLE, "header", show=show_or_404(show_id))


@bp.route("/shows/<int:show_id>/calls", methods=["POST"])
@roles_required(*DESK)
def log_call(show_id: int):
    show = show_or_404(show_id)
    form = _call_form(show)
    if not show.is_live:
        # Calls are logged on air; a stale console must not add to another show.
        form.topic.errors = [
            _("The show is not live: take it live to log calls.")
            if show.status == ShowStatus.SCHEDULED
            else _("The show has ended: no more calls can be logged.")
        ]
        if request.htmx:
            return render_block(CONSOLE, "call_form", show=show, form=form), 409
        return _console(show, form, 409)
    if not form.validate_on_submit():
        if request.htmx:
            return render_block(CONSOLE, "call_form", show=show, form=form), 422
        return _console(show, form, 422)
    for _attempt in range(3):
        if db.session.scalar(select(Call.id).where(Call.idempotency_key == form.idem.data)):
            break  # a double click or a retry: that call is already logged
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
        try:
            db.session.commit()
        except IntegrityError:
            # Another desk took this call number (or the same key) a moment
            # ago: start again with the next number.
            db.session.rollback()
            show = show_or_404(show_id)
            continue
        publish_call(call, new=True)
        break
    else:
        abort(409)
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
    """Someone saved this call meanwhile: show their version beside the user's
    text. The other forms are rebuilt from the saved call."""
    db.session.rollback()
    call = call_or_404(call.id)
    submitted = forms[name]
    submitted.version.data = call.version
    forms = _editor_forms(call)
    forms[name] = submitted
    return _editor(call, forms, 409, conflict=name, mine=mine)


def _save() -> str:
    """Commit; "conflict" if a concurrent save won the race on the version,
    "duplicate" if a concurrent submit of the same form got there first."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return "conflict"
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    return "saved"


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


def _call_action(call_id: int, name: str, saved: str, apply, mine):
    """The one path every change to a call takes: validate, skip a repeated
    submission, apply, save (a lost race is a conflict, never an overwrite),
    push, respond. `apply(call, form)` returns False after putting an error on
    the form; `mine(form)` is the user's text to show beside a conflict."""
    call = call_or_404(call_id)
    forms = _editor_forms(call, name)
    form = forms[name]
    if not form.validate_on_submit():
        return _editor(call, forms, 422)
    if calls.already_done(form.idem.data):
        return _after_change(call, saved)
    old_department = call.department_id
    try:
        if apply(call, form) is False:
            db.session.rollback()
            return _editor(call_or_404(call_id), forms, 422)
    except VersionConflict:
        return _conflict(call, forms, name, mine(form))
    except calls.HasCommitments:
        return _refused(call, forms, name)
    outcome = _save()
    if outcome == "conflict":
        return _conflict(call, forms, name, mine(form))
    if outcome == "saved":
        publish_call(call, old_department_id=old_department)
        for item in call.commitments:  # their board rows and pages show the topic too
            board.publish_commitment(item)
    return _after_change(call, saved)


@bp.route("/calls/<int:call_id>/answer", methods=["POST"])
@roles_required(*ANYONE)
def answer(call_id: int):
    def apply(call, form):
        calls.answer_call(
            call,
            text=form.answer_text.data,
            answered_by=form.answered_by.data,
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )

    return _call_action(
        call_id, "answer", _("Answer saved."), apply, lambda f: {"text": f.answer_text.data}
    )


@bp.route("/calls/<int:call_id>/refer", methods=["POST"])
@roles_required(*ANYONE)
def refer(call_id: int):
    def apply(call, form):
        if current_user.role == Role.LIAISON and form.department.data != current_user.department_id:
            form.department.errors = [_("You can refer only within your own department.")]
            return False
        calls.refer_call(
            call,
            department_id=form.department.data,
            note=form.note.data or "",
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )

    return _call_action(
        call_id, "refer", _("Referral saved."), apply, lambda f: {"text": f.note.data}
    )


@bp.route("/calls/<int:call_id>/placard", methods=["POST"])
@roles_required(*DESK)
def placard(call_id: int):
    def apply(call, form):
        calls.record_placard(
            call,
            satisfied=form.satisfied.data,
            basic=form.basic.data,
            dissatisfied=form.dissatisfied.data,
            version=form.version.data,
            actor=current_user,
            key=form.idem.data,
        )

    def mine(form):
        return {"text": f"{form.satisfied.data} / {form.basic.data} / {form.dissatisfied.data}"}

    return _call_action(call_id, "placard", _("Placard vote saved."), apply, mine)


@bp.route("/calls/<int:call_id>/correct", methods=["POST"])
@roles_required(*DESK)
def correct(call_id: int):
    def apply(call, form):
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
    for _attempt in range(3):
        if db.session.scalar(
            select(Commitment.id).where(Commitment.idempotency_key == form.idem.data)
        ):
            break  # a double click or a retry: already made
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
        outcome = _save()
        if outcome == "saved":
            board.publish_commitment(item, new=True)  # pushes the public call row too
            publish_call(call, public=False)
            break
        # The call changed under us (another desk saved it): reload and add the
        # commitment to the saved call; a commitment never overwrites anything.
        call = call_or_404(call_id)
    return _after_change(call_or_404(call_id), _("Commitment saved."))


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
            outcome = _save()
        except VersionConflict:
            outcome = "conflict"
        except ValueError:
            db.session.rollback()
            form.deadline.errors = [
                _(
                    "The deadline can be corrected only on the day it was made, before any "
                    "follow-up. After that it changes only through an extension."
                )
            ]
            outcome = "refused"
        if outcome == "conflict":
            db.session.rollback()
            item = db.session.get(Commitment, commitment_id)
            conflict = {"text": form.pledge.data}
            form.version.data = item.version
        elif outcome != "refused":
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


# --- citizens' questions: the moderator's queue --------------------------------------


def queued_questions(show: Show) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.show_id == show.id, Question.status == QuestionStatus.QUEUED)
            .order_by(Question.created_at, Question.id)
        )
    )


def publish_questions(show: Show) -> None:
    """The queue changed: every desk watching the show sees it. (The block shows
    no names or phones: those stay in the database until the call is logged.)"""
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target="#questions",
        swap="outerHTML",
        render=lambda: render_block(
            CONSOLE, "questions", show=show, questions=queued_questions(show)
        ),
    )


def question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/questions/<int:question_id>/air", methods=["POST"])
@roles_required(*DESK)
def air_question(question_id: int):
    """Put a citizen's question on air: it becomes the next call, with the
    sender's name and phone kept private like a caller's."""
    question = question_or_404(question_id)
    show = show_or_404(question.show_id)
    if question.status != QuestionStatus.QUEUED:
        flash(_("This question was already handled."), "info")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    if not show.is_live:
        flash(_("The show is not live: take it live to log calls."), "error")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    call = calls.log_call(
        show,
        topic=question.text[:500],
        area=question.area,
        caller_name=question.name,
        caller_phone=question.phone,
        actor=current_user,
        key=f"question-{question.id}",
    )
    question.status = QuestionStatus.AIRED
    question.call = call
    if _save() != "saved":
        flash(_("This question was already handled."), "info")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    publish_call(call, new=True)
    publish_questions(show)
    flash(_("The question is on air as call #%(n)d.", n=call.number), "success")
    return redirect(url_for("desk.console", show_id=show.id), 303)


@bp.route("/questions/<int:question_id>/decline", methods=["POST"])
@roles_required(*DESK)
def decline_question(question_id: int):
    question = question_or_404(question_id)
    if question.status == QuestionStatus.QUEUED:
        question.status = QuestionStatus.DECLINED
        db.session.commit()
        publish_questions(show_or_404(question.show_id))
    return redirect(url_for("desk.console", show_id=question.show_id), 303)
