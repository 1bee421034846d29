"""A call's public fields, listed once: the integration API's answer, the
webhook payloads and the open data all start from `public_fields()`, so none
of them can show a field the others do not (tests/api/test_public_fields.py).
A board item's public fields likewise (`item_fields()`): the open data's
Commitment and the versions kept under verification codes (核验码)."""

from __future__ import annotations

from datetime import date, datetime

from .domain import Call, Commitment

__all__ = ["iso", "item_fields", "public_fields"]


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


def iso(value) -> str | None:
    """Dates as YYYY-MM-DD; stored (naive UTC) times as YYYY-MM-DDTHH:MM:SSZ."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _source_fields(c: Commitment) -> dict:
    """The call's public fields, or the 代表码 message's (no show, no call)."""
    call = c.call
    if call is None:
        message = c.message
        return {
            "source": "deputy_code",
            **dict.fromkeys(("show_id", "show_title", "show_starts_at", "call_id", "call_number")),
            "topic": message.summary,
            "area": message.area,
            "category": "",
            "deputy_id": message.deputy_id,
            "deputy": message.deputy.name,
        }
    public = public_fields(call)  # the same list as the API's and the webhooks'
    return {
        "source": "call",
        "show_id": public["show_id"],
        "show_title": call.show.title,
        "show_starts_at": iso(call.show.starts_at),
        "call_id": public["id"],
        "call_number": public["number"],
        "topic": public["topic"],
        "area": public["area"],
        "category": public["category"],
        "deputy_id": public["deputy_id"],
        "deputy": call.deputy.name if call.deputy else None,
    }


def item_fields(c: Commitment, today: date) -> dict:
    """What anyone may know about a board item (a commitment or a referral), as
    the open data names it, but its page's address."""
    st = c.status(today)
    source = _source_fields(c)
    return {
        "id": c.id,
        "kind": c.kind,
        "source": source.pop("source"),
        "pledge": c.pledge,
        "department_id": c.department_id,
        "department": c.department.name,
        "official_name": c.official_name,
        "official_title": c.official_title,
        "deliverable": c.deliverable,
        "place": c.place,
        "measure": c.measure,
        "criterion": c.criterion,
        **source,
        "created_at": iso(c.created_at),
        "deadline": iso(c.deadline),
        "original_deadline": iso(c.original_deadline),
        "extended": st.extended,
        "state": c.state,
        "status": st.code.value,
        "status_days": st.days,
        "completed_on": iso(c.completed_on),
        "withdrawn_reason": c.withdrawn_reason,
    }
