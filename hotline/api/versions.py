"""A verification code (核验码) as open data: the version of a call or board
item shown with it, its public fields as they were, and whether the record has
changed since (the page at /v/<code> says the same to people)."""

from __future__ import annotations

from flask import abort, jsonify, url_for
from flask_babel import gettext as _

from ..clock import today
from ..models import iso
from ..queries.versions import shown
from ..rules.versions import display
from . import bp


@bp.route("/versions/<code>")
def version(code: str):
    found = shown(code, today())
    if found is None:
        abort(404, _("No claim was shown with this code."))
    row, link = found.version, found.now_link()
    now = url_for(link[0], **link[1], _external=True) if link else None
    return jsonify(
        {
            "code": display(row.code),
            "url": url_for("public.version", code=row.code, _external=True),
            "kind": row.kind,
            "item_id": row.item_id,
            "version": row.version,
            "first_shown_at": iso(row.created_at),
            "record": row.snapshot,
            "changed_since": found.has_changed,
            "changed_fields": found.changed,
            "current_url": now,
            "as_of": today().isoformat(),
        }
    )
