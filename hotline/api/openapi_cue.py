"""The button box's on-air control in the OpenAPI document (api/cue.py): the
rows openapi_writes turns into operations, and the answer's schema. A token
scoped to on-air control (ON_AIR_SCOPE) reaches these and the on-air writes,
nothing else."""

from __future__ import annotations

ID = {"type": "integer", "minimum": 1}
WHO = "moderator, supervisor; a moderator's token scoped to on-air control"
BODY = {
    "show_id": {
        **ID,
        "description": "the show; when left out, the one show that is live "
        "(409 if none or several)",
    }
}


def _row(action: str, name: str, summary: str) -> tuple:
    # path, operationId, summary, who, fields, required, versioned, idempotent, answer
    return (f"/api/v1/cue/{action}", name, summary, WHO, BODY, [], False, False, "Cue")


WRITES = (
    _row("next", "cue_next", "Take the next cued item of the running order to program."),
    _row("take", "cue_take", "Take the item in preview to program."),
    _row("clear", "cue_clear", "Clear all: program (the lower third and the QR code) and preview."),
    _row("call", "cue_call", "Cue the show's latest call and put it in preview."),
    _row("totals", "cue_totals", "Take the show's totals to program (they leave by themselves)."),
    _row(
        "qr", "cue_qr", "Take the QR code (扫码提问 / 查进度) to program, beside the lower third."
    ),
)

_ON = {
    "type": ["object", "null"],
    "properties": {"kind": {"type": "string"}, "item": {"type": ["integer", "null"]}},
}

SCHEMAS = {
    "Cue": {
        "type": "object",
        "description": "what is on program and in preview after the action",
        "properties": {
            "show_id": ID,
            "done": {"type": "boolean", "description": "false: there was nothing to take"},
            "program": {**_ON, "description": "the lower third; null when clear"},
            "qr": {"type": "boolean", "description": "the QR code is on program"},
            "preview": {**_ON, "description": "the item in preview; null when none"},
            "locked": {"type": "boolean", "description": "the running order is locked"},
        },
    }
}
