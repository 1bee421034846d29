"""GET /api/v1/replies in the OpenAPI document: the office's response
templates (回复模板), for an integration's own forms (Bearer token, any staff role)."""

from __future__ import annotations

from ..models import MAX_ID
from ..rules import replies as rule

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
S = {"type": "string"}
PATH = "/api/v1/replies"
SUMMARY = "The office's response templates (回复模板) in use, oldest first."
READS = [(PATH + "?action=&category=", SUMMARY)]  # the human page, in English like the writes

SCHEMAS = {
    "Reply": {
        "type": "object",
        "required": ["id", "action", "category_id", "category", "title", "text", "placeholders"],
        "additionalProperties": False,
        "properties": {
            "id": ID,
            "action": {
                "type": "string",
                "enum": list(rule.ACTIONS),
                "description": "what it is written for: "
                + ", ".join(
                    f"{action} (the `{field}` field)" for action, field in rule.FIELDS.items()
                ),
            },
            "category_id": {
                **ID,
                "type": ["integer", "null"],
                "description": "null: every category",
            },
            "category": {"type": ["string", "null"], "description": "the category's name"},
            "title": S,
            "text": {**S, "description": "as the office wrote it, placeholders unfilled"},
            "placeholders": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["written", "means"],
                    "additionalProperties": False,
                    "properties": {
                        "written": S,
                        "means": {
                            "type": ["string", "null"],
                            "enum": [rule.DEPARTMENT, rule.PLACE, rule.DATE, rule.DEADLINE, None],
                            "description": "null: no rule fills it (left for a person to fill in)",
                        },
                    },
                },
            },
        },
    },
    "ReplyList": {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Reply"}}},
    },
}

_ERRORS = {
    "400": "A filter value refused (the parameter is named)",
    "401": "A missing, wrong, revoked or expired token, or its account disabled",
    "403": "The token's role may not read the templates (a deputy's)",
    "429": "Too many requests with this token, or too many failed tokens from this address",
}


def paths() -> dict:
    return {
        PATH: {
            "get": {
                "operationId": "replies",
                "summary": SUMMARY,
                "description": (
                    "Token roles: moderator, supervisor, liaison. Placeholders: "
                    + ", ".join(f"{{{zh}}} or {{{en}}}" for zh, en in rule.SHOWN)
                    + " (the department, the place, today, the deadline); a retired "
                    "template is never listed."
                ),
                "tags": ["integration"],
                "security": [{"bearerToken": []}],
                "parameters": [
                    {
                        "name": "action",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": list(rule.ACTIONS)},
                        "description": "only the templates for this action",
                    },
                    {
                        "name": "category",
                        "in": "query",
                        "required": False,
                        "schema": ID,
                        "description": (
                            "category id (an existing category): its templates and those "
                            "for every category, as a liaison is offered them"
                        ),
                    },
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ReplyList"}
                            }
                        },
                    },
                    **{
                        code: {
                            "description": text,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        }
                        for code, text in _ERRORS.items()
                    },
                },
            }
        }
    }
