"""The OpenAPI 3.1 description of the open data, built from the same field and
filter tables the endpoints use (tests validate every real response against it).
Texts are lazy: the document is English, the human page is in the reader's language."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..models import MAX_ID, ClaimKind, Outcome, ShowKind, ShowStatus
from ..queries.board import SORTS, STATUS_FILTERS
from . import openapi_replies as replies
from . import openapi_tally as tally
from . import openapi_writes as writes
from .areas import AREA_SPEC
from .categories import CATEGORY_SPEC
from .fields import (
    COMMITMENT_SPEC,
    DATE,
    DEPARTMENT_SPEC,
    INTEGER,
    SHOW_SPEC,
    STATUS_CODES,
    STRING,
    URL,
    UTC_TIME,
    nullable,
)
from .filters import ID_LIST_PATTERN, MAX_PER_PAGE, MAX_Q, SERVICE_CODE_PATTERN, YEARS

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

# name → (JSON Schema, meaning) of each query parameter.
PARAMETERS = {
    "status": (
        {"type": "string", "enum": list(STATUS_FILTERS)},
        _l("a public status code, or open (due, due today, overdue) or met (all three met codes)"),
    ),
    "department": (ID, _l("department id (an existing department)")),
    "show": (ID, _l("show id (an existing show)")),
    "category": (ID, _l("category id (an existing category of the office's list)")),
    "area": (
        ID,
        _l("area id (an existing area); the area's streets and communities are included"),
    ),
    "deputy": (ID, _l("id of the deputy who took the call (an existing deputy)")),
    "year": (
        {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
        _l("year of the show (local time)"),
    ),
    "q": ({"type": "string", "maxLength": MAX_Q}, _l("text contained in the pledge or the topic")),
    "sort": ({"type": "string", "enum": list(SORTS)}, _l("deadline (default), newest or overdue")),
    "page": (ID, _l("page number from 1; a page past the end is empty")),
    "per_page": (
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        _l("page size, default 50"),
    ),
    "kind": ({"type": "string", "enum": [k.value for k in ShowKind]}, _l("kind of show")),
    "show_status": (
        {"type": "string", "enum": [s.value for s in ShowStatus]},
        _l("status of the show"),
    ),
    "service_request_id": (
        {"type": "string", "pattern": ID_LIST_PATTERN},
        _l("up to 100 request ids, separated by commas"),
    ),
    "service_code": (
        {"type": "string", "pattern": SERVICE_CODE_PATTERN},
        _l("service code (a department id)"),
    ),
    "open311_status": ({"type": "string", "enum": ["open", "closed"]}, _l("open or closed")),
    "start_date": (
        {"type": "string", "format": "date-time"},
        _l("made at or after this time (ISO 8601 with a time zone)"),
    ),
    "end_date": (
        {"type": "string", "format": "date-time"},
        _l("made at or before this time (ISO 8601 with a time zone)"),
    ),
}
COMMITMENT_FILTERS = (
    "status",
    "department",
    "category",
    "area",
    "show",
    "deputy",
    "year",
    "q",
    "sort",
)
SHOW_FILTERS = ("year", "kind", "show_status")
OPEN311_FILTERS = ("service_request_id", "service_code", "open311_status", "start_date", "end_date")

# (path, operation id, what it answers, query parameters, 200 body, error statuses)
ENDPOINTS = (
    (
        "/api/v1/commitments",
        "commitments",
        _l("commitments, filtered and paged like the board"),
        (*COMMITMENT_FILTERS, "page", "per_page"),
        ("json", "CommitmentPage"),
        (400,),
    ),
    (
        "/api/v1/commitments.csv",
        "commitments_csv",
        _l("the same filters, every matching row (no paging)"),
        COMMITMENT_FILTERS,
        ("csv", "Commitment"),
        (400, 429),
    ),
    (
        "/api/v1/shows",
        "shows",
        _l("every show with its counts, newest first"),
        SHOW_FILTERS,
        ("json", "ShowList"),
        (400,),
    ),
    (
        "/api/v1/shows.csv",
        "shows_csv",
        _l("the shows as CSV"),
        SHOW_FILTERS,
        ("csv", "Show"),
        (400, 429),
    ),
    (
        "/api/v1/departments",
        "departments",
        _l("the department scorecard, ranked"),
        (),
        ("json", "DepartmentList"),
        (),
    ),
    (
        "/api/v1/departments.csv",
        "departments_csv",
        _l("the department scorecard as CSV"),
        (),
        ("csv", "Department"),
        (429,),
    ),
    (
        "/open311/v2/services.json",
        "open311_services",
        _l("Open311 GeoReport v2: the departments as services"),
        (),
        ("json", "ServiceList"),
        (),
    ),
    (
        "/open311/v2/requests.json",
        "open311_requests",
        _l("Open311 GeoReport v2: the items as service requests, newest first (at most 1000)"),
        OPEN311_FILTERS,
        ("json", "ServiceRequestList"),
        (400,),
    ),
    (
        "/open311/v2/requests/{request_id}.json",
        "open311_request",
        _l("Open311 GeoReport v2: one service request"),
        (),
        ("json", "ServiceRequestList"),
        (404,),
    ),
    (
        "/api/v1/versions/{code}",
        "version",
        _l(
            "a verification code (核验码) from the overlay, a rundown or a printed list: "
            "the record as it was shown with it, and whether it has changed since"
        ),
        (),
        ("json", "Version"),
        (404,),
    ),
    (
        "/api/v1/categories",
        "categories",
        _l(
            "the office's categories, retired ones too, each with the department it "
            "routes to by default"
        ),
        (),
        ("json", "CategoryList"),
        (),
    ),
    (
        "/api/v1/areas",
        "areas",
        _l("the office's areas: districts, streets and towns, communities; retired ones too"),
        (),
        ("json", "AreaList"),
        (),
    ),
    (
        "/api/v1/openapi.json",
        "openapi",
        _l("this description, OpenAPI 3.1"),
        (),
        ("json", None),
        (),
    ),
)
RECORDS = {
    "Commitment": COMMITMENT_SPEC,
    "Show": SHOW_SPEC,
    "Department": DEPARTMENT_SPEC,
    "Category": CATEGORY_SPEC,
    "Area": AREA_SPEC,
}
# The office's lists: not on the public record's clock, so no Last-Modified (api/http.py).
LISTS = ("openapi", "categories", "areas")

_S = "string"
OPEN311_SERVICE = {
    "service_code": {"type": _S},
    "service_name": {"type": _S},
    "description": {"type": _S},
    "metadata": {"type": "boolean"},
    "type": {"type": _S, "enum": ["realtime", "batch", "blackbox"]},
    "keywords": {"type": _S},
    "group": {"type": _S},
}
OPEN311_REQUEST = {
    "service_request_id": {"type": _S},
    "status": {"type": _S, "enum": ["open", "closed"]},
    "status_notes": {"type": [_S, "null"]},
    "service_name": {"type": _S},
    "service_code": {"type": _S},
    "description": {"type": _S},
    "agency_responsible": {"type": _S},
    "service_notice": {"type": [_S, "null"]},
    "requested_datetime": {"type": _S, "format": "date-time"},
    "updated_datetime": {"type": _S, "format": "date-time"},
    "expected_datetime": {"type": _S, "format": "date-time"},
    "address": {"type": _S},
    "address_id": {"type": [_S, "null"]},
    "zipcode": {"type": [_S, "null"]},
    "lat": {"type": ["number", "null"]},
    "long": {"type": ["number", "null"]},
    "media_url": {"type": [_S, "null"]},
}


# A call as kept with a verification code: models/public.public_fields, with
# the names a page shows and the answer while public pages show it.
CALL_VERSION = {
    "id": INTEGER,
    "show_id": INTEGER,
    "number": INTEGER,
    "topic": STRING,
    "area": STRING,
    "category": STRING,
    "department_id": nullable(INTEGER),
    "deputy_id": nullable(INTEGER),
    "outcome": {"type": [_S, "null"], "enum": [o.value for o in Outcome] + [None]},
    "show_title": STRING,
    "show_starts_at": UTC_TIME,
    "department": nullable(STRING),
    "deputy": nullable(STRING),
    "answer": STRING,
    "answered_by": STRING,
}


def _version() -> dict:
    """A verification code's answer: the record as it was shown (a board item's
    open-data fields but its page's address, or a call's public fields)."""
    kept = {name: schema for name, schema, _text in COMMITMENT_SPEC if name != "url"}
    return _object(
        {
            "code": {"type": _S, "pattern": r"^[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}$"},
            "url": {**URL, "description": "the page of the version, /v/<code>"},
            "kind": {"type": _S, "enum": [k.value for k in ClaimKind]},
            "item_id": INTEGER,
            "version": {**INTEGER, "description": "the record's version number then"},
            "first_shown_at": UTC_TIME,
            "record": {
                "oneOf": [_object(kept), _object(CALL_VERSION)],
                "description": "the public fields as they were shown",
            },
            "changed_since": {
                "type": "boolean",
                "description": "the record's public fields differ now (or it is gone)",
            },
            "changed_fields": {"type": "array", "items": {"type": _S}},
            "current_url": {**nullable(URL), "description": "the record as it is now"},
            "as_of": {**DATE, "description": "the local date it was compared on"},
        }
    )


def _object(properties: dict) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _record(spec) -> dict:
    return _object({name: {**schema, "description": str(text)} for name, schema, text in spec})


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict:
    links = {
        "type": "object",
        "properties": {"self": URL, "next": URL, "prev": URL},
        "required": ["self"],
        "additionalProperties": False,
    }
    page = _object(
        {
            "data": {"type": "array", "items": _ref("Commitment")},
            "total": {"type": "integer", "minimum": 0, "description": "every match, all pages"},
            "totals": {
                "type": "object",
                "propertyNames": {"enum": STATUS_CODES},
                "additionalProperties": {"type": "integer", "minimum": 1},
                "description": "total split by public status code",
            },
            "page": PARAMETERS["page"][0],
            "per_page": PARAMETERS["per_page"][0],
            "pages": {"type": "integer", "minimum": 1},
            "links": links,
            "as_of": {**DATE, "description": "the local date the statuses were computed for"},
        }
    )
    error = {
        "type": "object",
        "properties": {
            "error": {"type": _S},
            "status": {"type": "integer"},
            "parameter": {"type": _S, "description": "the query parameter refused"},
            "retry_after": {
                "type": "integer",
                "description": "a 429 of too many failed tokens: seconds to wait",
            },
        },
        "required": ["error", "status"],
        "additionalProperties": False,
    }
    open311_error = {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "description": {"type": _S},
                "parameter": {"type": _S},
            },
            "required": ["code", "description"],
            "additionalProperties": False,
        },
    }
    return {
        **{name: _record(spec) for name, spec in RECORDS.items()},
        "CommitmentPage": page,
        "ShowList": _object({"data": {"type": "array", "items": _ref("Show")}}),
        "CategoryList": _object({"data": {"type": "array", "items": _ref("Category")}}),
        "AreaList": _object({"data": {"type": "array", "items": _ref("Area")}}),
        "DepartmentList": _object(
            {"data": {"type": "array", "items": _ref("Department")}, "as_of": DATE}
        ),
        "ServiceList": {"type": "array", "items": _object(OPEN311_SERVICE)},
        "ServiceRequestList": {"type": "array", "items": _object(OPEN311_REQUEST)},
        "Version": _version(),
        "Error": error,
        "Open311Error": open311_error,
    }


def _header(description: str) -> dict:
    return {"required": True, "schema": {"type": _S}, "description": description}


def _ok(body: tuple, data: bool) -> dict:
    kind, name = body
    headers = {
        "ETag": _header("a hash of the body; send it back as If-None-Match"),
        "Cache-Control": _header("public, max-age=60"),
        "Access-Control-Allow-Origin": _header("*"),
    }
    if data:
        headers["Last-Modified"] = _header("the newest change to the public record")
    if kind == "csv":
        columns = [field for field, _schema, _text in RECORDS[name]]
        content = {
            "text/csv": {
                "schema": {
                    "type": _S,
                    "description": (
                        f"UTF-8 with a byte-order mark; a header row, then one row per "
                        f"{name.lower()} with the fields of the {name} schema as columns: "
                        + ", ".join(columns)
                    ),
                    "x-columns": columns,
                    "x-record": f"#/components/schemas/{name}",
                }
            }
        }
    else:
        schema = _ref(name) if name else {"type": "object"}
        content = {"application/json": {"schema": schema}}
    return {"description": "OK", "headers": headers, "content": content}


def _error(path: str, status: int) -> dict:
    name = "Open311Error" if path.startswith("/open311/") else "Error"
    words = {400: "A filter value refused (the parameter is named)", 404: "Not found"}
    words[429] = "Too many full exports (20 a minute)"
    return {"description": words[status], "content": {"application/json": {"schema": _ref(name)}}}


def _parameter(name: str) -> dict:
    schema, text = PARAMETERS[name]
    public = {"show_status": "status", "open311_status": "status"}.get(name, name)
    return {
        "name": public,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": str(text),
    }


def _operation(path, operation_id, summary, params, body, errors) -> dict:
    operation = {
        "operationId": operation_id,
        "summary": str(summary),
        "parameters": [_parameter(p) for p in params],
        "responses": {
            "200": _ok(body, data=operation_id not in LISTS),
            "304": {"description": "Not modified (If-None-Match or If-Modified-Since)"},
            **{str(code): _error(path, code) for code in errors},
        },
    }
    if "{request_id}" in path:
        operation["parameters"].append(
            {"name": "request_id", "in": "path", "required": True, "schema": ID}
        )
    if "{code}" in path:
        operation["parameters"].append(
            {
                "name": "code",
                "in": "path",
                "required": True,
                "schema": {"type": _S, "minLength": 1, "maxLength": 20},
                "description": "the code as shown (K7Q-M2XD); any case, dash optional",
            }
        )
    return {"get": operation}


def document() -> dict:
    """The OpenAPI 3.1 document, in English whatever the reader's language."""
    with force_locale("en"):
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Hotline open data",
                "version": "1",
                "description": (
                    "The public board of commitments made on air, as JSON and CSV, "
                    "and as Open311 GeoReport v2. No key is needed; only public fields. "
                    "A filter value that is unknown or out of range is a 400 naming the "
                    "parameter; so is an empty value (leave a filter out to not filter). "
                    "The integration endpoints (POST, tag `integration`) need an API "
                    "token and make the same changes as the web forms; `webhooks` lists "
                    "what registered endpoints receive."
                ),
            },
            "paths": {
                **{path: _operation(path, *rest) for path, *rest in ENDPOINTS},
                **writes.paths(),
                **tally.paths(),
                **replies.paths(),
            },
            "webhooks": writes.webhooks(),
            "components": {
                "schemas": {**_schemas(), **writes.SCHEMAS, **tally.SCHEMAS, **replies.SCHEMAS},
                "securitySchemes": writes.SECURITY_SCHEMES,
            },
        }
