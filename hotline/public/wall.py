"""The question wall (提问墙) on the show page: viewers upvote the questions
the moderator approved, with no sign-in: once per browser and once per
connection a day (keyed hashes, never the address; public/browser.py), and
limited per address, as viewers' votes on an answer are (public/votes.py).
With htmx the wall comes back with this browser's upvotes marked; without,
the show page, with a message."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ..changes import wall
from ..extensions import db
from ..models import Show
from ..queries.wall import entry_in_show, overlay_wall, public_wall, voted_here
from ..realtime import wall as wall_pushes
from ..throttle import address_wait, minutes
from ..web import render_block
from . import bp
from .browser import browser_key, browser_token, client_key, key_of, remember

BOX = "public/_wall.html"
OVERLAY = "public/_wall_overlay.html"


def _show_or_404(show_id: int) -> Show:
    return db.session.get(Show, show_id) or abort(404)


def _box(show: Show, browser: str | None, **context) -> str:
    mine = voted_here(show.id, browser)
    return render_block(BOX, "wall", show=show, wall=public_wall(show), mine=mine, **context)


@bp.route("/shows/<int:show_id>/wall")
def wall_box(show_id: int):
    """The show page's wall for this browser (its own upvotes marked): what
    live.js refetches after a gap."""
    return _box(_show_or_404(show_id), browser_key())


@bp.route("/shows/<int:show_id>/overlay/wall")
def overlay_wall_layer(show_id: int):
    """The overlay's wall layer alone: what live.js refetches after a gap."""
    show = _show_or_404(show_id)
    return render_block(OVERLAY, "overlay_wall", show=show, wall=overlay_wall(show.id))


@bp.route("/shows/<int:show_id>/wall/vote", methods=["POST"])
def wall_vote(show_id: int):
    """A viewer's upvote of a question on the wall."""
    show = _show_or_404(show_id)
    try:
        entry = entry_in_show(show.id, int(request.form.get("entry", "")))
    except ValueError:
        entry = None
    if entry is None:
        abort(404)
    token = browser_token()
    error, status = None, 200
    wait = address_wait("wall-vote", "HOTLINE_WALL_VOTE_LIMIT", "100 per hour")
    if wait:
        error, status = (
            ngettext(
                "Many upvotes have come from your connection just now. "
                "Please try again in %(num)d minute.",
                "Many upvotes have come from your connection just now. "
                "Please try again in %(num)d minutes.",
                minutes(wait),
            ),
            429,
        )
    else:
        try:
            wall.upvote(
                entry, show, browser_key=key_of(token), client_key=client_key(f"wall:{entry.id}")
            )
            db.session.commit()
        except wall.Refused as refused:
            db.session.rollback()
            error, status = str(refused.message), refused.status
        except IntegrityError:  # a double click raced us
            db.session.rollback()
            error, status = _("This browser has already upvoted this question."), 409
        else:
            wall_pushes.upvoted(entry)

    if request.htmx:
        response = Response(_box(show, key_of(token), wall_note=error), status=status)
        if wait:
            response.headers["Retry-After"] = str(wait)
    else:
        message = error or _("Thank you: your upvote has been counted.")
        flash(message, "error" if error else "success")
        response = redirect(url_for("public.show", show_id=show.id) + "#wall", 303)
    return remember(response, token)
