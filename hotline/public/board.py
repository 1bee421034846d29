"""The board of commitments (承诺公示): filtered, sorted and paged in the URL."""

from __future__ import annotations

from flask import render_template, request

from ..clock import today
from ..queries.board import BoardQuery, board_context, filter_options
from ..realtime import fragments
from ..web import is_fragment_request, render_block
from . import bp


@bp.route("/")
def index():
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
            "public/index.html", options=filter_options(), query=query, rows_html=rows()
        ),
    )
