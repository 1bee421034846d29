"""Viewers' votes on the answer on air (网友投票), from the show page.

While a call's answer is on air (changes/votes.py has the rule), anyone
watching may say 满意 / 基本满意 / 不满意 with no sign-in: once per browser
and once per connection (keyed hashes, never the address; public/browser.py),
limited per address. The count is pushed beside the studio's placard count,
never added to it.

The show page is one cached page for every viewer (realtime/fragments.py):
its vote form gets this request's CSRF token stamped in after the cache
(`with_token`), so the page is still rendered once per push; a page of a show
that is not live carries no token and starts no session."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from sqlalchemy.exc import IntegrityError

from ..changes import votes
from ..extensions import db
from ..models import Call, Show
from ..queries.votes import voted_here, voting
from ..realtime import pushes
from ..throttle import address_wait, minutes
from ..web import render_block
from . import bp
from .browser import browser_key, browser_token, client_key, key_of, remember

PAGE = "public/show.html"
# Where the page's vote form takes this request's token. Stored text never
# holds a noncharacter (rules/text.py), so nothing else on the page can match.
TOKEN_SLOT = "\ufdd0vote-token\ufdd0"  # noqa: S105 - a placeholder, not a secret


def with_token(html: str) -> str:
    """The show page as rendered for everyone, with this request's CSRF token
    where its vote form takes it (only a live show's page has the slot)."""
    html = str(html)
    if TOKEN_SLOT in html:
        html = html.replace(TOKEN_SLOT, str(escape(generate_csrf())))
    return html


def _show_or_404(show_id: int) -> Show:
    return db.session.get(Show, show_id) or abort(404)


def _box(show: Show, **context) -> str:
    return render_block(PAGE, "votes", show=show, **context)


@bp.route("/shows/<int:show_id>/votes")
def votes_box(show_id: int):
    """The show page's voting box for this browser (its own vote, if any): what
    live.js refetches after a gap."""
    show = _show_or_404(show_id)
    now = voting(show)
    mine = voted_here(now.call.id, browser_key()) if now.call else None
    return _box(show, voting=now, my_vote=mine)


@bp.route("/shows/<int:show_id>/vote-token")
def vote_token(show_id: int):
    """This browser's token for the vote form, for a page loaded before the
    show went live (pushes.show_status_changed asks every page to fetch it)."""
    return render_block(PAGE, "vote_token", show=_show_or_404(show_id))


@bp.route("/shows/<int:show_id>/vote", methods=["POST"])
def vote(show_id: int):
    """A viewer's vote on the answer on air: once per browser (cookie), once
    per connection (day, address and user agent, hashed), limited per address.
    With htmx the box comes back; without, the page, with a message."""
    show = _show_or_404(show_id)
    try:
        call = db.session.get(Call, int(request.form.get("call", "")))
    except ValueError:
        call = None
    if call is None or call.show_id != show.id:
        abort(404)
    value = request.form.get("value", "")
    token = browser_token()
    error, status = None, 200
    wait = address_wait("vote", "HOTLINE_VOTE_LIMIT", "100 per hour")
    if wait:
        error, status = (
            ngettext(
                "Many votes have come from your connection just now. "
                "Please try again in %(num)d minute.",
                "Many votes have come from your connection just now. "
                "Please try again in %(num)d minutes.",
                minutes(wait),
            ),
            429,
        )
    else:
        try:
            votes.cast(
                call, value, browser_key=key_of(token), client_key=client_key(f"vote:{call.id}")
            )
            db.session.commit()
        except votes.Refused as refused:
            db.session.rollback()
            error, status = str(refused.message), refused.status
        except IntegrityError:  # a double click raced us
            db.session.rollback()
            error, status = _("This browser has already voted on this answer."), 409
        else:
            pushes.votes_counted(call)

    if request.htmx:
        now = voting(show)
        mine = voted_here(now.call.id, key_of(token)) if now.call else None
        body = _box(show, voting=now, my_vote=mine, vote_note=error)
        response = Response(body, status=status)
        if wait:
            response.headers["Retry-After"] = str(wait)
    else:
        flash(error or _("Thank you: your vote has been counted."), "error" if error else "success")
        response = redirect(url_for("public.show", show_id=show.id) + "#votes", 303)
    return remember(response, token)
