"""Cue → preview → take on the desk: cue an item (a call, a commitment, an
earlier promise, a 回音壁 item, a topic, a name super, the totals, the QR bug),
preview it (the preview renderer, /shows/<id>/preview, in the console and in
OBS), take it to program with one key (F8; F9 takes the next cued item;
Shift+F8 clears all), lock the running order for the show, and edit the
panel's name supers (人名条) before it. Every desk on the show hears each
change (realtime/cue.py); the cycle is actions/cue.py's, shared with the API."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles_required
from ..actions import cue as actions
from ..clock import today
from ..forms.cue import SuperForm
from ..queries.cue import cue_item, cue_panel, name_super, supers
from ..queries.onair import on_air_card
from ..rules import cue as rules
from ..web import render_block
from . import bp
from .helpers import DESK, show_or_404

CUE = "desk/_cue.html"
SUPERS = "desk/supers.html"
ON_AIR = "desk/_on_air.html"


def _panel(show, status: int = 200, oob: bool = False, on_air: bool = False):
    """The cue panel; with `on_air`, the console's on-air block too (out of
    band): the answer carries the room's number after the change, so live.js
    takes the change's pushes to this desk as seen, the on-air block's too."""
    html = render_block(CUE, "cue", show=show, oob=oob, **cue_panel(show))
    if on_air:
        block = render_block(ON_AIR, "on_air", show=show, card=on_air_card(show, today()))
        html += block.replace('<section id="on-air"', '<section id="on-air" hx-swap-oob="true"', 1)
    return html, status


def _answer(show, outcome: actions.Outcome, done_message: str, program: bool = False):
    """The cue panel for htmx (409 when refused), else back to the console."""
    refused = {
        actions.ENDED: _("The show has ended: nothing more goes on air."),
        actions.LOCKED: _("The running order is locked: unlock it first."),
        actions.EMPTY: _("Nothing cued to take."),
    }.get(outcome.refused)
    if request.htmx:
        return _panel(show_or_404(show.id), 409 if refused else 200, on_air=program)
    flash(refused or done_message, "error" if refused else "success")
    return redirect(url_for("desk.console", show_id=show.id) + "#cue", 303)


@bp.route("/shows/<int:show_id>/cue")
@roles_required(*DESK)
def cue_panel_block(show_id: int):
    """The cue panel on its own: live.js refetches it after a gap, and the
    desk asks for it at an auto-out's deadline (static/cue.js), which clears
    what has gone for every desk and overlay (actions.sweep). The on-air
    block comes with it, swept here or not: every desk asks at the same
    deadline, and the one that did not sweep learns the room's number from
    this answer, so live.js takes the sweeper's on-air push as seen."""
    show = show_or_404(show_id)
    actions.sweep(show)
    return _panel(show_or_404(show_id), on_air=True)


@bp.route("/shows/<int:show_id>/cue", methods=["POST"])
@roles_required(*DESK)
def cue_add(show_id: int):
    show = show_or_404(show_id)
    kind = request.form.get("kind", "")
    raw = request.form.get("item", "")
    if kind not in rules.KINDS or (kind not in rules.WITHOUT_ITEM and not raw.isdigit()):
        abort(400)
    item_id = int(raw) if raw.isdigit() else None
    if not actions.belongs(show, kind, item_id):
        abort(404)
    actions.add(show, kind, item_id, current_user)
    if request.htmx:  # the cue panel, wherever the button was (out of band)
        return _panel(show_or_404(show_id), oob=True)
    flash(_("Cued."), "success")
    back = request.form.get("back")
    if back == "rundown":
        return redirect(url_for("public.rundown_page", show_id=show_id), 303)
    if back == "dossier":
        return redirect(url_for("desk.dossier_page", show_id=show_id), 303)
    return redirect(url_for("desk.console", show_id=show_id) + "#cue", 303)


def _item_or_404(show_id: int, item_id: int):
    item = cue_item(show_id, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/shows/<int:show_id>/cue/<int:item_id>/preview", methods=["POST"])
@roles_required(*DESK)
def cue_preview(show_id: int, item_id: int):
    show = show_or_404(show_id)
    outcome = actions.preview(show, _item_or_404(show_id, item_id))
    return _answer(show, outcome, _("In preview."))


@bp.route("/shows/<int:show_id>/cue/<int:item_id>/move", methods=["POST"])
@roles_required(*DESK)
def cue_move(show_id: int, item_id: int):
    show = show_or_404(show_id)
    step = -1 if request.form.get("step") == "up" else 1
    outcome = actions.move(show, _item_or_404(show_id, item_id), step)
    return _answer(show, outcome, _("Moved."))


@bp.route("/shows/<int:show_id>/cue/<int:item_id>/remove", methods=["POST"])
@roles_required(*DESK)
def cue_remove(show_id: int, item_id: int):
    show = show_or_404(show_id)
    outcome = actions.remove(show, _item_or_404(show_id, item_id))
    return _answer(show, outcome, _("Removed from the cue."))


@bp.route("/shows/<int:show_id>/cue/take", methods=["POST"])
@roles_required(*DESK)
def cue_take(show_id: int):
    show = show_or_404(show_id)
    return _answer(show, actions.take(show, current_user), _("Taken to program."), program=True)


@bp.route("/shows/<int:show_id>/cue/next", methods=["POST"])
@roles_required(*DESK)
def cue_next(show_id: int):
    show = show_or_404(show_id)
    return _answer(
        show, actions.take_next(show, current_user), _("Taken to program."), program=True
    )


@bp.route("/shows/<int:show_id>/cue/clear", methods=["POST"])
@roles_required(*DESK)
def cue_clear(show_id: int):
    show = show_or_404(show_id)
    return _answer(
        show,
        actions.clear_all(show, current_user),
        _("Program and preview are clear."),
        program=True,
    )


@bp.route("/shows/<int:show_id>/cue/bug-off", methods=["POST"])
@roles_required(*DESK)
def cue_bug_off(show_id: int):
    show = show_or_404(show_id)
    return _answer(show, actions.bug_off(show), _("The QR code is off."), program=True)


@bp.route("/shows/<int:show_id>/cue/lock", methods=["POST"])
@roles_required(*DESK)
def cue_lock(show_id: int):
    show = show_or_404(show_id)
    if request.form.get("lock") == "off":
        # Deliberate: the form's box is ticked (and the desk asked to confirm).
        if request.form.get("confirm") != "yes":
            if request.htmx:
                return _panel(show, 422)
            flash(_("Tick the box to unlock the running order."), "error")
            return redirect(url_for("desk.console", show_id=show_id) + "#cue", 303)
        return _answer(show, actions.lock(show, current_user, False), _("Running order unlocked."))
    return _answer(show, actions.lock(show, current_user, True), _("Running order locked."))


# --- name supers (人名条), before the show -------------------------------------------


def _supers_page(show, form=None, editing=None, status: int = 200):
    return (
        render_template(
            SUPERS, show=show, supers=supers(show.id), form=form or SuperForm(), editing=editing
        ),
        status,
    )


@bp.route("/shows/<int:show_id>/supers")
@roles_required(*DESK)
def supers_page(show_id: int):
    show = show_or_404(show_id)
    editing = name_super(show_id, request.args.get("edit", type=int))
    form = SuperForm(obj=editing) if editing else SuperForm(formdata=None)
    return _supers_page(show, form, editing)


@bp.route("/shows/<int:show_id>/supers/fill", methods=["POST"])
@roles_required(*DESK)
def supers_fill(show_id: int):
    show = show_or_404(show_id)
    added = actions.fill_supers(show)
    flash(_("Name supers added from the panel: %(num)d.", num=added), "success")
    return redirect(url_for("desk.supers_page", show_id=show_id), 303)


@bp.route("/shows/<int:show_id>/supers", methods=["POST"])
@bp.route("/shows/<int:show_id>/supers/<int:super_id>", methods=["POST"])
@roles_required(*DESK)
def supers_save(show_id: int, super_id: int | None = None):
    show = show_or_404(show_id)
    found = name_super(show_id, super_id) if super_id else None
    if super_id and found is None:
        abort(404)
    form = SuperForm()
    if not form.validate():
        return _supers_page(show, form, found, 422)
    actions.save_super(show, found, form.name.data, form.line.data or "")
    flash(_("Name super saved."), "success")
    return redirect(url_for("desk.supers_page", show_id=show_id), 303)


@bp.route("/shows/<int:show_id>/supers/<int:super_id>/delete", methods=["POST"])
@roles_required(*DESK)
def supers_delete(show_id: int, super_id: int):
    show = show_or_404(show_id)
    found = name_super(show_id, super_id)
    if found is None:
        abort(404)
    if actions.delete_super(show, found).refused == actions.LOCKED:
        flash(_("The running order is locked: unlock it first."), "error")
        return redirect(url_for("desk.supers_page", show_id=show_id), 303)
    flash(_("Name super deleted."), "success")
    return redirect(url_for("desk.supers_page", show_id=show_id), 303)
