"""/v/<code>: a verification code (核验码) from the overlay, a rundown item or
a printed list opens the record exactly as it was shown, with a link to the
record as it is now and a note when it has changed since. Public fields only
(what hotline/changes/versions.py kept); a code nobody was shown is a 404 that
says how codes are written."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..clock import format_date, format_datetime, today
from ..labels import outcome_label, status_filter_label, status_text, term_label
from ..models import ClaimKind
from ..queries.versions import Shown, shown
from ..rules.pledges import TERMS
from ..rules.status import Code, PublicStatus
from ..rules.versions import display, normalize
from . import bp

PAGE = "public/version.html"

# The fields a version shows, in order: (key, label). Keys not kept in the
# version of a kind are left out.
FIELDS = (
    ("pledge", _l("Pledge")),
    # How the pledge will be checked, often added after the show: each term its row.
    *((name, LazyString(term_label, name)) for name in TERMS),
    ("official", _l("Official")),
    ("department", _l("Department")),
    ("deadline", _l("Deadline")),
    ("original_deadline", _l("Original deadline")),
    ("status", _l("Status")),
    ("completed_on", _l("Reported done on")),
    ("withdrawn_reason", _l("Reason for withdrawal")),
    ("show", _l("Show")),
    ("call", _l("Call")),
    ("topic", _l("Topic")),
    ("area", _l("Area")),
    ("category", _l("Category")),
    ("deputy", _l("Deputy")),
    ("outcome", _l("Outcome")),
    ("answer", _l("Answer")),
    ("created_at", _l("Made on")),
)
LABELS = dict(FIELDS)
# Stored fields → the row that shows them (a changed field marks its row).
ROW_OF = {
    "official_name": "official",
    "official_title": "official",
    "department_id": "department",
    "state": "status",
    "status_days": "status",
    "extended": "status",
    "show_id": "show",
    "show_title": "show",
    "show_starts_at": "show",
    "call_id": "call",
    "call_number": "call",
    "number": "call",
    "deputy_id": "deputy",
    "answered_by": "answer",
}


@bp.app_template_filter("claim_code")
def claim_code(code: str) -> str:
    """A bare code as shown: K7Q-M2XD."""
    return display(code)


@bp.app_template_filter("claim_address")
def claim_address(code: str) -> str:
    """Where to check a code, without the scheme: hotline.example/v/K7QM2XD."""
    return re.sub(r"^https?://", "", url_for("public.version", code=code, _external=True))


def _day(value) -> str:
    return format_date(date.fromisoformat(value)) if value else ""


def _moment(value) -> str:
    return format_datetime(datetime.fromisoformat(value.rstrip("Z"))) if value else ""


def _status(kept: dict) -> str:
    """The status as it stood: the words of the board, with the days a met or
    reported item was late (an open item's day count moves daily; its deadline
    is beside it)."""
    code = Code(kept["status"])
    if code in (Code.DUE, Code.OVERDUE):
        return status_filter_label(code.value)
    deadline = date.fromisoformat(kept["deadline"])
    original = date.fromisoformat(kept["original_deadline"])
    status = PublicStatus(
        code, kept.get("status_days"), deadline, original, bool(kept.get("extended"))
    )
    return status_text(status)


def _values(kind: str, kept: dict) -> dict:
    """Each row's words, from the fields kept with the code."""
    if kind == ClaimKind.CALL:
        answer = kept.get("answer") or ""
        if answer and kept.get("answered_by"):
            answer = f"{answer} — {kept['answered_by']}"
        return {
            "show": kept.get("show_title"),
            "call": f"#{kept['number']}",
            "topic": kept.get("topic"),
            "area": kept.get("area"),
            "category": kept.get("category"),
            "department": kept.get("department"),
            "deputy": kept.get("deputy"),
            "outcome": outcome_label(kept["outcome"]) if kept.get("outcome") else "",
            "answer": answer,
        }
    extended = kept.get("deadline") != kept.get("original_deadline")
    return {
        "pledge": kept.get("pledge"),
        **{name: kept.get(name) or "" for name in TERMS},
        "official": f"{kept.get('official_name') or ''} {kept.get('official_title') or ''}".strip(),
        "department": kept.get("department"),
        "deadline": _day(kept.get("deadline")),
        "original_deadline": _day(kept.get("original_deadline")) if extended else "",
        "status": _status(kept),
        "completed_on": _day(kept.get("completed_on")),
        "withdrawn_reason": kept.get("withdrawn_reason") or "",
        "show": kept.get("show_title"),
        "call": f"#{kept['call_number']}" if kept.get("call_number") else "",
        "topic": kept.get("topic"),
        "area": kept.get("area"),
        "category": kept.get("category"),
        "deputy": kept.get("deputy"),
        "created_at": _moment(kept.get("created_at")),
    }


def rows(found: Shown) -> list[tuple[str, str, str, bool]]:
    """(key, label, words, changed since) for each field the version has."""
    row = found.version
    values = _values(row.kind, row.snapshot or {})
    changed = {ROW_OF.get(name, name) for name in found.changed}
    # A field empty then but changed since (a criterion added after the show)
    # keeps its row, so the mark shows what changed.
    return [
        (key, str(label), values.get(key) or "—", key in changed)
        for key, label in FIELDS
        if values.get(key) or key in changed
    ]


def title(found: Shown) -> str:
    row, kept = found.version, found.version.snapshot or {}
    if row.kind == ClaimKind.CALL:
        call = _("Call #%(n)d", n=kept.get("number", 0))
        return f"{call} · {kept.get('show_title', '')}"
    if kept.get("kind") == "referral":
        return _("Referral #%(id)d", id=row.item_id)
    return _("Commitment #%(id)d", id=row.item_id)


@bp.route("/v/")
def version_lookup():
    """The form a 404 offers: what was typed, read as a code, and opened."""
    code = normalize(request.args.get("code"))
    if code:
        return redirect(url_for("public.version", code=code), 303)
    asked = (request.args.get("code") or "")[:40]
    return render_template(PAGE, found=None, asked=asked), 404 if asked else 200


@bp.route("/v/<code>")
def version(code: str):
    found = shown(code, today())
    if found is None:
        return render_template(PAGE, found=None, asked=code[:40]), 404
    return render_template(
        PAGE,
        found=found,
        code=found.version.code,
        rows=rows(found),
        title=title(found),
        now_url=url_for(link[0], **link[1]) if (link := found.now_link()) else None,
    )
