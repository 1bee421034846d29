"""Open data endpoints: commitments, shows and departments as JSON and CSV."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from ..clock import today as local_today
from ..extensions import limiter
from ..queries.board import search_commitments
from ..queries.scorecards import scorecards
from ..queries.shows import show_list
from ..web import csv_download
from . import bp
from .fields import (
    COMMITMENT_FIELDS,
    DEPARTMENT_FIELDS,
    SHOW_FIELDS,
    commitment_record,
    department_record,
    show_record,
)
from .filters import commitment_query, show_filters

__all__ = ["COMMITMENT_FIELDS", "DEPARTMENT_FIELDS", "SHOW_FIELDS"]

# A full export scans every row: generous for people, a brake for loops.
EXPORT_LIMIT = "20 per minute"


def csv_response(fields, records, name: str) -> Response:
    return csv_download(name, fields, ([record[f] for f in fields] for record in records))


@bp.route("/commitments")
def commitments():
    query = commitment_query(request.args)
    today = local_today()
    # A page past the end is empty (with the total), never the last page again.
    items, totals, pages = search_commitments(query, today, clamp=False)
    links = {"self": url_for("api.commitments", _external=True, **query.args())}
    if query.page < pages:
        links["next"] = url_for(
            "api.commitments", _external=True, **query.args(page=query.page + 1)
        )
    if query.page > 1:
        previous = min(query.page - 1, pages)
        links["prev"] = url_for("api.commitments", _external=True, **query.args(page=previous))
    return jsonify(
        {
            "data": [commitment_record(c, today) for c in items],
            "total": totals.total,
            "totals": {code: totals[code] for code in sorted(totals.by_code)},
            "page": query.page,
            "per_page": query.per_page,
            "pages": pages,
            "links": links,
            "as_of": today.isoformat(),
        }
    )


@bp.route("/commitments.csv")
@limiter.limit(EXPORT_LIMIT)
def commitments_csv():
    query = commitment_query(request.args)
    today = local_today()
    items, _totals, _pages = search_commitments(query, today, paged=False)
    return csv_response(
        COMMITMENT_FIELDS, (commitment_record(c, today) for c in items), "commitments"
    )


def _shows():
    """Shows newest first; ?year= (local), ?kind= and ?status= filter them."""
    return [show_record(row) for row in show_list(**show_filters(request.args))]


@bp.route("/shows")
def shows():
    return jsonify({"data": _shows()})


@bp.route("/shows.csv")
@limiter.limit(EXPORT_LIMIT)
def shows_csv():
    return csv_response(SHOW_FIELDS, _shows(), "shows")


def _departments():
    return [department_record(card) for card in scorecards(local_today())]


@bp.route("/departments")
def departments():
    return jsonify({"data": _departments(), "as_of": local_today().isoformat()})


@bp.route("/departments.csv")
@limiter.limit(EXPORT_LIMIT)
def departments_csv():
    return csv_response(DEPARTMENT_FIELDS, _departments(), "departments")
