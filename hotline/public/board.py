"""The board of commitments (承诺公示): filtered, sorted and paged in the URL."""

from __future__ import annotations

from flask import render_template, request

from ..clock import today
from ..queries.board import BoardQuery, board_context, filter_options
from ..realtime import fragments, live
from ..web import is_fragment_request, render_block
from . import bp


@bp.route("/")
def index():
    live.pin("board")  # before anything the page shows is read
    query = BoardQuery.from_args(request.args)
    key = repr(sorted(query.args().items()))

    # Rendered once per push, locale, date and filter, whoever asks (pushes go
    # to the "board" room, whose number is in the key; so does going live, for
    # the on-air banner). A new show or department reaches the filter options
    # within the cache's lifetime.
    def rows():
        return fragments.cached(
            "board",
            key,
            lambda: render_block("public/index.html", "rows", **board_context(query, today())),
        )

    if is_fragment_request():
        return rows()
    return fragments.page(
        "board",
        key,
        lambda: render_template(
            "public/index.html", options=filter_options(query), query=query, rows_html=rows()
        ),
    )


@bp.route("/on-air")
def on_air_banner():
    """The site's 直播中 banner alone (base.html), for live.js to fetch again
    when a page missed a push: every change to it goes to the board's room too,
    so it is cached by that room's number."""
    return fragments.cached(
        "board", "on-air-banner", lambda: render_block("base.html", "on_air_banner")
    )
