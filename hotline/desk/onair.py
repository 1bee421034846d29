"""On air: the moderator puts a call, a commitment or a 回音壁 item on the
broadcast overlay, or clears it, and records the placard vote on a result
(举牌评效果) in the follow-up segment. Every desk on the show and the overlay
hear it at once, with the cue panel's PGM marks (cue.program_changed)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..actions import desk as actions
from ..changes import onair
from ..changes.commitments import record_result_vote
from ..clock import today
from ..extensions import db
from ..forms.staff import ResultVoteForm
from ..models import Commitment, Event, OnAirKind, ShowStatus
from ..queries.onair import belongs_on_air, on_air_card
from ..queries.rundown import in_rundown
from ..realtime import cue as cue_push
from ..realtime import pushes
from ..web import render_block
from . import bp
from .helpers import DESK, show_or_404

ON_AIR = "desk/_on_air.html"


def _back(show_id: int):
    if request.form.get("back") == "rundown":
        return redirect(url_for("public.rundown_page", show_id=show_id), 303)
    if request.form.get("back") == "dossier":
        return redirect(url_for("desk.dossier_page", show_id=show_id), 303)
    return redirect(url_for("desk.console", show_id=show_id), 303)


def _on_air_block(show, status: int = 200):
    card = on_air_card(show, today())
    return render_block(ON_AIR, "on_air", show=show, card=card), status


@bp.route("/shows/<int:show_id>/on-air")
@roles_required(*DESK)
def on_air(show_id: int):
    """The console's on-air block on its own, for live.js to refetch after a gap."""
    return _on_air_block(show_or_404(show_id))


@bp.route("/shows/<int:show_id>/on-air", methods=["POST"])
@roles_required(*DESK)
def put_on_air(show_id: int):
    show = show_or_404(show_id)
    try:
        kind = OnAirKind(request.form.get("kind", ""))
        item_id = int(request.form.get("item", ""))
    except ValueError:
        abort(400)
    if not belongs_on_air(show, kind, item_id, today()):
        abort(404)
    if show.status == ShowStatus.ENDED:
        if request.htmx:
            return _on_air_block(show, 409)
        flash(_("The show has ended: nothing more goes on air."), "error")
        return _back(show_id)
    onair.put_on_air(show.id, kind, item_id, current_user)
    db.session.commit()
    cue_push.program_changed(show)
    if request.htmx:
        return _on_air_block(show_or_404(show_id))
    flash(_("On air now."), "success")
    return _back(show_id)


@bp.route("/shows/<int:show_id>/on-air/clear", methods=["POST"])
@roles_required(*DESK)
def clear_on_air(show_id: int):
    show = show_or_404(show_id)
    onair.clear(show.id, current_user)
    db.session.commit()
    cue_push.program_changed(show)
    if request.htmx:
        return _on_air_block(show_or_404(show_id))
    flash(_("The overlay is clear."), "success")
    return _back(show_id)


@bp.route("/shows/<int:show_id>/rundown/<int:commitment_id>/vote", methods=["POST"])
@roles_required(*DESK)
def result_vote(show_id: int, commitment_id: int):
    """The studio's placard vote on the result of an earlier commitment: a new
    event on its timeline, counted apart from the vote on the call."""
    show = show_or_404(show_id)
    item = db.session.get(Commitment, commitment_id)
    if item is None or item.call is None or item.call.show_id == show.id:
        abort(404)  # an item of this show, or from a 代表码 message: never in its 回音壁
    if not in_rundown(show, item.id, today()):
        abort(404)
    form = ResultVoteForm()
    if not form.validate_on_submit():
        flash(_("Give the three counts, each from 0."), "error")
        return redirect(url_for("public.rundown_page", show_id=show_id), 303)
    repeated = db.session.scalar(select(Event.id).where(Event.idempotency_key == form.idem.data))
    if not repeated:
        try:
            record_result_vote(
                item,
                show_id=show.id,
                votes=(form.satisfied.data, form.basic.data, form.dissatisfied.data),
                actor=current_user,
                key=form.idem.data,
            )
        except ValueError:
            flash(_("A withdrawn commitment is not rated."), "error")
            return redirect(url_for("public.rundown_page", show_id=show_id), 303)
        if actions.save() == actions.SAVED:
            pushes.commitment_changed(item)
    flash(_("Placard vote saved."), "success")
    return redirect(url_for("public.rundown_page", show_id=show_id) + f"#rundown-{item.id}", 303)
