"""The broadcast overlay (直播字幕) of a show: a page for an OBS / vMix browser
source. What it shows is what the moderator put on air (hotline.onair), read
from the database, so a reload or a server restart comes back to it."""

from __future__ import annotations

from flask import abort, request

from ..clock import today
from ..queries.onair import LAYOUTS, overlay_context
from ..queries.shows import show_with_calls
from ..queries.wall import overlay_wall
from ..realtime.tally import renderer_token
from ..web import is_fragment_request, page_or_block
from . import bp

PAGE = "public/overlay.html"


@bp.route("/shows/<int:show_id>/overlay")
def overlay(show_id: int):
    show = show_with_calls(show_id)
    if show is None:
        abort(404)
    layout = request.args.get("layout", LAYOUTS[0])
    if layout not in LAYOUTS:
        layout = LAYOUTS[0]
    # The question wall's layer is a region of its own (public/wall.py refetches it).
    wall = {} if is_fragment_request() else {"wall": overlay_wall(show.id)}
    # The page reports what it shows (static/tally.js) with this token.
    token = renderer_token(show.id, layout)
    context = overlay_context(show, today())
    return page_or_block(PAGE, "overlay", layout=layout, tally_token=token, **context, **wall)
