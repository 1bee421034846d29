"""Renderers that report back (tally) in the OpenAPI document: the one read
of the integration API (a Bearer token), what each overlay page of a show
reports showing, with the desk's flag (hotline/api/tally.py)."""

from __future__ import annotations

from ..models import OnAirKind
from ..rules.cue import GRAPHICS
from ..rules.tally import ROLES, TallyState
from .openapi_followup import ID, S
from .openapi_writes import DESK

PATH = "/api/v1/shows/{show_id}/renderers"
SUMMARY = "The show's renderers (overlay pages): what each shows and its flag."

_TIME = {"type": "string", "format": "date-time"}
_TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
# A card, or a graphic the cue puts on the lower third (a name super, the totals).
_KIND = {"type": ["string", "null"], "enum": [*(k.value for k in OnAirKind), *GRAPHICS, None]}
_ITEM = {**ID, "type": ["integer", "null"]}
_CODE = {"type": ["string", "null"], "description": "the verification code (核验码), bare"}

SCHEMAS = {
    "Renderers": {
        "type": "object",
        "required": ["show_id", "on_air", "renderers"],
        "properties": {
            "show_id": ID,
            "on_air": {
                "type": "object",
                "description": "what is on air now (kind and item null when nothing is)",
                "properties": {"kind": _KIND, "item": _ITEM, "code": _CODE, "since": _TIME_OR_NULL},
            },
            "preview": {
                "type": "object",
                "description": "what the desk has in preview (the cue), which preview renderers "
                "are compared against",
                "properties": {"kind": _KIND, "item": _ITEM, "code": _CODE, "since": _TIME_OR_NULL},
            },
            "stale_after_seconds": {"type": "number"},
            "renderers": {"type": "array", "items": {"$ref": "#/components/schemas/Renderer"}},
        },
    },
    "Renderer": {
        "type": "object",
        "required": ["id", "layout", "role", "state", "connected", "last_seen"],
        "properties": {
            "id": {**S, "description": "the id the overlay page chose for itself"},
            "layout": S,
            "role": {
                "type": "string",
                "enum": list(ROLES),
                "description": "program (compared against what is on air) or preview "
                "(compared against what is in preview)",
            },
            "state": {
                "type": "string",
                "enum": [s.value for s in TallyState],
                "description": "ok; outdated: not showing what is on air (in preview, for a "
                "preview renderer); stale: no "
                "heartbeat lately; disconnected: its page closed or its connection dropped",
            },
            "connected": {"type": "boolean"},
            "kind": _KIND,
            "item": _ITEM,
            "code": _CODE,
            "showing_since": _TIME,
            "connected_at": _TIME,
            "last_seen": _TIME,
            "disconnected_at": _TIME_OR_NULL,
        },
    },
}

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def paths() -> dict:
    return {
        PATH: {
            "get": {
                "operationId": "renderers",
                "summary": SUMMARY,
                "description": f"Token roles: {DESK}.",
                "tags": ["integration"],
                "security": [{"bearerToken": []}],
                "parameters": [{"name": "show_id", "in": "path", "required": True, "schema": ID}],
                "responses": {
                    "200": {
                        "description": "The show's renderers",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["data"],
                                    "properties": {
                                        "data": {"$ref": "#/components/schemas/Renderers"}
                                    },
                                }
                            }
                        },
                    },
                    "401": {"description": "A missing, wrong or revoked token", "content": _ERROR},
                    "403": {"description": "The token's role may not read this", "content": _ERROR},
                    "404": {"description": "No such show", "content": _ERROR},
                    "429": {"description": "Too many requests", "content": _ERROR},
                },
            }
        }
    }
