"""What each change sends to which room, with which block and target.

One function per change. Each renders the same named template block the HTTP
route serves (once per locale, through live.publish) and says where it goes.
Call them only after the transaction has committed. Pushed HTML belongs to
nobody: blocks rendered here get no session, no account and no CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import inspect

from ..clock import today
from ..extensions import db
from ..models import Call, Commitment, Department, EventKind, Show
from ..queries.board import BoardQuery, board_context, commitment_context, public_commitment
from ..queries.desk import department_calls, queued_questions
from ..queries.followup import dashboard_data
from ..queries.onair import on_air_card, overlay_context, shows_showing
from ..queries.shows import show_with_calls
from ..queries.topics import desk_summary, on_show_page
from ..queries.votes import Voting, tally, voting
from ..web import render_block
from . import coalesce, live

BOARD = "public/index.html"
SHOW_PAGE = "public/show.html"
COMMITMENT_PAGE = "public/commitment.html"
CONSOLE = "desk/console.html"
DEPARTMENT_CONSOLE = "desk/department.html"
DASHBOARD = "followup/dashboard.html"
OVERLAY = "public/overlay.html"
OVERLAY_VOTES = "public/_votes.html"
ON_AIR = "desk/_on_air.html"

# Everyone on the plain board gets the re-rendered first page (one render per
# locale, whatever the number of viewers). A filtered, sorted or later page
# cannot be rendered for everyone at once; there the pushed element makes that
# browser reload its own region once, so rows and totals never disagree;
# live.js spreads those reloads over a few seconds so they never arrive at once.
STALE_HTML = '<span id="board-stale" data-live-refetch-soon></span>'
# Loads the desk's call form for the browser it lands in (its own one-time key).
CALL_FORM_LOADER = Markup(
    '<div id="call-form" hx-get="{}" hx-trigger="load" hx-swap="outerHTML"></div>'
)


def _require_committed() -> None:
    # Checked before our own queries, whose autoflush would hide unsaved changes.
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("push before commit: commit the transaction first")


class Once:
    """A value computed at its first call, then kept; `read` says whether
    anyone asked for it (so a caller can reuse what a push already read)."""

    __slots__ = ("_compute", "_value", "read")

    def __init__(self, compute):
        self._compute, self.read = compute, False

    def __call__(self):
        if not self.read:
            self._value, self.read = self._compute(), True
        return self._value


def _once(compute):
    """What a pushed block renders from: read at its first render (so never
    when nobody is in its room, see live._listened), then shared by the
    other locales."""
    return compute if isinstance(compute, Once) else Once(compute)


def _batched(push):
    """One change, one batch: every room it reaches has its number bumped in
    one short transaction, then each block renders once per locale."""

    @wraps(push)
    def wrapper(*args, **kwargs):
        with live.batch():
            return push(*args, **kwargs)

    return wrapper


# --- calls -------------------------------------------------------------------


@_batched
def call_logged(call: Call, show: Callable[[], Show] | None = None) -> None:
    """A new call: the show's public list, every desk on the show, its department.
    `show`: returns the show with its calls as the caller reads them after the
    commit (actions.log_call); called only when a block that needs them is
    rendered, which is after the public row has gone out."""
    _push_call(call, new=True, show=show)


@_batched
def call_changed(call: Call, *, old_department_id: int | None = None, public: bool = True) -> None:
    """A call's outcome or details changed (or it moved to another department).
    `public=False` when a commitment push already sends the public row."""
    _push_call(call, old_department_id=old_department_id, public=public)


def _push_call(
    call: Call, *, new: bool = False, old_department_id=None, public: bool = True, show=None
):
    _require_committed()
    if show is None:
        # The whole show once: the panel and the overlay need every call, and
        # the call itself (commitments, department, deputy) comes with it.
        call_id = inspect(call).identity[0]  # no reload of the expired call for its id
        loaded = show_with_calls(call.show_id)
        call = next(c for c in loaded.calls if c.id == call_id)
        show = lambda: loaded  # noqa: E731
    show = _once(show)
    # The public first: thousands watch it; the staff consoles are a handful.
    if public:
        _public_call_row(call, new=new)
    room = f"show:{call.show_id}"
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
        render=lambda: render_block(CONSOLE, "panel", show=show()),
    )
    _overlay(call.show_id, show)  # the totals, and the call's card if it is on air
    moved = bool(old_department_id and old_department_id != call.department_id)
    if moved:
        live.publish(
            live.STAFF,
            f"department:{old_department_id}",
            target=f"#dept-call-{call.id}",
            swap="outerHTML",
            render=lambda: "",
        )
    if call.department_id:
        live.publish(
            live.STAFF,
            f"department:{call.department_id}",
            target="#dept-calls" if new or moved else f"#dept-call-{call.id}",
            swap="afterbegin" if new or moved else "outerHTML",
            render=lambda: render_block(DEPARTMENT_CONSOLE, "call_row", call=call),
        )


def _public_call_row(call: Call, *, new: bool = False) -> None:
    # The row keeps the viewers' votes beside the placards (a new call has none).
    online = _once(lambda: {} if new else {call.id: tally(call.id)})
    live.publish(
        live.PUBLIC,
        f"show:{call.show_id}",
        target="#call-list" if new else f"#call-{call.id}",
        swap="afterbegin" if new else "outerHTML",
        render=lambda: render_block(SHOW_PAGE, "call_row", call=call, viewer_votes=online()),
    )


# --- shows and questions ------------------------------------------------------


@_batched
def show_status_changed(show: Show) -> None:
    """The show went live or ended: every public page that shows it (status,
    the question form, the on-air banner), every desk and department console."""
    _require_committed()
    show = show_with_calls(show.id)
    room = f"show:{show.id}"
    live.publish(
        live.PUBLIC,
        room,
        target="#show-status",
        swap="outerHTML",
        render=lambda: render_block(SHOW_PAGE, "show_status", show=show),
    )
    live.publish(
        live.PUBLIC,
        room,
        target="#show-ask",
        swap="outerHTML",
        render=lambda: render_block(SHOW_PAGE, "show_ask", show=show),
    )
    if show.is_live:  # a page loaded before: each browser fetches its own token to vote with
        live.publish(
            live.PUBLIC,
            room,
            target="#vote-token",
            swap="outerHTML",
            render=lambda: render_block(SHOW_PAGE, "vote_token", show=show),
        )
    _votes_box(show)
    live.publish(
        live.STAFF,
        room,
        target="#show-header",
        swap="outerHTML",
        render=lambda: render_block(CONSOLE, "header", show=show),
    )
    # The call form carries each moderator's own one-time key: every desk
    # fetches its own (the pushed loader carries nothing of anyone's session).
    live.publish(
        live.STAFF,
        room,
        target="#call-form",
        swap="outerHTML",
        render=lambda: CALL_FORM_LOADER.format(url_for("desk.call_form", show_id=show.id)),
    )
    questions_changed(show)
    topics_changed(show)  # collection ends when the show starts
    # A department's console lists its calls of live shows (with a "live"
    # badge) and those still waiting: it changes only where this show has
    # calls routed to it. Nothing else on it depends on this show.
    for department in {c.department.id: c.department for c in show.calls if c.department}.values():
        _department_live(department)
    banner_rooms = [(live.PUBLIC, room), (live.PUBLIC, "board"), (live.STAFF, room)]
    banner_rooms += [(live.STAFF, f"department:{d.id}") for d in show.departments]
    live.publish_each(  # the same banner everywhere: rendered once per locale
        banner_rooms,
        target="#on-air-banner",
        swap="outerHTML",
        render=lambda: render_block("base.html", "on_air_banner"),
    )


def _department_live(department: Department) -> None:
    calls = _once(lambda: department_calls(department.id))
    live.publish(
        live.STAFF,
        f"department:{department.id}",
        target="#dept-live",
        swap="outerHTML",
        render=lambda: render_block(
            DEPARTMENT_CONSOLE, "live", department=department, calls=calls()
        ),
    )


@_batched
def questions_changed(show: Show) -> None:
    """The question queue changed: every desk watching the show sees it. (The
    block shows no names or phones: those stay in the database.)"""
    _require_committed()
    questions = _once(lambda: queued_questions(show))
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target="#questions",
        swap="outerHTML",
        render=lambda: render_block(CONSOLE, "questions", show=show, questions=questions()),
    )


@_batched
def topics_changed(show: Show, *, public: bool = True) -> None:
    """A show's topics changed: every desk on the show (waiting for moderation,
    the agenda) and, unless only the desk's side changed (a new proposal, a
    rejection), the show page's topics (议题)."""
    _require_committed()
    room = f"show:{show.id}"
    summary = _once(lambda: desk_summary(show))
    live.publish(
        live.STAFF,
        room,
        target="#desk-topics",
        swap="outerHTML",
        render=lambda: render_block(CONSOLE, "topics", show=show, topics=summary()),
    )
    if public:
        shown = _once(lambda: on_show_page(show))
        live.publish(
            live.PUBLIC,
            room,
            target="#show-topics",
            swap="outerHTML",
            render=lambda: render_block(SHOW_PAGE, "show_topics", show=show, **shown()),
        )


# --- on air: the broadcast overlay ------------------------------------------------


@_batched
def on_air_changed(show: Show) -> None:
    """Something was put on air or cleared: the overlay, and every desk on the show."""
    _require_committed()
    show = show_with_calls(show.id)
    _overlay(show.id, lambda: show)
    _votes_box(show)  # voting opens on the call now on air, and closes on the last one
    card = _once(lambda: on_air_card(show, today()))
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target="#on-air",
        swap="outerHTML",
        render=lambda: render_block(ON_AIR, "on_air", show=show, card=card()),
    )


def _overlay(show_id: int, loaded: Callable[[], Show] | None = None) -> None:
    """The overlay's one region holds every layout: one render per locale for
    all. `loaded`: returns the show with its calls, if the caller has it (else
    it is loaded if anyone watches). A card's verification code that is new
    (the item just changed) is committed by overlay_context in a transaction
    of its own before the block goes out, never in this session."""
    loaded = _once(loaded or (lambda: show_with_calls(show_id)))
    context = _once(lambda: overlay_context(loaded(), today()))
    live.publish(
        live.PUBLIC,
        f"overlay:{show_id}",
        target="#overlay",
        swap="outerHTML",
        render=lambda: render_block(OVERLAY, "overlay", **context()),
    )


# --- viewers' votes on the answer on air (网友投票) --------------------------------


def _votes_box(show: Show) -> None:
    """The show page's voting box: the call open for voting (or none) with
    both counts. Everyone's: the form in it takes each page's own token."""
    now = _once(lambda: voting(show))
    live.publish(
        live.PUBLIC,
        f"show:{show.id}",
        target="#votes",
        swap="outerHTML",
        render=lambda: render_block(SHOW_PAGE, "votes", show=show, voting=now()),
    )


def votes_counted(call: Call) -> None:
    """A viewer voted: the call's online count beside the studio's placards,
    in the show page's box and row and on the overlay. Votes come in bursts:
    one push per call at most every HOTLINE_VOTE_PUSH_SECONDS, the first vote
    of a burst at once and the others together at the end of the interval."""
    _require_committed()
    call_id = inspect(call).identity[0]
    seconds = current_app.config.get("HOTLINE_VOTE_PUSH_SECONDS", 1.0)
    coalesce.paced(("votes", call_id), seconds, lambda: _votes_counted(call_id))


@_batched
def _votes_counted(call_id: int) -> None:
    call = db.session.get(Call, call_id)
    online = _once(lambda: tally(call_id))
    room = f"show:{call.show_id}"
    live.publish(
        live.PUBLIC,
        room,
        target=f"#vote-tally-{call_id}",
        swap="outerHTML",
        render=lambda: render_block(
            SHOW_PAGE, "vote_tally", voting=Voting(live=True, call=call, online=online())
        ),
    )
    live.publish(
        live.PUBLIC,
        room,
        target=f"#verdicts-{call_id}",
        swap="outerHTML",
        render=lambda: render_block(
            SHOW_PAGE, "call_verdicts", call=call, viewer_votes={call_id: online()}
        ),
    )
    live.publish(
        live.PUBLIC,
        f"overlay:{call.show_id}",
        target=f"#overlay-votes-{call_id}",
        swap="outerHTML",
        render=lambda: render_block(
            OVERLAY_VOTES, "overlay_votes", vote_call=call, vote_tally=online()
        ),
    )


# --- commitments ----------------------------------------------------------------


@_batched
def commitment_made(commitment: Commitment) -> None:
    """A commitment made on air: the board, its page, and the call on every console."""
    commitment_changed(commitment)  # pushes the public call row too
    call_changed(commitment.call, public=False)


@_batched
def commitment_changed(commitment: Commitment) -> None:
    """A commitment was made or changed: the board, its own page and the
    public row of the call it came from (an item from a 代表码 message has none)."""
    _require_committed()
    item = public_commitment(commitment.id)
    _board(changed=item.id)
    _timeline(item)
    if item.call is not None:
        _public_call_row(item.call)
    for show_id in shows_showing(item):  # the ticker, or its card on air
        _overlay(show_id)
    if item.events and item.events[-1].kind == EventKind.VERIFIED:
        # Just verified as met: ratings open now for everyone watching. (Nobody
        # can have rated yet, so one rendering fits every browser.)
        live.publish(
            live.PUBLIC,
            f"commitment:{item.id}",
            target="#rating",
            swap="outerHTML",
            render=lambda: render_block(
                COMMITMENT_PAGE, "rating", **commitment_context(item), my_rating=None
            ),
        )


@_batched
def rating_recorded(commitment: Commitment) -> None:
    """Ratings are not on the board: only the commitment's page changes."""
    _require_committed()
    _timeline(commitment)


@_batched
def dashboard_changed(commitment: Commitment, department_id: int | None = None) -> None:
    """The follow-up dashboard of the commitment's department (or of the one it
    was reassigned from), for its liaisons."""
    _require_committed()
    department = db.session.get(Department, department_id or commitment.department_id)
    data = _once(lambda: dashboard_data(department, today()))
    live.publish(
        live.STAFF,
        f"department:{department.id}",
        target="#followup-items",
        swap="outerHTML",
        render=lambda: render_block(DASHBOARD, "items", **data()),
    )


def _board(changed: int | None = None) -> None:
    """The first page to the plain board, a refresh to the filtered ones."""
    # Queried once (if anyone watches); only the words differ between the locales.
    context = _once(lambda: board_context(BoardQuery(), today(), changed=changed))
    live.publish(
        live.PUBLIC,
        "board",
        target='#board[data-view="default"]',
        swap="outerHTML",
        render=lambda: render_block(BOARD, "rows", **context()),
    )
    live.publish(
        live.PUBLIC,
        "board",
        target='#board[data-view="custom"] #board-stale',
        swap="outerHTML",
        render=lambda: STALE_HTML,
    )


def _timeline(item: Commitment) -> None:
    """The commitment's own page: status, history and rating counts."""
    context = _once(lambda: commitment_context(item))
    live.publish(
        live.PUBLIC,
        f"commitment:{item.id}",
        target="#timeline",
        swap="outerHTML",
        render=lambda: render_block(COMMITMENT_PAGE, "timeline", **context()),
    )
