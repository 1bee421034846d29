"""What the open data publishes: every field of every record, its JSON Schema and
its meaning. One table feeds the JSON, the CSV columns, the OpenAPI document and
the human page, so none of them can drift from the others."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..models import ShowKind, ShowStatus, iso, item_fields
from ..queries.board import KINDS
from ..rules.status import Code, State

INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
UTC_TIME = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
STATUS_CODES = [code.value for code in Code]


def nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


# (name, JSON Schema, meaning): the tables in docs/api.md list the same, in this order.
COMMITMENT_SPEC = (
    ("id", INTEGER, _l("commitment id")),
    (
        "kind",
        {"type": "string", "enum": list(KINDS)},
        _l(
            "commitment (made on air) or referral (转线下核实, or 交办 from a 代表码 "
            "message, with a response deadline)"
        ),
    ),
    (
        "source",
        {"type": "string", "enum": ["call", "deputy_code"]},
        _l(
            "call (made or referred on air) or deputy_code (a message through a "
            "deputy's 代表码, given to the department: 交办)"
        ),
    ),
    ("url", URL, _l("its public page")),
    ("pledge", STRING, _l("the pledge in the official's words")),
    ("department_id", INTEGER, _l("responsible department")),
    ("department", STRING, _l("department name")),
    ("official_name", STRING, _l("official who made the commitment on air")),
    ("official_title", STRING, _l("the official's title")),
    ("deliverable", STRING, _l("what will be delivered (empty until given)")),
    ("place", STRING, _l("where (empty until given)")),
    ("measure", STRING, _l("how much or how many, where one applies (empty until given)")),
    (
        "criterion",
        STRING,
        _l(
            "the acceptance criterion (验收标准: who checks, and how); empty until the "
            "department adds it, and the public page then says it is to be added"
        ),
    ),
    ("show_id", nullable(INTEGER), _l("show the commitment was made on")),
    ("show_title", nullable(STRING), _l("the show's title")),
    ("show_starts_at", nullable(UTC_TIME), _l("when the show started")),
    ("call_id", nullable(INTEGER), _l("the call it came from")),
    ("call_number", nullable(INTEGER), _l("the call's number within the show (#1, #2…)")),
    ("topic", STRING, _l("public summary of the call (or of the 代表码 message)")),
    ("area", STRING, _l("community or street of the call")),
    ("category", STRING, _l("category of the call")),
    ("deputy_id", nullable(INTEGER), _l("deputy who took the call (or was sent the message)")),
    ("deputy", nullable(STRING), _l("the deputy's name")),
    ("created_at", UTC_TIME, _l("when the commitment was made")),
    ("deadline", DATE, _l("current deadline (later than the original one if extended)")),
    ("original_deadline", DATE, _l("the deadline promised on air; never changes")),
    ("extended", {"type": "boolean"}, _l("the deadline was extended")),
    ("state", {"type": "string", "enum": [s.value for s in State]}, _l("stored state")),
    ("status", {"type": "string", "enum": STATUS_CODES}, _l("public status code")),
    (
        "status_days",
        nullable(COUNT),
        _l(
            "days left (due), days overdue (overdue), days late (met_late, or reported "
            "after the deadline)"
        ),
    ),
    ("completed_on", nullable(DATE), _l("date the department completed it")),
    ("withdrawn_reason", nullable(STRING), _l("public reason for a withdrawal")),
)
SHOW_SPEC = (
    ("id", INTEGER, _l("show id")),
    ("url", URL, _l("its public page")),
    ("title", STRING, _l("title, e.g. 代表专线（第172期）")),
    ("kind", {"type": "string", "enum": [k.value for k in ShowKind]}, _l("kind of show")),
    ("venue", STRING, _l("where it took place")),
    ("starts_at", UTC_TIME, _l("start time")),
    ("status", {"type": "string", "enum": [s.value for s in ShowStatus]}, _l("show status")),
    ("calls", COUNT, _l("calls taken")),
    ("answered", COUNT, _l("calls answered on air")),
    ("commitments", COUNT, _l("commitments made")),
    ("met", COUNT, _l("of those, verified as met")),
)
RATE = nullable({"type": "number", "minimum": 0, "maximum": 1})
OPENNESS_PARTS = (
    ("acknowledged", _l("share of items acknowledged (签收) within the limit")),
    ("progress", _l("share of items with progress posted by the deadline")),
    ("evidence", _l("share of completion reports with evidence attached")),
    ("extensions", _l("share of extension requests made before the deadline expired")),
    ("presses", _l("share of presses (督办) answered within the limit")),
    ("milestones", _l("share of milestones met by their date")),
)
DEPARTMENT_SPEC = (
    ("id", INTEGER, _l("department id")),
    ("name", STRING, _l("department name")),
    ("rank", nullable({"type": "integer", "minimum": 1}), _l("rank by on-time rate")),
    ("commitments", COUNT, _l("all its items: commitments and referrals")),
    ("referrals", COUNT, _l("of those, referrals for offline verification")),
    ("fell_due", COUNT, _l("commitments met, or past their original deadline")),
    ("met_on_time", COUNT, _l("met by the original deadline")),
    ("met_after_extension", COUNT, _l("met after the original deadline but by the extended one")),
    ("met_late", COUNT, _l("met after the (current) deadline")),
    ("reported", COUNT, _l("reported done, awaiting verification")),
    ("due", COUNT, _l("open, deadline still ahead")),
    ("due_today", COUNT, _l("open, due today")),
    ("overdue", COUNT, _l("open and past the deadline now")),
    ("withdrawn", COUNT, _l("withdrawn with a public reason")),
    ("extended", COUNT, _l("commitments whose deadline was extended")),
    (
        "on_time_rate",
        nullable({"type": "number", "minimum": 0, "maximum": 1}),
        _l("met_on_time / fell_due (0–1)"),
    ),
    (
        "median_days_to_complete",
        nullable({"type": "number"}),
        _l("median days from the day it was made on air to completion"),
    ),
    ("ratings_satisfied", COUNT, _l("online ratings: satisfied")),
    ("ratings_basic", COUNT, _l("online ratings: basically satisfied")),
    ("ratings_dissatisfied", COUNT, _l("online ratings: dissatisfied")),
    ("milestones_missed", COUNT, _l("milestones not met by their date (missed or met late)")),
    ("milestones_due", COUNT, _l("milestones met, or past their date")),
    ("openness", RATE, _l("openness score: the mean of the parts below that have cases (0–1)")),
    (
        "openness_rank",
        nullable({"type": "integer", "minimum": 1}),
        _l("rank by openness score; null when the sample is too small"),
    ),
    ("openness_items", COUNT, _l("items the openness score counts (the ranking's sample)")),
    *((f"openness_{part}", RATE, text) for part, text in OPENNESS_PARTS),
)

COMMITMENT_FIELDS = tuple(name for name, _schema, _text in COMMITMENT_SPEC)
SHOW_FIELDS = tuple(name for name, _schema, _text in SHOW_SPEC)
DEPARTMENT_FIELDS = tuple(name for name, _schema, _text in DEPARTMENT_SPEC)


def commitment_record(c, today: date) -> dict:
    record = item_fields(c, today)
    url = url_for("public.commitment", commitment_id=c.id, _external=True)
    return {**record, "url": url}


def show_record(row) -> dict:
    s, calls, answered, commitments, met = row
    return {
        "id": s.id,
        "url": url_for("public.show", show_id=s.id, _external=True),
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
        "milestones_missed": card.milestones_missed,
        "milestones_due": card.milestones_due,
        "openness": _round(card.openness.score),
        "openness_rank": card.openness.rank,
        "openness_items": card.openness.items,
        **{f"openness_{part}": _round(card.openness.rate(part)) for part, _t in OPENNESS_PARTS},
    }


def _round(rate: float | None) -> float | None:
    return round(rate, 4) if rate is not None else None
