"""The board as Open311 GeoReport v2 (read only), so civic tools can read it:
services are departments, requests are the items on the board."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import abort, current_app, jsonify, request
from flask_babel import gettext as _

from ..clock import today as local_today
from ..labels import status_text
from ..models import MAX_ID, Department
from ..queries.open311 import CLOSED_STATES, service_requests, services
from . import open311_bp
from .fields import iso
from .filters import ID_LIST_PATTERN, SERVICE_CODE_PATTERN, BadFilter, choice, existing, utc_moment

MAX_IDS = 100


def service_record(department) -> dict:
    return {
        "service_code": str(department.id),
        "service_name": department.name,
        "description": department.name,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


def expected(deadline) -> str:
    """The end of the deadline day, local time, with its offset."""
    zone = ZoneInfo(current_app.config["HOTLINE_TIMEZONE"])
    return datetime.combine(deadline, time(23, 59, 59), zone).isoformat()


def request_record(c, updated_at: datetime, today) -> dict:
    return {
        "service_request_id": str(c.id),
        "status": "closed" if c.state in CLOSED_STATES else "open",
        "status_notes": status_text(c.status(today)),
        "service_name": c.department.name,
        "service_code": str(c.department_id),
        "description": c.pledge,
        "agency_responsible": c.department.name,
        "service_notice": c.withdrawn_reason,
        "requested_datetime": iso(c.created_at),
        "updated_datetime": iso(updated_at),
        "expected_datetime": expected(c.deadline),
        "address": c.call.area if c.call else c.message.area,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def request_ids(args) -> list[int] | None:
    """Up to 100 ids, comma separated; one no row could have matches nothing."""
    if "service_request_id" not in args:
        return None
    value = args["service_request_id"]
    if not re.fullmatch(ID_LIST_PATTERN, value):
        raise BadFilter("service_request_id", f"must be 1 to {MAX_IDS} ids separated by commas")
    return [int(p) for p in value.split(",") if int(p) <= MAX_ID]


def service_code(args) -> int | None:
    if "service_code" in args and not re.fullmatch(SERVICE_CODE_PATTERN, args["service_code"]):
        raise BadFilter("service_code", "must be a department id")
    return existing(args, "service_code", Department)


@open311_bp.route("/services.json")
def services_json():
    return jsonify([service_record(d) for d in services()])


@open311_bp.route("/requests.json")
def requests_json():
    args = request.args
    found = service_requests(
        ids=request_ids(args),
        department=service_code(args),
        status=choice(args, "status", ["open", "closed"]),
        start=utc_moment(args, "start_date"),
        end=utc_moment(args, "end_date"),
    )
    today = local_today()
    return jsonify([request_record(c, at, today) for c, at in found])


@open311_bp.route("/requests/<request_id>.json")
def request_json(request_id: str):
    # Any text is routed here, so that every miss is a GeoReport error, not a page.
    number = int(request_id) if request_id.isascii() and request_id.isdigit() else 0
    found = service_requests(ids=[number]) if 0 < number <= MAX_ID else []
    if not found:
        abort(404, description=_("There is no service request %(id)s.", id=request_id))
    today = local_today()
    return jsonify([request_record(c, at, today) for c, at in found])
