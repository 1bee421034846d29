"""/track/<code>: a caller or a question's sender follows what became of it
with their reference code (查询码). Public fields only; a wrong code is a plain
404, found by the same hashed lookup as a right one, and the route is rate
limited per address so codes cannot be tried in bulk."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from ..changes import refcodes
from ..extensions import limiter
from ..queries.track import tracked
from . import bp


def _limit() -> str:
    return current_app.config.get("HOTLINE_TRACK_LIMIT", "30 per minute")


@bp.route("/track")
@limiter.limit(_limit)
def track_form():
    code = refcodes.normalize(request.args.get("code", ""))
    if code:
        return redirect(url_for("public.track", code=refcodes.display(code)), 303)
    return render_template("public/track.html", item=None)


@bp.route("/track/<code>")
@limiter.limit(_limit)
def track(code: str):
    item = tracked(code)
    if item is None:
        abort(404)
    return render_template("public/track.html", item=item, code=refcodes.display(code))
