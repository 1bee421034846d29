"""What a change to the cue sends where (changes/cue.py): the cue panel to
every desk on the show, the preview renderer's page, and when program changed
what on_air_changed sends (the overlay, the desks' on-air block, the show
page's voting box). Call only after the commit. Pushed HTML belongs to
nobody: the cue panel's forms carry no token (htmx sends the page's own)."""

from __future__ import annotations

from ..clock import today
from ..models import Show
from ..queries.cue import cue_panel
from ..queries.onair import overlay_context
from ..queries.shows import show_with_calls
from ..web import render_block
from . import live, pushes

CUE = "desk/_cue.html"
OVERLAY = "public/overlay.html"


def preview_room(show_id: int) -> str:
    return f"preview:{show_id}"


@pushes._batched
def cue_changed(show: Show, *, program: bool = False) -> None:
    """The cue list or the preview changed; with `program`, what is on air too."""
    pushes._require_committed()
    show = show_with_calls(show.id)
    if program:
        pushes.on_air_changed(show)
    _panel(show)
    preview = pushes._once(lambda: overlay_context(show, today(), preview=True))
    live.publish(
        live.PUBLIC,
        preview_room(show.id),
        target="#overlay",
        swap="outerHTML",
        render=lambda: render_block(OVERLAY, "overlay", layout="lower-third", **preview()),
    )


@pushes._batched
def program_changed(show: Show) -> None:
    """Program changed outside the cue (the desk's own "On air" and "Clear"
    buttons, the API's, the show's end): what on_air_changed sends, and the
    cue panel, whose PGM marks follow program. The preview did not change."""
    pushes._require_committed()
    show = show_with_calls(show.id)
    pushes.on_air_changed(show)
    _panel(show)


def _panel(show: Show) -> None:
    """The cue panel, to every desk on the show."""
    panel = pushes._once(lambda: cue_panel(show))
    live.publish(
        live.STAFF,
        f"show:{show.id}",
        target="#cue",
        swap="outerHTML",
        render=lambda: render_block(CUE, "cue", show=show, **panel()),
    )
