"""The preview renderer (预览): the overlay page of a show rendered with what the
desk has in preview instead of what is on program, marked PREVIEW / 预览 across
it. One address for a second OBS source or a multiview, and the monitor the
desk's console embeds (so it may be framed by this site's own pages, and only
by them). Live over Socket.IO like the program (room preview:<id>). A preview
page in OBS reports what it shows like the program (tally, role "preview");
the console's own monitor (?monitor=1) does not: it is no broadcast renderer."""

from __future__ import annotations

from flask import abort, make_response, request

from ..clock import today
from ..queries.onair import LAYOUTS, overlay_context
from ..queries.shows import show_with_calls
from ..realtime.tally import renderer_token
from ..rules.tally import PREVIEW
from ..web import CSP, page_or_block
from . import bp

PAGE = "public/overlay.html"
FRAMED_BY_US = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


@bp.route("/shows/<int:show_id>/preview")
def preview(show_id: int):
    show = show_with_calls(show_id)
    if show is None:
        abort(404)
    layout = request.args.get("layout", LAYOUTS[0])
    if layout not in LAYOUTS:
        layout = LAYOUTS[0]
    token = None if request.args.get("monitor") else renderer_token(show.id, layout, PREVIEW)
    context = overlay_context(show, today(), preview=True)
    response = make_response(
        page_or_block(PAGE, "overlay", layout=layout, tally_token=token, **context)
    )
    response.headers["Content-Security-Policy"] = FRAMED_BY_US
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
