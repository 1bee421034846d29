"""The moderator's shows: schedule, edit, go live / end, the live console and
logging calls on it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..access import roles_required
from ..actions import desk as actions
from ..changes import onair
from ..clock import local_to_utc, to_local, today
from ..extensions import db
from ..forms.staff import CallForm, ShowForm, new_key
from ..labels import reference_code_notice, show_status_label
from ..models import Department, Deputy, Show, ShowStatus, utcnow
from ..queries.cue import cue_panel
from ..queries.desk import active_departments, active_deputies, desk_shows, queued_questions
from ..queries.onair import on_air_card
from ..queries.shows import calls_count, show_with_panel
from ..queries.topics import desk_summary
from ..realtime import cue as cue_push
from ..realtime import live, pushes
from ..web import is_fragment_request, page_or_block, render_block, render_stamped
from . import bp
from .helpers import (
    CONSOLE,
    DESK,
    REFCODES,
    department_choices,
    deputy_choices,
    page_pickers,
    show_or_404,
)


@bp.route("/")
@roles_required(*DESK)
def index():
    return page_or_block("desk/index.html", "shows", shows=desk_shows())


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


def _show_by_key(key: str) -> Show | None:
    return db.session.scalar(select(Show).where(Show.idempotency_key == key))


@bp.route("/shows/new", methods=["GET", "POST"])
@roles_required(*DESK)
def new_show():
    form = _show_form(None)
    if form.validate_on_submit():
        key = form.idem.data

        def schedule() -> None:
            show = Show(status=ShowStatus.SCHEDULED, idempotency_key=key)
            _apply_show_form(show, form)
            db.session.add(show)

        # A double click or a retry schedules it once.
        actions.save_new(lambda: _show_by_key(key) is not None, schedule, tries=1)
        show = _show_by_key(key)
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
        onair.clear(show.id, current_user)  # the broadcast is over: the overlay empties
    elif (action, show.status) in (("live", ShowStatus.LIVE), ("end", ShowStatus.ENDED)):
        pass  # a double click: already done
    else:
        # E.g. "go live" on an ended show from a stale console: show the truth.
        if request.htmx:
            return render_block(CONSOLE, "header", show=show), 409
        flash(_("The show is already %(status)s.", status=show_status_label(show.status)), "error")
        return redirect(url_for("desk.console", show_id=show.id), 303)
    db.session.commit()
    pushes.show_status_changed(show)
    if show.status == ShowStatus.ENDED:
        cue_push.program_changed(show)
    if request.htmx:
        # The whole console changes with the status (call form, on-air banner):
        # reload it rather than patch pieces.
        return "", 200, {"HX-Refresh": "true"}
    return redirect(url_for("desk.console", show_id=show.id), 303)


def _call_form(show: Show, fresh: bool = False, like: CallForm | None = None) -> CallForm:
    """The call form; `like`: a form of this request whose choices it reuses."""
    form = CallForm(formdata=None) if fresh else CallForm()
    if like is not None:
        form.department.choices, form.deputy.choices = like.department.choices, like.deputy.choices
        return form
    form.department.choices = department_choices(show, _("— not routed yet —"))
    form.deputy.choices = deputy_choices(show)
    return form


def _blank_call_form(show: Show, like: CallForm):
    """A fresh call form (`like`: a form of this request, for its choices): the
    same HTML for every desk on the show but for the session's CSRF token and
    the form's one-time key, so rendered once per locale and choices and
    stamped with those (web.render_stamped)."""

    def choices(field) -> tuple:
        return tuple((c.value, str(c.label), c.optgroup) for c in field.choices)

    key = new_key()

    def context() -> dict:
        form = _call_form(show, fresh=True, like=like)
        form.idem.data = key
        return {"show": show, "form": form}

    shape = (show.id, show.status, choices(like.department), choices(like.deputy))
    stamps = {"csrf": generate_csrf(), "idem": key}
    return render_stamped(CONSOLE, "call_form_body", shape, stamps, context)


def _console(show: Show, form: CallForm | None = None, status: int = 200):
    form = form or _call_form(show)
    return page_or_block(
        CONSOLE,
        "live",
        show=show,
        form=form,
        questions=queued_questions(show),
        card=on_air_card(show, today()),  # the on-air block (desk/_on_air.html)
        **({} if is_fragment_request() else cue_panel(show)),  # desk/_cue.html
        # The topics box sits outside the live block an htmx request gets.
        topics=None if is_fragment_request() else desk_summary(show),
        pickers=page_pickers(),
    ), status


@bp.route("/shows/<int:show_id>")
@roles_required(*DESK)
def console(show_id: int):
    live.pin(f"show:{show_id}", live.STAFF)  # before the show is read: see live.pin
    return _console(show_or_404(show_id))


@bp.route("/shows/<int:show_id>/header")
@roles_required(*DESK)
def show_header(show_id: int):
    """The console's header on its own, for live.js to refetch after a gap."""
    return render_block(CONSOLE, "header", show=show_or_404(show_id))


@bp.route("/shows/<int:show_id>/call-form")
@roles_required(*DESK)
def call_form(show_id: int):
    """This desk's own call form (a fresh one-time key), e.g. after the show went live."""
    show = show_or_404(show_id)
    return render_block(CONSOLE, "call_form", show=show, form=_call_form(show, fresh=True))


def _call_form_again(show_id: int, show: Show, form: CallForm, status: int):
    """The call form back as typed, with its errors: the form's block for
    htmx (`show` loaded with its panel), the whole console otherwise."""
    if request.htmx:
        return render_block(CONSOLE, "call_form", show=show, form=form), status
    return _console(show_or_404(show_id), form, status)


@bp.route("/shows/<int:show_id>/calls", methods=["POST"])
@roles_required(*DESK)
def log_call(show_id: int):
    # Validation needs the status and the panel (the form's choices), not the calls.
    show = show_with_panel(show_id) or abort(404)
    form = _call_form(show)
    if not show.is_live:
        # Calls are logged on air; a stale console must not add to another show.
        form.topic.errors = [
            _("The show is not live: take it live to log calls.")
            if show.status == ShowStatus.SCHEDULED
            else _("The show has ended: no more calls can be logged.")
        ]
        return _call_form_again(show_id, show, form, 409)
    if not form.validate_on_submit():
        return _call_form_again(show_id, show, form, 422)

    # The request's objects stay loaded through the commit (actions.log_call):
    # the pushes and the answer below render the show, its panel and the new
    # call as this request wrote them; only the show's calls are read again.
    outcome, call, with_calls = actions.log_call(show, form, actor=current_user)
    if outcome == actions.KEY_REUSED:
        abort(400)
    if outcome == actions.CONFLICT:
        # Other desks took every number tried meanwhile: nothing was saved,
        # and the form comes back as typed (its key unspent) to send again.
        form.topic.errors = [
            _(
                "Other desks logged calls at the same moment, so this one was not saved. "
                "Your text is kept: log it again."
            )
        ]
        return _call_form_again(show_id, show_with_panel(show_id) or abort(404), form, 409)
    issued = None
    if outcome == actions.SAVED and call.reference_code:
        issued = {"number": call.number, "code": call.reference_code, "topic": call.topic}
    if request.htmx:
        # A fresh form, the new row and the count; not the whole list. The row
        # goes where the pushed copy goes: whichever arrives second replaces
        # the first (live.js), so one row shows, in either order.
        # The reference code is in this response only (never pushed, never
        # stored): out of band, into the desk's one box of codes.
        answer = _blank_call_form(show, form)
        if issued:
            answer = render_block(REFCODES, "issued", issued=issued) + answer
        if outcome != actions.SAVED:  # a repeated submission (its answer was lost?): the list
            return answer + render_block(CONSOLE, "calls", show=with_calls(), oob=True)
        # The heading's count: from the calls if a push read them, else one COUNT
        # (a show's hundreds of calls are not loaded for a number).
        count = len(with_calls().calls) if with_calls.read else calls_count(show_id)
        return answer + render_block(
            CONSOLE, "call_logged", show=show, call=call, calls_count=count, heading_oob=True
        )
    message = _("Call logged.")
    if issued:  # one message: the code belongs with the call just logged
        address = url_for("public.track_form", _external=True)
        message += " " + reference_code_notice(issued["number"], issued["code"], address)
    flash(message, "success")
    return redirect(url_for("desk.console", show_id=show_id), 303)
