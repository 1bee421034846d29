"""The crew's back channel (节目组留言): during a show, the moderators, the
director, the office and the liaisons of the panel's departments send each
other short private notes, live; a note from the desk may be a cue card that
the host sees in big type on the console (the overlay never shows it).

The console (desk/console.html) and the liaison's page (desk/department.html)
each include templates/desk/_crew.html, which asks `crew_view()` for what the
signed-in account may read (queries/crew.py scopes it). Notes reach the other
consoles through realtime/crew.py, on staff rooms only.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import not_found_for, roles_required
from ..actions import desk as actions
from ..changes import crew as changes
from ..extensions import db
from ..forms.crew import CrewNoteForm
from ..models import Role, Show, ShowStatus
from ..queries import crew as queries
from ..realtime import crew as pushes
from ..realtime import live
from ..throttle import account_wait, minutes
from ..web import render_block
from . import bp
from .helpers import ANYONE, DESK

CREW = "desk/_crew.html"


class Channel(NamedTuple):
    """One show's notes as one account sees them."""

    show: Show
    notes: list
    cue: object  # the host's cue card (the desk's view), or None
    form: CrewNoteForm | None  # None once the show has ended: the record, read only
    desk: bool  # the desk's view: the cue card and the cue-card box


class View(NamedTuple):
    """The crew's region on a page: its room, where to refetch it, its shows."""

    room: str
    refetch: str
    channels: list[Channel]


def _form(show: Show, posted: bool = False) -> CrewNoteForm:
    """The note form, blank or as posted. A prefix per show: the liaison's
    page holds a form for each of their shows."""
    if posted:
        return CrewNoteForm(prefix=f"crew{show.id}")
    return CrewNoteForm(formdata=None, prefix=f"crew{show.id}")


def _channel(show: Show, form: CrewNoteForm | None = None) -> Channel:
    desk = current_user.role in DESK
    ended = show.status == ShowStatus.ENDED
    return Channel(
        show=show,
        notes=queries.notes(current_user, show.id),
        cue=queries.cue_card(show) if desk else None,
        form=None if ended else (form or _form(show)),
        desk=desk,
    )


def crew_view(show: Show | None = None) -> View | None:
    """What the signed-in account may read: one show's notes on the desk's
    console, or the liaison's shows on their console; None if nothing."""
    user = current_user
    if not user.is_authenticated:
        return None
    if user.role in DESK:
        if show is None or queries.crew_show(user, show.id) is None:
            return None
        room, refetch = f"show:{show.id}", url_for("desk.crew_region", show_id=show.id)
        shows = [show]
    elif user.role == Role.LIAISON:
        room, refetch = f"department:{user.department_id}", url_for("desk.department_crew")
        shows = queries.liaison_shows(user)
    else:
        return None
    live.pin(room, live.STAFF)  # before the notes are read: see live.pin
    return View(room, refetch, [_channel(s) for s in shows])


@bp.context_processor
def _crew_helpers() -> dict:
    return {"crew_view": crew_view}


def _show_or_404(show_id: int) -> Show:
    show = queries.crew_show(current_user, show_id)
    if show is None:
        not_found_for("show", show_id)  # not on this show's crew: never "forbidden"
    return show


def _region(view: View | None):
    if view is None:
        abort(404)
    return render_block(CREW, "crew_region", crew=view)


@bp.route("/shows/<int:show_id>/crew")
@roles_required(*DESK)
def crew_region(show_id: int):
    """The console's crew region on its own, for live.js to refetch after a gap."""
    return _region(crew_view(_show_or_404(show_id)))


@bp.route("/department/crew")
@roles_required(Role.LIAISON)
def department_crew():
    """The liaison's crew region on its own (their panel shows), for live.js."""
    return _region(crew_view())


def _back(show: Show):
    if current_user.role in DESK:
        return redirect(url_for("desk.console", show_id=show.id) + f"#crew-{show.id}", 303)
    return redirect(url_for("desk.department") + f"#crew-{show.id}", 303)


def _form_again(show: Show, form: CrewNoteForm, status: int, headers=None):
    """The form back as typed, with its error (htmx); else a message and the page."""
    if request.htmx:
        block = render_block(CREW, "crew_form", ch=_channel(show, form))
        return block, status, headers or {}
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return _back(show)


@bp.route("/shows/<int:show_id>/crew", methods=["POST"])
@roles_required(*ANYONE)
def crew_post(show_id: int):
    """A note to the show's crew: saved once (its one-time key), pushed to
    every desk on the show and every panel liaison, answered with a fresh form
    and the note at the top of the list."""
    show = _show_or_404(show_id)
    form = _form(show, posted=True)
    if show.status == ShowStatus.ENDED:
        form.note.errors = [_("The show has ended: its notes are kept as they are.")]
        return _form_again(show, form, 409)
    if not form.validate_on_submit():
        return _form_again(show, form, 422)
    wait = account_wait("crew", str(current_user.id), "HOTLINE_CREW_LIMIT", "20 per minute")
    if wait:
        form.note.errors = [
            ngettext(
                "Too many notes just now: send this one again in %(num)d minute.",
                "Too many notes just now: send this one again in %(num)d minutes.",
                minutes(wait),
            )
        ]
        return _form_again(show, form, 429, {"Retry-After": str(wait)})
    key = form.idem.data
    outcome, note = actions.save_new(
        lambda: queries.note_by_key(key) is not None,
        lambda: changes.post(show, current_user, form.note.data, cue=form.cue.data, key=key),
        tries=1,
    )
    if outcome == actions.SAVED:
        pushes.note_posted(note.id)
    note = queries.note_by_key(key)
    if note is None or note.show_id != show.id:
        abort(400)  # the key was spent on another show's note
    if request.htmx:
        fresh = render_block(CREW, "crew_form", ch=_channel(show), focus=True)
        return fresh + render_block(CREW, "crew_sent", note=note)
    return _back(show)


@bp.route("/shows/<int:show_id>/crew/cue-done", methods=["POST"])
@roles_required(*DESK)
def crew_cue_done(show_id: int):
    """The host has read the cue card: it leaves the card on every desk."""
    show = _show_or_404(show_id)
    try:
        note_id = int(request.form.get("note", ""))
    except ValueError:
        abort(400)
    note = queries.note(current_user, show.id, note_id)
    if note is None:
        not_found_for("crew note", note_id)
    if changes.cue_done(note, current_user):
        db.session.commit()
        pushes.cue_taken_down(note_id)
    if request.htmx:
        ch = {"show": show, "cue": queries.cue_card(show), "desk": True}
        return render_block(CREW, "crew_cue", ch=ch)
    return _back(show)
