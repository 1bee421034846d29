"""The on-air JSON of a show, for Hotline's OGraf graphics (static/ograf/,
docs/ograf.md) and any other renderer: what the lower third and the ticker
show now, as text. Public fields only; readable from any origin (a graphic
runs inside SPX, CasparCG or another renderer's page), revalidated with its
ETag at each poll."""

from __future__ import annotations

import mimetypes

from flask import abort, jsonify, request

from ..clock import today
from ..queries.ograf import graphics_data
from ..queries.shows import show_with_calls
from . import bp

# A renderer imports the graphics as ES modules: the type must be JavaScript
# whatever the system's MIME table says.
mimetypes.add_type("text/javascript", ".mjs")
GRAPHICS = "/static/ograf/"


@bp.route("/shows/<int:show_id>/on-air.json")
def on_air_json(show_id: int):
    show = show_with_calls(show_id)
    if show is None:
        abort(404)
    response = jsonify(graphics_data(show, today()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.no_cache = True
    response.vary.add("Accept-Language")
    response.add_etag()
    return response.make_conditional(request)


@bp.after_app_request
def graphics_for_any_renderer(response):
    """The graphics' files are read from any origin: a renderer (SPX, CasparCG)
    may import them from this site into its own page."""
    if request.path.startswith(GRAPHICS):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response
