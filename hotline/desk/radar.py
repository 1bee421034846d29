"""The radar (上次承诺): as the moderator types a call, the earlier promises,
calls and 代表码 messages on the same problem, on their own request beside the
call form (never inside the call's save); linking a call to one of them as the
same problem raised again; the earlier promise goes on air from the list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles_required
from ..actions import desk as actions
from ..changes import radar as links
from ..clock import today
from ..extensions import db
from ..models import MAX_ID, Commitment, RepeatKind, Show
from ..queries.radar import radar
from ..realtime import pushes
from ..web import is_fragment_request, render_block
from . import bp
from .helpers import DESK, call_or_404

RADAR = "desk/_radar.html"
RADAR_PAGE = "desk/radar.html"  # without JavaScript


def _answer(**context) -> str:
    if is_fragment_request():
        return render_block(RADAR, "radar", **context)
    return render_template(RADAR_PAGE, **context)


def _department_id() -> int | None:
    value = request.args.get("department", "")
    if not (value.isascii() and value.isdigit()):  # "²" is a digit to isdigit()
        return None
    return int(value) if 0 < int(value) <= MAX_ID else None


@bp.route("/shows/<int:show_id>/radar")
@roles_required(*DESK)
def show_radar(show_id: int):
    """What the console's radar region shows for what is typed in the call form:
    topic, area and department only (never the caller's fields)."""
    show = db.session.get(Show, show_id) or abort(404)
    topic = request.args.get("topic", "")[:500]
    hits = radar(
        topic,
        request.args.get("area", "")[:100],
        _department_id(),
        show_id=show.id,
        today=today(),
    )
    return _answer(show=show, hits=hits, call=None, asked=bool(topic))


def _call_radar(call, status: int = 200, **extra):
    hits = radar(
        call.topic,
        call.area,
        call.department_id,
        show_id=call.show_id,
        today=today(),
        call_id=call.id,
    )
    context = {"show": call.show, "hits": hits, "call": call, "asked": True, **extra}
    context["console"] = (request.values.get("place") == "console") and is_fragment_request()
    return _answer(**context), status


@bp.route("/calls/<int:call_id>/radar")
@roles_required(*DESK)
def call_radar(call_id: int):
    """The radar for a logged call, with a button to link it: its editor loads
    it, and so does the console once the call is logged there (place=console:
    in the console's own radar region)."""
    return _call_radar(call_or_404(call_id))


@bp.route("/calls/<int:call_id>/repeats", methods=["POST"])
@roles_required(*DESK)
def link_repeat(call_id: int):
    """Link the call to an earlier item as the same problem raised again: the link
    and the events on both timelines in one transaction."""
    call = call_or_404(call_id)
    try:
        kind = RepeatKind(request.form.get("kind", ""))
        item_id = int(request.form.get("item", ""))
    except ValueError:
        abort(400)
    item = links.earlier_item(kind, item_id) if 0 < item_id <= MAX_ID else None
    if item is None:
        abort(404)
    if links.existing(call, kind, item.id) is None:  # a double click links once
        try:
            links.link_repeat(call, kind, item, current_user)
        except ValueError:
            abort(400)
        if actions.save() == actions.SAVED and isinstance(item, Commitment):
            pushes.commitment_changed(item)
    message = _("Call #%(n)d linked as a repeat.", n=call.number)
    if request.htmx:
        return _call_radar(call_or_404(call_id), saved=message)
    flash(message, "success")
    return redirect(url_for("desk.call_radar", call_id=call_id), 303)
