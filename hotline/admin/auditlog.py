"""The audit trail for the office: who did what, when, from where."""

from __future__ import annotations

import json

from flask import render_template, request

from ..access import supervisor_required
from ..actions.followup import ACTIONS as FOLLOWUP
from ..changes.audit import ACTIONS, API_DESK, api_action
from ..changes.tokens import CREATED, REVOKED
from ..clock import format_datetime, to_local
from ..queries import audit as trail
from ..web import csv_download
from . import bp
from .auditlog_labels import audit_action_label


def recorded_actions() -> tuple[str, ...]:
    """Every action the trail holds, for the office's filter: the office's own,
    the API tokens', and one per follow-up action made through the API."""
    return (*ACTIONS, CREATED, REVOKED, *API_DESK, *(api_action(name) for name in FOLLOWUP))


@bp.route("/audit")
@supervisor_required
def audit():
    query = trail.AuditQuery.from_args(request.args, recorded_actions())
    if request.args.get("format") == "csv":
        found, _total, _pages = trail.rows(query, paged=False)
        header = ["time", "actor", "action", "target", "detail", "address"]
        return csv_download(
            "audit",
            header,
            (
                [
                    to_local(r.created_at).isoformat(timespec="seconds"),
                    r.actor_name,
                    r.action,
                    r.target,
                    json.dumps(r.detail or {}, ensure_ascii=False, sort_keys=True),
                    r.address,
                ]
                for r in found
            ),
        )
    found, total, pages = trail.rows(query)
    return render_template(
        "admin/audit.html",
        query=query,
        rows=found,
        total=total,
        pages=pages,
        actions=[(a, audit_action_label(a)) for a in recorded_actions()],
        actors=trail.actors(),
        action_label=audit_action_label,
        when=format_datetime,
        detail=lambda d: json.dumps(d or {}, ensure_ascii=False, sort_keys=True),
    )
