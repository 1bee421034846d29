"""What a change to the question wall (提问墙) sends where: the show page's
wall, the overlay's wall layout and every desk's wall panel, each rendered
once per locale from the block its HTTP route serves. Call these only after
the transaction has committed. Pushed HTML belongs to nobody: the public
blocks carry no token (the page's own goes with the form) and no "you
upvoted"; the desk's none of anyone's session.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import inspect

from ..extensions import db
from ..models import Show, WallEntry
from ..queries.wall import count, desk_wall, overlay_wall, public_wall
from ..web import render_block
from . import coalesce, live, pushes

SHOW_WALL = "public/_wall.html"
OVERLAY_WALL = "public/_wall_overlay.html"
DESK_WALL = "desk/_wall.html"


def wall_changed(show: Show, *, queue: bool = False) -> None:
    """A question went on the wall, was marked or taken off: the show page,
    the overlay and every desk on the show (and the desk's question queue,
    whose marks changed, when `queue`)."""
    with live.batch():
        _public(show)
        _overlay(show.id)
        _desk(show)
        if queue:
            pushes.questions_changed(show)


def queue_changed(show: Show) -> None:
    """Only the desk's side changed (a sender blocked): the queue and the panel."""
    with live.batch():
        _desk(show)
        pushes.questions_changed(show)


def upvoted(entry: WallEntry) -> None:
    """A viewer upvoted: the question's count on the show page, the desk's
    panel (sorted by upvotes) and the overlay. Upvotes come in bursts: one
    push per question at most every HOTLINE_VOTE_PUSH_SECONDS (the first at
    once, the others together at the end of the interval), as viewers' votes."""
    entry_id = inspect(entry).identity[0]
    seconds = current_app.config.get("HOTLINE_VOTE_PUSH_SECONDS", 1.0)
    coalesce.paced(("wall", entry_id), seconds, lambda: _upvoted(entry_id))


def _upvoted(entry_id: int) -> None:
    entry = db.session.get(WallEntry, entry_id)
    show = db.session.get(Show, entry.show_id)
    votes = pushes.Once(lambda: count(entry_id))
    with live.batch():
        live.publish(
            live.PUBLIC,
            f"show:{show.id}",
            target=f"#wall-votes-{entry_id}",
            swap="outerHTML",
            render=lambda: render_block(
                SHOW_WALL, "wall_votes", entry=entry, counts={entry_id: votes()}
            ),
        )
        _overlay(show.id)
        _desk(show)


def _public(show: Show) -> None:
    wall = pushes.Once(lambda: public_wall(show))
    live.publish(
        live.PUBLIC,
        f"show:{show.id}",
        target="#wall",
        swap="outerHTML",
        render=lambda: render_block(SHOW_WALL, "wall", show=show, wall=wall(), mine=set()),
    )


def _overlay(show_id: int) -> None:
    show = pushes.Once(lambda: db.session.get(Show, show_id))
    wall = pushes.Once(lambda: overlay_wall(show_id))
    live.publish(
        live.PUBLIC,
        f"overlay:{show_id}",
        target="#overlay-wall",
        swap="outerHTML",
        render=lambda: render_block(OVERLAY_WALL, "overlay_wall", show=show(), wall=wall()),
    )


def _desk(show: Show) -> None:
    wall = pushes.Once(lambda: desk_wall(show))
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target="#desk-wall",
        swap="outerHTML",
        render=lambda: render_block(DESK_WALL, "desk_wall", show=show, wall=wall()),
    )
