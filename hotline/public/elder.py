"""长辈版 (elder mode): large type, high contrast, big targets and a simplified
layout, switched by a plain link that sets a cookie and goes back (no script
needed). The cookie is read in `web.elder_mode()`, which puts the class `elder`
on <html>; pages vary by Cookie already, so no cache mixes the two."""

from __future__ import annotations

from flask import current_app, redirect, request, url_for

from . import bp

COOKIE = "elder"
YEAR = 365 * 24 * 3600


def _back() -> str:
    """Where the link was followed from: a path on this site only."""
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("public.index")
    return target


@bp.route("/elder")
def elder():
    response = redirect(_back(), 303)
    if request.args.get("mode") == "off":
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            COOKIE,
            "1",
            max_age=YEAR,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    response.headers["Cache-Control"] = "no-store"
    return response
