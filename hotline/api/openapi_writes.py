"""The integration API in the OpenAPI document: the write endpoints (Bearer
token), their request bodies, the errors they answer with, and the webhook
payloads (OpenAPI 3.1 `webhooks`). Field names are the web forms' own."""

from __future__ import annotations

from ..actions import followup as followup_actions
from ..changes.uploads import TYPES
from ..models import OnAirKind, Role
from . import openapi_cue
from .openapi_followup import DATE, EVIDENCE, FOLLOWUP, ID, TERM_MEANINGS, S

VERSION = {"type": ["integer", "string"], "description": "the item's version, as last read"}
DESK, ANYONE = "moderator, supervisor", "moderator, supervisor, liaison (own department)"
OFFICE = "supervisor"
KEY_MAX_LENGTH = 200  # an Idempotency-Key; a longer one is a 422 naming the header

WHO = {
    Role.LIAISON: "liaison (own department)",
    Role.SUPERVISOR: "supervisor",
    Role.MODERATOR: "moderator",
}
# path, operationId, summary, who, {field: schema}, required, versioned, idempotent, answers
WRITES = (
    (
        "/api/v1/shows/{show_id}/calls",
        "log_call",
        "Log a call on a live show (the caller's name and phone stay private).",
        DESK,
        {
            "topic": S,
            "area": {
                **S,
                "description": "as typed; an area not on the list (GET /api/v1/areas) is "
                "kept and waits for the office to map it",
            },
            "category": {
                **S,
                "description": "as typed; a name or alias of a category sets category_id",
            },
            "category_id": {
                **ID,
                "description": "a category in use (GET /api/v1/categories); without "
                "department, the call routes to its default department",
            },
            "area_id": {**ID, "description": "an area in use (GET /api/v1/areas)"},
            "department": ID,
            "deputy": ID,
            "caller_name": S,
            "caller_phone": S,
            "callback": {"type": "boolean"},
            "caller_email": {
                "type": "string",
                "maxLength": 254,
                "description": "private, never returned: where the caller is told of each "
                "change, with notify",
            },
            "notify": {
                "type": "boolean",
                "description": "the caller consents to be told of each change (by e-mail "
                "or SMS to caller_phone)",
            },
        },
        ["topic"],
        False,
        True,
        "Call",
    ),
    (
        "/api/v1/calls/{call_id}/answer",
        "answer_call",
        "Record the answer given on air.",
        ANYONE,
        {"answer_text": S, "answered_by": S},
        ["answer_text", "answered_by"],
        True,
        True,
        "Call",
    ),
    (
        "/api/v1/calls/{call_id}/commitments",
        "commit_call",
        "A commitment made on air: deadline (a date) or deadline_preset (7, 30, 90, year_end).",
        ANYONE,
        {
            "pledge": S,
            "official_name": S,
            "official_title": S,
            **{name: {**S, "description": text} for name, text in TERM_MEANINGS.items()},
            "department": ID,
            "deadline": DATE,
            "deadline_preset": {"type": "string", "enum": ["7", "30", "90", "year_end", "date"]},
        },
        ["pledge", "official_name", "department"],
        False,
        True,
        "Commitment",
    ),
    (
        "/api/v1/calls/{call_id}/refer",
        "refer_call",
        "Refer the call for offline verification (a referral with a response deadline).",
        ANYONE,
        {"department": ID, "note": S},
        ["department"],
        True,
        True,
        "Call",
    ),
    (
        "/api/v1/calls/{call_id}/placard",
        "placard_vote",
        "The studio's placard vote on the answer.",
        DESK,
        {k: {"type": "integer", "minimum": 0} for k in ("satisfied", "basic", "dissatisfied")},
        ["satisfied", "basic", "dissatisfied"],
        True,
        True,
        "Call",
    ),
    (
        "/api/v1/shows/{show_id}/on-air",
        "put_on_air",
        "Put a call, a commitment or a rundown item on the broadcast overlay.",
        DESK,
        {"kind": {"type": "string", "enum": [k.value for k in OnAirKind]}, "item": ID},
        ["kind", "item"],
        False,
        False,
        "OnAir",
    ),
    (
        "/api/v1/shows/{show_id}/on-air/clear",
        "clear_on_air",
        "Clear the overlay.",
        DESK,
        {},
        [],
        False,
        False,
        "OnAir",
    ),
    *(
        (
            f"/api/v1/commitments/{{commitment_id}}/{action.path}",
            name,
            FOLLOWUP[name][0],
            ", ".join(WHO[role] for role in action.roles),
            FOLLOWUP[name][1],
            FOLLOWUP[name][2],
            True,
            True,
            "CommitmentState",
        )
        for name, action in followup_actions.ACTIONS.items()
    ),
    (
        "/api/v1/events/{event_id}/withhold",
        "withhold",
        "Withhold a timeline entry's note and files from public view, with a public reason.",
        OFFICE,
        {"reason": S},
        ["reason"],
        False,
        True,
        "CommitmentState",
    ),
)

_ERRORS = {
    "401": ("A missing, wrong, revoked or expired token, or its account disabled", "Error"),
    "403": ("The token's role or department may not do this", "Error"),
    "404": ("Not found, or outside the token's department", "Error"),
    "409": ("The version is stale: the current record is in `current`", "Conflict"),
    "422": (
        "Invalid fields: each is named in `errors` (`Idempotency-Key`: spent on another change)",
        "Invalid",
    ),
    "429": (
        "Too many requests with this token, or too many failed tokens from this address",
        "Error",
    ),
}

SCHEMAS = {
    "Invalid": {
        "type": "object",
        "required": ["error", "status", "errors"],
        "properties": {
            "error": S,
            "status": {"type": "integer"},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": S}},
        },
    },
    "Conflict": {
        "type": "object",
        "required": ["error", "status", "current"],
        "properties": {"error": S, "status": {"type": "integer"}, "current": {"type": "object"}},
    },
    "Call": {
        "type": "object",
        "description": (
            "A call's public fields (as in the webhooks' call.logged), the answer "
            "as typed, its commitments and version, the two verdicts on the answer "
            "(placard_vote, viewer_votes); reference_code only when it was logged."
        ),
        "properties": {
            "id": ID,
            "show_id": ID,
            "number": {"type": "integer"},
            "topic": S,
            "area": S,
            "category": S,
            "department_id": {"type": ["integer", "null"]},
            "deputy_id": {"type": ["integer", "null"]},
            "outcome": {"type": ["string", "null"]},
            "category_id": {
                "type": ["integer", "null"],
                "description": "the office's category the call is in; null until mapped",
            },
            "area_id": {
                "type": ["integer", "null"],
                "description": "the office's area the call is in; null until mapped",
            },
            "answer_text": S,
            "answered_by": S,
            "commitment_ids": {"type": "array", "items": ID},
            "version": {"type": "integer"},
            "placard_vote": {
                "oneOf": [{"$ref": "#/components/schemas/Verdict"}, {"type": "null"}],
                "description": "the studio's placard count (现场举牌); null until recorded",
            },
            "viewer_votes": {
                "allOf": [{"$ref": "#/components/schemas/Verdict"}],
                "description": (
                    "viewers' online votes while the answer was on air (网友投票); "
                    "apart from the placards, never added to them"
                ),
            },
            "reference_code": S,
        },
    },
    "Verdict": {
        "type": "object",
        "description": "Counts of each of the three answers on an answer given on air.",
        "required": ["satisfied", "basic", "dissatisfied"],
        "properties": {
            "satisfied": {"type": "integer", "minimum": 0, "description": "满意"},
            "basic": {"type": "integer", "minimum": 0, "description": "基本满意"},
            "dissatisfied": {"type": "integer", "minimum": 0, "description": "不满意"},
        },
    },
    "Commitment": {
        "type": "object",
        "properties": {
            "id": ID,
            "call_id": ID,
            "department_id": ID,
            "deadline": DATE,
            **{name: S for name in TERM_MEANINGS},
            "version": {"type": "integer"},
        },
    },
    "CommitmentState": {
        "type": "object",
        "properties": {
            "id": ID,
            "state": S,
            "deadline": DATE,
            "original_deadline": DATE,
            **{name: S for name in TERM_MEANINGS},
            "version": {"type": "integer"},
        },
    },
    "OnAir": {
        "type": "object",
        "description": "what is on the overlay now; kind and item null once cleared",
        "properties": {
            "show_id": ID,
            "kind": {"type": ["string", "null"], "enum": [*(k.value for k in OnAirKind), None]},
            "item": {**ID, "type": ["integer", "null"]},
        },
    },
    **openapi_cue.SCHEMAS,
    "WebhookPayload": {
        "type": "object",
        "required": ["type", "created_at", "data"],
        "properties": {
            "type": S,
            "created_at": {"type": "string", "format": "date-time"},
            "data": {
                "type": "object",
                "description": (
                    "The call's or the commitment's public fields (and `event`, the "
                    "timeline event). `caller` (name, phone) only for an endpoint marked "
                    "as the department's own system, for its calls whose caller asked "
                    "for a callback."
                ),
            },
        },
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# A required text: an empty or blank string is refused with a 422, as on the web form.
FILLED = {"type": "string", "minLength": 1, "pattern": r"\S"}


def _operation(path, op_id, summary, who, fields, required, versioned, idempotent, answer):
    properties = {
        name: {**FILLED, **schema}
        if name in required and schema.get("type") == "string"
        else schema
        for name, schema in fields.items()
    }
    if versioned:
        properties["version"] = VERSION
    body = {"type": "object", "properties": properties}
    if required or versioned:
        body["required"] = [*required, *(["version"] if versioned else [])]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": ID}
        for name in ("show_id", "call_id", "commitment_id", "event_id")
        if "{" + name + "}" in path
    ]
    if idempotent:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": KEY_MAX_LENGTH},
                "description": "a retry with the same key changes nothing twice; "
                "a key spent on another change (another item or action) is a 422",
            }
        )
    content = {"application/json": {"schema": _without_files(body)}}
    if any(schema is EVIDENCE for schema in fields.values()):
        files = [name for name, schema in fields.items() if schema is EVIDENCE]
        content["multipart/form-data"] = {
            "schema": body,
            "encoding": {name: {"contentType": ", ".join(TYPES)} for name in files},
        }
    data = {
        "type": "object",
        "properties": {
            "data": _ref(answer),
            "repeated": {"type": "boolean"},
            "warnings": {"type": "array", "items": S},
        },
    }
    return {
        "post": {
            "operationId": op_id,
            "summary": summary,
            "description": f"Token roles: {who}.",
            "tags": ["integration"],
            "security": [{"bearerToken": []}],
            "parameters": parameters,
            "requestBody": {"required": False, "content": content},
            "responses": {
                "200": {"description": "Saved (or repeated)", "content": _json(data)},
                "201": {"description": "Created", "content": _json(data)},
                **{
                    code: {"description": text, "content": _json(_ref(schema))}
                    for code, (text, schema) in _ERRORS.items()
                },
            },
        }
    }


def _without_files(body: dict) -> dict:
    """The JSON body: every field but the files (they travel only as file parts)."""
    properties = {k: v for k, v in body["properties"].items() if v is not EVIDENCE}
    return {**body, "properties": properties}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def paths() -> dict:
    return {row[0]: _operation(*row) for row in (*WRITES, *openapi_cue.WRITES)}


def webhooks() -> dict:
    from ..integration.webhooks import EVENT_TYPES

    signature = {
        "name": "X-Hotline-Signature",
        "in": "header",
        "required": True,
        "schema": S,
        "description": (
            "t=<unix time>,v1=<…>,v2=<hex HMAC-SHA256 of '<t>.<X-Hotline-Delivery>.<body>' "
            "with the secret>; check v2 (v1, over '<t>.<body>' only, is kept for older receivers)"
        ),
    }
    return {
        kind: {
            "post": {
                "summary": f"{kind}: sent to each endpoint registered for it",
                "parameters": [signature],
                "requestBody": {"content": _json(_ref("WebhookPayload"))},
                "responses": {"2XX": {"description": "Received; anything else is retried"}},
            }
        }
        for kind in EVENT_TYPES
    }


SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from Administration → API tokens.",
    }
}
