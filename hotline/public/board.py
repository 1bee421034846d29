"""The board of commitments (承诺公示): filtered, sorted and paged in the URL."""

from __future__ import annotations

from flask import render_template, request

from ..clock import today
from ..queries.board import BoardQuery, board_context, filter_options
from ..web import is_fragment_request, render_block
from . import bp


@bp.route("/")
def index():
    query = BoardQuery.from_args(request.args)
    context = board_context(query, today())
    if is_fragment_request():
        return render_block("board/index.html", "rows", **context)
    return render_template("board/index.html", options=filter_options(), **context)
