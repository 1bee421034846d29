"""Evidence files: checked on upload, served with safe headers, and withheld
by the office when an entry exposes a citizen."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import supervisor_required
from ..actions import followup as followup_actions
from ..changes.uploads import read_upload, stored_path  # noqa: F401  (read_upload: the checks, for tests)
from ..extensions import db
from ..forms.followup import WithholdForm
from ..models import Attachment, Event, Redaction, Role
from . import bp

log = logging.getLogger("hotline.followup")


@bp.route("/evidence/<int:attachment_id>")
def evidence(attachment_id: int):
    """Evidence is public (the department's, not a caller's): served with safe headers."""
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.event_id is None:
        abort(404)
    withheld = db.session.scalar(select(Redaction.id).where(Redaction.event_id == item.event_id))
    if withheld and not (current_user.is_authenticated and current_user.role == Role.SUPERVISOR):
        abort(404)  # withheld by the office: not public any more
    path = stored_path(item)
    if path is None:
        # A row pointing out of the upload folder (a tampered backup): never served.
        log.warning("evidence %s refused: its stored path leaves the upload folder", item.id)
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=item.content_type == "application/pdf",
        download_name=item.filename,
    )
    # Every reuse is checked with the site first (ETag → 304), so once the office
    # withholds the entry no cache keeps serving it; a withheld file (seen by the
    # office only) is never stored at all.
    if withheld:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/events/<int:event_id>/withhold", methods=["POST"])
@supervisor_required
def withhold(event_id: int):
    """The office takes an entry's note and files off public view, with a reason."""
    event = db.session.get(Event, event_id) or abort(404)
    commitment_id = event.commitment_id
    form = WithholdForm()
    result = followup_actions.withhold(event, form, actor=current_user)
    if result.outcome == followup_actions.SAVED:
        flash(_("Withheld from public view; the reason is on the public timeline."), "success")
    else:
        errors = [m for messages in form.errors.values() for m in messages]
        flash(result.message or errors[0], "error")
    return redirect(url_for("followup.commitment", commitment_id=commitment_id), 303)
