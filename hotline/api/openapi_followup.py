"""The integration API's follow-up actions in the OpenAPI document (one per
entry of hotline/actions/followup.py's ACTIONS: summary, fields, required),
and the pieces of schema the write endpoints share (openapi_writes.py)."""

from __future__ import annotations

from ..changes.uploads import MAX_UPLOAD
from ..models import MAX_ID

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
S, DATE = {"type": "string"}, {"type": "string", "format": "date"}
# A file part of multipart/form-data (OpenAPI 3.1: the content, not a string format).
EVIDENCE = {
    "type": "string",
    "contentMediaType": "application/octet-stream",
    "description": (
        f"optional; JPEG, PNG or PDF (decided by its content), at most "
        f"{MAX_UPLOAD // (1024 * 1024)} MB; public on the timeline unless the office withholds it"
    ),
}
# How a pledge will be checked: each term, optional on air, completed later.
TERM_MEANINGS = {
    "deliverable": "what will be delivered",
    "place": "where",
    "measure": "how much or how many, where one applies",
    "criterion": "the acceptance criterion (验收标准): who checks, and how",
}
# The follow-up actions (hotline/actions/followup.py, ACTIONS): summary, fields, required.
FOLLOWUP = {
    "progress": (
        "Post a progress note, with an optional evidence file (multipart/form-data).",
        {
            "note": S,
            "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "evidence": EVIDENCE,
        },
        ["note"],
    ),
    "extension": (
        "Request an extension.",
        {"new_deadline": DATE, "reason": S},
        ["new_deadline", "reason"],
    ),
    "completion": (
        "Report completion, with an optional evidence file (multipart/form-data).",
        {"note": S, "evidence": EVIDENCE},
        ["note"],
    ),
    "decision": (
        "Grant or refuse the pending extension request.",
        {"decision": {"type": "string", "enum": ["grant", "refuse"]}, "reason": S},
        ["decision", "reason"],
    ),
    "verify": ("Verify a reported completion.", {"note": S}, []),
    "reopen": ("Send a reported completion back, with a public reason.", {"reason": S}, ["reason"]),
    "press": ("Press the department (督办).", {"note": S}, ["note"]),
    "withdraw": ("Withdraw the item, with a public reason.", {"reason": S}, ["reason"]),
    "callback": (
        "Record the callback (回访): reached or not, the caller's verdict; a dissatisfied "
        "verdict with reopen_reason reopens the item (重办).",
        {
            "reached": {"type": "string", "enum": ["yes", "no"]},
            "verdict": {"type": "string", "enum": ["satisfied", "basic", "dissatisfied"]},
            "note": {**S, "description": "for the office only, never public"},
            "reopen_reason": S,
        },
        ["reached"],
    ),
    "acknowledge": ("Acknowledge the item for the department (签收).", {}, []),
    "dispute": (
        "Dispute the assignment (派单异议): not this department's, with a public reason.",
        {"reason": S},
        ["reason"],
    ),
    "dispute_decision": (
        "Decide a dispute: reassign to another department, or refuse.",
        {
            "decision": {"type": "string", "enum": ["reassign", "refuse"]},
            "department": {**ID, "description": "the new department, to reassign"},
            "reason": S,
        },
        ["decision", "reason"],
    ),
    "merge": (
        "Link this item's call to an earlier item's call on the same problem (并单).",
        {"earlier": ID, "reason": S},
        ["earlier", "reason"],
    ),
    "milestone": (
        "Set a milestone of an item due more than 60 days after it was made: a date on or "
        "before the deadline and what will be shown by then (年初查开工、年中看进度、年底问绩效).",
        {"title": S, "due_on": DATE, "shows": S},
        ["title", "due_on", "shows"],
    ),
    "milestone_met": (
        "Mark a milestone met, with what was shown and an optional evidence file "
        "(multipart/form-data); after its date it stays met late.",
        {"milestone": ID, "note": S, "evidence": EVIDENCE},
        ["milestone", "note"],
    ),
    "milestone_move": (
        "Move a milestone to a new date, with a public reason; refused once its date has passed.",
        {"milestone": ID, "due_on": DATE, "reason": S},
        ["milestone", "due_on", "reason"],
    ),
    "terms": (
        "Add or complete the pledge's terms (a field left out is kept; a term once given "
        "is changed, never removed). Old and new go on the public timeline.",
        {name: {**S, "description": text} for name, text in TERM_MEANINGS.items()},
        [],
    ),
    "request_criterion": (
        "Ask the department for the pledge's missing acceptance criterion (催补验收标准).",
        {"note": S},
        [],
    ),
}
