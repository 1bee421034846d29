"""One rule for every open-data filter: a value that is not one the endpoint
knows, is out of range or is empty is a 400 naming the parameter (leave a filter
out to not filter). Parameter names an endpoint does not take are ignored."""

from __future__ import annotations

from datetime import UTC, datetime

from ..extensions import db
from ..models import MAX_ID, Area, Category, Department, Deputy, Show, ShowKind, ShowStatus
from ..queries.board import KINDS, SORTS, STATUS_FILTERS, BoardQuery

MAX_PER_PAGE = 100
YEARS = (2000, 2100)
MAX_Q = 100


class BadFilter(Exception):
    """A filter value the endpoint refuses; `parameter` names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


# Open311 ids are strings of digits; the pattern is the rule (the OpenAPI says it).
ID_LIST_PATTERN = r"^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){0,99}$"
SERVICE_CODE_PATTERN = r"^[1-9][0-9]{0,8}$"


def _value(args, name: str) -> str | None:
    if name not in args:
        return None
    value = args[name]
    if value == "":
        raise BadFilter(name, "is empty (leave the parameter out to not filter)")
    return value


def whole(args, name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    value = _value(args, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise BadFilter(name, f"must be a whole number from {low} to {high}")
    return int(value)


def choice(args, name: str, allowed) -> str | None:
    value = _value(args, name)
    if value is not None and value not in allowed:
        raise BadFilter(name, f"must be one of: {', '.join(allowed)}")
    return value


def existing(args, name: str, model) -> int | None:
    """An id that must belong to a row (department, show, deputy)."""
    value = whole(args, name)
    if value is not None and db.session.get(model, value) is None:
        raise BadFilter(name, f"there is no {name} {value}")
    return value


def year(args) -> int | None:
    return whole(args, "year", *YEARS)


def utc_moment(args, name: str) -> datetime | None:
    """An ISO 8601 date-time with an offset, as naive UTC (how times are stored)."""
    value = _value(args, name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadFilter(name, "must be an ISO 8601 date-time with a time zone")
    return moment.astimezone(UTC).replace(tzinfo=None)


def commitment_query(args) -> BoardQuery:
    """The board's filters, checked: (the board itself drops what it does not know)."""
    choice(args, "status", list(STATUS_FILTERS))
    choice(args, "sort", list(SORTS))
    choice(args, "kind", list(KINDS))
    for name, model in (
        ("department", Department),
        ("show", Show),
        ("deputy", Deputy),
        ("category", Category),
        ("area", Area),
    ):
        existing(args, name, model)
    year(args)
    whole(args, "page")
    whole(args, "per_page", 1, MAX_PER_PAGE)
    if len(args.get("q", "")) > MAX_Q:
        raise BadFilter("q", f"must be at most {MAX_Q} characters")
    return BoardQuery.from_args(args, max_per_page=MAX_PER_PAGE)


def show_filters(args) -> dict:
    return {
        "year": year(args),
        "kind": choice(args, "kind", [k.value for k in ShowKind]),
        "status": choice(args, "status", [s.value for s in ShowStatus]),
    }
