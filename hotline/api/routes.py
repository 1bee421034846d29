"""Open data endpoints: commitments, shows and departments as JSON and CSV."""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, jsonify, request, url_for

from ..clock import today as local_today
from ..clock import utc_year_bounds
from ..extensions import db, limiter
from ..models import Show, ShowKind, ShowStatus
from ..queries.board import KINDS, SORTS, STATUS_FILTERS, BoardQuery, search_commitments
from ..queries.scorecards import scorecards
from ..queries.shows import show_counts
from ..web import csv_download
from . import bp

MAX_PER_PAGE = 100
COMMITMENT_FIELDS = (
    "id",
    "kind",
    "url",
    "pledge",
    "department_id",
    "department",
    "official_name",
    "official_title",
    "show_id",
    "show_title",
    "show_starts_at",
    "call_id",
    "call_number",
    "topic",
    "area",
    "category",
    "deputy_id",
    "deputy",
    "created_at",
    "deadline",
    "original_deadline",
    "extended",
    "state",
    "status",
    "status_days",
    "completed_on",
    "withdrawn_reason",
)
SHOW_FIELDS = (
    "id",
    "url",
    "title",
    "kind",
    "venue",
    "starts_at",
    "status",
    "calls",
    "answered",
    "commitments",
    "met",
)
DEPARTMENT_FIELDS = (
    "id",
    "name",
    "rank",
    "commitments",
    "referrals",
    "fell_due",
    "met_on_time",
    "met_after_extension",
    "met_late",
    "reported",
    "due",
    "due_today",
    "overdue",
    "withdrawn",
    "extended",
    "on_time_rate",
    "median_days_to_complete",
    "ratings_satisfied",
    "ratings_basic",
    "ratings_dissatisfied",
)


def iso(value) -> str | None:
    """Dates as YYYY-MM-DD; stored (naive UTC) times as YYYY-MM-DDTHH:MM:SSZ."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def commitment_record(c, today: date) -> dict:
    st = c.status(today)
    call = c.call
    return {
        "id": c.id,
        "kind": c.kind,
        "url": url_for("board.commitment", commitment_id=c.id, _external=True),
        "pledge": c.pledge,
        "department_id": c.department_id,
        "department": c.department.name,
        "official_name": c.official_name,
        "official_title": c.official_title,
        "show_id": call.show_id,
        "show_title": call.show.title,
        "show_starts_at": iso(call.show.starts_at),
        "call_id": call.id,
        "call_number": call.number,
        "topic": call.topic,
        "area": call.area,
        "category": call.category,
        "deputy_id": call.deputy_id,
        "deputy": call.deputy.name if call.deputy else None,
        "created_at": iso(c.created_at),
        "deadline": iso(c.deadline),
        "original_deadline": iso(c.original_deadline),
        "extended": st.extended,
        "state": c.state,
        "status": st.code.value,
        "status_days": st.days,
        "completed_on": iso(c.completed_on),
        "withdrawn_reason": c.withdrawn_reason,
    }


def show_record(row) -> dict:
    s, calls, answered, commitments, met = row
    return {
        "id": s.id,
        "url": url_for("board.show", show_id=s.id, _external=True),
        "title": s.title,
        "kind": s.kind,
        "venue": s.venue,
        "starts_at": iso(s.starts_at),
        "status": s.status,
        "calls": calls,
        "answered": answered,
        "commitments": commitments,
        "met": met,
    }


def department_record(card) -> dict:
    return {
        "id": card.department.id,
        "name": card.department.name,
        "rank": card.rank,
        "commitments": card.total,
        "referrals": card.referrals,
        "fell_due": card.fell_due,
        **{
            code: card[code]
            for code in (
                "met_on_time",
                "met_after_extension",
                "met_late",
                "reported",
                "due",
                "due_today",
                "overdue",
                "withdrawn",
            )
        },
        "extended": card.extended,
        "on_time_rate": round(card.on_time_rate, 4) if card.on_time_rate is not None else None,
        "median_days_to_complete": card.median_days,
        "ratings_satisfied": card.ratings.get("satisfied", 0),
        "ratings_basic": card.ratings.get("basic", 0),
        "ratings_dissatisfied": card.ratings.get("dissatisfied", 0),
    }


def csv_response(fields, records, name: str) -> Response:
    return csv_download(name, fields, ([record[f] for f in fields] for record in records))


# A full export scans every row: generous for people, a brake for loops.
EXPORT_LIMIT = "20 per minute"


class BadFilter(Exception):
    pass


@bp.errorhandler(BadFilter)
def bad_filter(error: BadFilter):
    # Data users get told, rather than a silently unfiltered list.
    return jsonify({"error": str(error)}), 400


def checked_query(max_per_page: int | None = None) -> BoardQuery:
    args = request.args
    status = args.get("status")
    if status and status not in STATUS_FILTERS:
        raise BadFilter(f"status must be one of: {', '.join(sorted(STATUS_FILTERS))}")
    kind = args.get("kind")
    if kind and kind not in KINDS:
        raise BadFilter(f"kind must be one of: {', '.join(KINDS)}")
    for name in ("department", "show", "deputy", "year", "page", "per_page"):
        if args.get(name) and args.get(name, type=int) is None:
            raise BadFilter(f"{name} must be a whole number")
    sort = args.get("sort")
    if sort and sort not in SORTS:
        raise BadFilter(f"sort must be one of: {', '.join(SORTS)}")
    if max_per_page is None:
        return BoardQuery.from_args(args)
    return BoardQuery.from_args(args, max_per_page=max_per_page)


def _commitment_page():
    query = checked_query(MAX_PER_PAGE)
    today = local_today()
    items, totals, pages = search_commitments(query, today)
    return query, today, items, totals, pages


@bp.route("/commitments")
def commitments():
    query, today, items, totals, pages = _commitment_page()
    links = {"self": url_for("api.commitments", _external=True, **query.args())}
    if query.page < pages:
        links["next"] = url_for(
            "api.commitments", _external=True, **query.args(page=query.page + 1)
        )
    if query.page > 1:
        links["prev"] = url_for(
            "api.commitments", _external=True, **query.args(page=query.page - 1)
        )
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
    query = checked_query()
    today = local_today()
    items, _totals, _pages = search_commitments(query, today, paged=False)
    return csv_response(
        COMMITMENT_FIELDS, (commitment_record(c, today) for c in items), "commitments"
    )


def _shows():
    """Shows newest first; ?year= (local), ?kind= and ?status= filter them."""
    stmt = show_counts()
    year = request.args.get("year", type=int)
    if year and 2000 <= year <= 2100:
        start, end = utc_year_bounds(year)
        stmt = stmt.where(Show.starts_at >= start, Show.starts_at < end)
    if request.args.get("kind") in set(ShowKind):
        stmt = stmt.where(Show.kind == request.args["kind"])
    if request.args.get("status") in set(ShowStatus):
        stmt = stmt.where(Show.status == request.args["status"])
    return [show_record(row) for row in db.session.execute(stmt).all()]


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
