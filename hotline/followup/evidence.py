"""Evidence files: checked on upload, served with safe headers, and withheld
by the office when an entry exposes a citizen."""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from .. import audit, pushes
from .. import commitments as domain
from ..access import supervisor_required
from ..extensions import db
from ..models import Attachment, Event, Redaction, Role
from ..text import for_log
from . import bp

log = logging.getLogger("hotline.followup")

MAX_UPLOAD = 5 * 1024 * 1024
# Type is decided by the first bytes, never by the name or the browser's claim.
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


def read_upload(file: FileStorage | None) -> tuple[Attachment, bytes] | None:
    """Check an uploaded file and make its Attachment (not yet written to disk)."""
    if file is None or not file.filename:
        return None
    content = file.stream.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise domain.FollowupError("evidence", _l("The file is larger than 5 MB."))
    if not content:
        raise domain.FollowupError("evidence", _l("The file is empty."))
    kind = sniff(content[:8])
    if kind is None:
        raise domain.FollowupError("evidence", _l("Only JPEG, PNG or PDF files can be attached."))
    content_type, ext = kind
    # The name is shown and sent back in a header: no control characters, and
    # the extension is the one the content proved, not the one it was sent with.
    stem = Path(file.filename.replace("\\", "/")).stem
    stem = "".join(ch for ch in stem if ch.isprintable()).strip()[:150] or "evidence"
    name = stem + ext
    attachment = Attachment(
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_name=secrets.token_hex(16) + ext,
    )
    return attachment, content


def upload_dir() -> Path:
    path = Path(current_app.config["HOTLINE_UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@bp.route("/evidence/<int:attachment_id>")
def evidence(attachment_id: int):
    """Evidence is public (the department's, not a caller's): served with safe headers."""
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.event_id is None:
        abort(404)
    withheld = db.session.scalar(select(Redaction.id).where(Redaction.event_id == item.event_id))
    if withheld and not (current_user.is_authenticated and current_user.role == Role.SUPERVISOR):
        abort(404)  # withheld by the office: not public any more
    path = upload_dir() / item.stored_name
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
    try:
        note = domain.withhold(event, actor=current_user, reason=request.form.get("reason", ""))
        detail = {"commitment": event.commitment_id, "reason": note.note}
        audit.record(current_user, audit.WITHHELD, f"event {event.id}", detail)
        db.session.commit()
    except domain.FollowupError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("followup.commitment", commitment_id=event.commitment_id), 303)
    log.info("withheld event=%s by %s", event.id, for_log(current_user.username))
    pushes.commitment_changed(event.commitment)
    flash(_("Withheld from public view; the reason is on the public timeline."), "success")
    return redirect(url_for("followup.commitment", commitment_id=event.commitment_id), 303)
