"""A call's public fields, listed once: the integration API's answer, the
webhook payloads and the open data all start from `public_fields()`, so none
of them can show a field the others do not (tests/api/test_public_fields.py)."""

from __future__ import annotations

from .domain import Call

__all__ = ["public_fields"]


def public_fields(call: Call) -> dict:
    """What anyone may know about a call. Never who called (CallerContact). Nor
    the answer: public pages show it only while the outcome is answered or
    referred, so the API, answering the staff who wrote it, adds it itself."""
    return {
        "id": call.id,
        "show_id": call.show_id,
        "number": call.number,
        "topic": call.topic,
        "area": call.area,
        "category": call.category,
        "department_id": call.department_id,
        "deputy_id": call.deputy_id,
        "outcome": str(call.outcome) if call.outcome else None,
    }
