"""The integration API in the OpenAPI document: the write endpoints (Bearer
token), their request bodies, the errors they answer with, and the webhook
payloads (OpenAPI 3.1 `webhooks`). Field names are the web forms' own."""

from __future__ import annotations

from ..models import MAX_ID, OnAirKind

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
S, DATE = {"type": "string"}, {"type": "string", "format": "date"}
VERSION = {"type": ["integer", "string"], "description": "the item's version, as last read"}
DESK, ANYONE = "moderator, supervisor", "moderator, supervisor, liaison (own department)"
WORKER, OFFICE = "liaison (own department), supervisor", "supervisor"

# path, operationId, summary, who, {field: schema}, required, versioned, idempotent, answers
WRITES = (
    (
        "/api/v1/shows/{show_id}/calls",
        "log_call",
        "Log a call on a live show (the caller's name and phone stay private).",
        DESK,
        {
            "topic": S,
            "area": S,
            "category": S,
            "department": ID,
            "deputy": ID,
            "caller_name": S,
            "caller_phone": S,
            "callback": {"type": "boolean"},
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
            f"/api/v1/commitments/{{commitment_id}}/{name}",
            name,
            summary,
            who,
            fields,
            required,
            True,
            True,
            "CommitmentState",
        )
        for name, summary, who, fields, required in (
            (
                "progress",
                "Post a progress note.",
                WORKER,
                {"note": S, "percent": {"type": "integer", "minimum": 0, "maximum": 100}},
                ["note"],
            ),
            (
                "extension",
                "Request an extension.",
                WORKER,
                {"new_deadline": DATE, "reason": S},
                ["new_deadline", "reason"],
            ),
            ("completion", "Report completion.", WORKER, {"note": S}, ["note"]),
            (
                "decision",
                "Grant or refuse the pending extension request.",
                OFFICE,
                {"decision": {"type": "string", "enum": ["grant", "refuse"]}, "reason": S},
                ["decision"],
            ),
            ("verify", "Verify a reported completion.", OFFICE, {"note": S}, []),
            ("press", "Press the department (督办).", OFFICE, {"note": S}, ["note"]),
        )
    ),
)

_ERRORS = {
    "401": ("A missing, wrong, revoked or expired token", "Error"),
    "403": ("The token's role or department may not do this", "Error"),
    "404": ("Not found, or outside the token's department", "Error"),
    "409": ("The version is stale: the current record is in `current`", "Conflict"),
    "422": ("Invalid fields: each is named in `errors`", "Invalid"),
    "429": ("Too many requests with this token", "Error"),
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
        "description": "A call's public fields; reference_code only when it was logged.",
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
            "commitment_ids": {"type": "array", "items": ID},
            "version": {"type": "integer"},
            "reference_code": S,
        },
    },
    "Commitment": {
        "type": "object",
        "properties": {"id": ID, "call_id": ID, "department_id": ID, "deadline": DATE},
    },
    "CommitmentState": {
        "type": "object",
        "properties": {
            "id": ID,
            "state": S,
            "deadline": DATE,
            "original_deadline": DATE,
            "version": {"type": "integer"},
        },
    },
    "OnAir": {"type": "object", "properties": {"show_id": ID, "kind": S, "item": ID}},
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


def _operation(path, op_id, summary, who, fields, required, versioned, idempotent, answer):
    properties = dict(fields)
    if versioned:
        properties["version"] = VERSION
    body = {"type": "object", "properties": properties}
    if required or versioned:
        body["required"] = [*required, *(["version"] if versioned else [])]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": ID}
        for name in ("show_id", "call_id", "commitment_id")
        if "{" + name + "}" in path
    ]
    if idempotent:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "a retry with the same key changes nothing twice",
            }
        )
    data = {"type": "object", "properties": {"data": _ref(answer), "repeated": {"type": "boolean"}}}
    return {
        "post": {
            "operationId": op_id,
            "summary": summary,
            "description": f"Token roles: {who}.",
            "tags": ["integration"],
            "security": [{"bearerToken": []}],
            "parameters": parameters,
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": body}},
            },
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


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def paths() -> dict:
    return {row[0]: _operation(*row) for row in WRITES}


def webhooks() -> dict:
    from ..webhooks import EVENT_TYPES

    signature = {
        "name": "X-Hotline-Signature",
        "in": "header",
        "required": True,
        "schema": S,
        "description": "t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<body>' with the secret>",
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
