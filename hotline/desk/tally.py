"""Renderers that report back (tally) on the live desk: the list of the
show's overlay pages with their flags (refetched every few seconds, pushed
when it changes: realtime/tally.py), "reload" sent to one of them, and
"forget" for one that is gone for good."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..access import roles_required
from ..changes import tally as changes
from ..extensions import db
from ..queries.tally import renderer_of, tally_of
from ..realtime import tally as live_tally
from ..rules.tally import TallyState
from ..web import render_block
from . import bp
from .helpers import DESK

TALLY = "desk/_tally.html"


@bp.app_template_global("tally_for")
def tally_for(show_id: int):
    """The console includes the block with what it shows now (desk/_tally.html)."""
    return tally_of(show_id)


def _block(show_id: int):
    tally = tally_of(show_id)
    if tally is None:
        abort(404)
    return render_block(TALLY, "tally", tally=tally)


def _back(show_id: int, message: str):
    if request.htmx:
        return _block(show_id)
    flash(message, "success")
    return redirect(url_for("desk.console", show_id=show_id) + "#tally", 303)


@bp.route("/shows/<int:show_id>/renderers")
@roles_required(*DESK)
def renderers(show_id: int):
    """The block on its own: refetched by live.js after a gap, and every few seconds."""
    return _block(show_id)


@bp.route("/shows/<int:show_id>/renderers/<renderer_id>/reload", methods=["POST"])
@roles_required(*DESK)
def reload_renderer(show_id: int, renderer_id: str):
    renderer = renderer_of(show_id, renderer_id)
    if renderer is None:
        abort(404)
    live_tally.reload_renderer(renderer.id)
    return _back(show_id, _("Reload sent to the renderer."))


@bp.route("/shows/<int:show_id>/renderers/<renderer_id>/forget", methods=["POST"])
@roles_required(*DESK)
def forget_renderer(show_id: int, renderer_id: str):
    """Only one that is not live: a renderer still reporting would be back at once."""
    tally = tally_of(show_id)
    view = (
        next((v for v in tally.renderers if v.renderer.id == renderer_id), None) if tally else None
    )
    if view is None:
        abort(404)
    if view.state in (TallyState.OK, TallyState.OUTDATED):
        abort(409)
    changes.forget(view.renderer)
    db.session.commit()
    live_tally.push_renderers(show_id)
    return _back(show_id, _("The renderer is off the list."))
