"""On-air control for a button box (a Stream Deck through Bitfocus Companion,
deploy/companion/, docs/api.md): take the next cued item, take the preview,
clear all, cue the current call, the totals, the QR code. Each acts on the one
show that is live (or on `show_id`), through the desk's own cycle
(actions/cue.py), and is the only thing a token scoped to on-air control may
do (api/bearer.py)."""

from __future__ import annotations

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..actions import cue as actions
from ..clock import today
from ..extensions import db
from ..models import Call, OnAir, Role, Show, ShowStatus
from ..queries.cue import cue_state, preview_item, program_bug
from ..queries.onair import on_air_card
from ..queries.shows import show_with_calls
from . import writes_bp
from .bearer import attribute, body, error, on_air_control

DESK = (Role.MODERATOR, Role.SUPERVISOR)


def _show() -> Show | tuple:
    """The show named in the body, else the one that is live; or a 409."""
    wanted = body().get("show_id")
    if wanted is not None:
        show = show_with_calls(int(wanted))
        if show is None:
            abort(404)
        return show
    live = db.session.scalars(select(Show.id).where(Show.status == ShowStatus.LIVE)).all()
    if len(live) != 1:
        message = (
            _("No show is live: give show_id.")
            if not live
            else _("Several shows are live: give show_id.")
        )
        return error(409, message, current={"live_shows": list(live)})
    return show_with_calls(live[0])


def _record(show: Show, outcome: actions.Outcome) -> dict:
    on_air = db.session.get(OnAir, show.id)
    item = preview_item(show.id)
    row = cue_state(show.id)
    card = on_air_card(show, today()) if on_air is not None else None  # past its auto-out: none
    return {
        "show_id": show.id,
        "done": outcome.done,
        "program": {"kind": on_air.kind, "item": on_air.item_id} if card else None,
        "qr": program_bug(show.id) is not None,
        "preview": {"kind": item.kind, "item": item.item_id} if item else None,
        "locked": bool(row and row.locked),
    }


def _answer(show: Show, outcome: actions.Outcome):
    if outcome.refused == actions.ENDED:
        return error(
            409, _("The show has ended: nothing more goes on air."), current=_record(show, outcome)
        )
    return jsonify({"data": _record(show_with_calls(show.id), outcome)})


def _audit(action: str, show: Show):
    return lambda outcome: attribute(
        f"api_cue_{action}",
        f"show {show.id}",
        {"kind": outcome.item.kind} if outcome.item is not None else {},
    )


def _control(action: str, run):
    show = _show()
    if not isinstance(show, Show):
        return show
    return _answer(show, run(show, _audit(action, show)))


@writes_bp.route("/cue/next", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def cue_next():
    return _control("next", lambda show, audit: actions.take_next(show, current_user, audit))


@writes_bp.route("/cue/take", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def cue_take():
    return _control("take", lambda show, audit: actions.take(show, current_user, audit))


@writes_bp.route("/cue/clear", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def cue_clear():
    return _control("clear", lambda show, audit: actions.clear_all(show, current_user, audit))


@writes_bp.route("/cue/totals", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def cue_totals():
    return _control(
        "totals", lambda show, audit: actions.take_kind(show, "totals", current_user, audit)
    )


@writes_bp.route("/cue/qr", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def cue_qr():
    return _control("qr", lambda show, audit: actions.take_kind(show, "qr", current_user, audit))


@writes_bp.route("/cue/call", methods=["POST"])
@on_air_control
@roles_required(*DESK)
def cue_call():
    """The show's latest call into the cue, and in preview: "take" puts it on air."""

    def run(show, audit):
        latest = db.session.scalar(
            select(Call.id).where(Call.show_id == show.id).order_by(Call.number.desc()).limit(1)
        )
        if latest is None:
            return actions.Outcome(False, refused=actions.EMPTY)
        return actions.cue_and_preview(show, "call", latest, current_user, audit)

    return _control("call", run)
