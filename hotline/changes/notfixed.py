"""Citizens' "not fixed" reports (群众反映未解决), and what the office does with
them: accept (an event on the public timeline, with the place, the day and the
photo), reject (never shown), or reopen the item from one (重办: open again
with a new deadline). Each decision is one transaction with its event and its
audit row; the caller commits (the photo through uploads.commit_with), then
pushes.

The photo is checked as evidence files are (uploads.read_upload: size, type
by content) and then decoded and encoded again, so nothing of the camera's
metadata is stored: no EXIF (place, time, device), no XMP, no comments, no
colour profile. The orientation the camera recorded is applied to the pixels
first, so the picture still stands the right way up.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import (
    Attachment,
    Commitment,
    EventKind,
    NotFixedReport,
    NotFixedStatus,
    User,
    utcnow,
)
from ..rules.status import State
from . import audit, uploads
from .commitments import FollowupError, _touch, add_event

# Items a citizen may say are not fixed: reported done, or verified as met.
REPORTABLE = (State.REPORTED, State.MET)
PHOTO_TYPES = ("image/jpeg", "image/png")
# Larger photos are scaled down (a phone's 12-megapixel picture becomes a page's).
LONGEST_SIDE = 2560
MAX_PIXELS = 50_000_000  # more than this is refused before decoding (a "pixel bomb")


def reportable(item: Commitment) -> bool:
    return item.state in REPORTABLE


def read_photo(file: FileStorage | None, field: str = "photo") -> tuple[Attachment, bytes]:
    """The checked photo, without its metadata, as an Attachment (not yet on
    disk) and the bytes to store. Bad input is a FollowupError naming `field`."""
    upload = uploads.read_upload(file, field)
    if upload is None:
        raise FollowupError(field, _l("Add a photo of what you saw."))
    attachment, content = upload
    if attachment.content_type not in PHOTO_TYPES:
        raise FollowupError(field, _l("The photo must be a JPEG or PNG picture."))
    clean = clean_photo(content, attachment.content_type, field)
    ext = ".jpg" if attachment.content_type == "image/jpeg" else ".png"
    attachment.stored_name = attachment.stored_name.rsplit(".", 1)[0] + ext
    # The citizen's file name may say who took it: a neutral one is shown.
    attachment.filename = "photo" + ext
    attachment.size = len(clean)
    attachment.sha256 = hashlib.sha256(clean).hexdigest()
    return attachment, clean


def clean_photo(content: bytes, content_type: str, field: str = "photo") -> bytes:
    """The picture's pixels only, upright, encoded again in its own type."""
    unreadable = FollowupError(field, _l("The photo could not be read. Try another picture."))
    try:
        with Image.open(io.BytesIO(content)) as probe:
            width, height = probe.size
        if width * height > MAX_PIXELS:
            raise FollowupError(field, _l("The photo is too large in pixels."))
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise unreadable from error
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    if content_type == "image/jpeg":
        pixels = upright.convert("RGB")
        pixels.info = {}  # nothing carried over: no comment, profile or EXIF
        pixels.save(out, "JPEG", quality=85, optimize=True)
    else:
        pixels = upright if upright.mode in ("RGB", "RGBA", "L") else upright.convert("RGBA")
        pixels = pixels.copy()
        pixels.info = {}  # no text chunks, no EXIF, no profile
        pixels.save(out, "PNG", optimize=True)
    return out.getvalue()


def receive(
    item: Commitment, *, place: str, seen_on: date, note: str, photo: Attachment
) -> NotFixedReport:
    """A citizen's report, waiting for the office: nothing public changes."""
    if not reportable(item):
        raise FollowupError(
            "", _l("Only an item reported done or verified as met can be reported as not fixed.")
        )
    db.session.add(photo)
    report = NotFixedReport(
        commitment=item,
        place=place.strip(),
        seen_on=seen_on,
        note=(note or "").strip(),
        attachment=photo,
        status=NotFixedStatus.PENDING,
    )
    db.session.add(report)
    return report


def _decide(report: NotFixedReport, status: NotFixedStatus, actor: User, note: str = "") -> None:
    if report.status != NotFixedStatus.PENDING:
        raise FollowupError("", _l("This report has already been decided."))
    report.status = status
    report.decided_at = utcnow()
    report.decided_by_id = actor.id
    report.decision_note = (note or "").strip()


def accept(report: NotFixedReport, *, actor: User) -> None:
    """The report goes on the item's public timeline: the place, the day seen,
    the citizen's words and the photo (never who sent it)."""
    _decide(report, NotFixedStatus.ACCEPTED, actor)
    item = report.commitment
    _touch(item)
    event = add_event(
        item,
        EventKind.NOT_FIXED,
        actor,
        note=report.note,
        data={"report_id": report.id, "place": report.place, "seen_on": report.seen_on.isoformat()},
    )
    event.attachments.append(report.attachment)
    db.session.flush()
    report.event_id = event.id
    audit.record(actor, audit.NOTFIXED_ACCEPTED, f"notfixed {report.id}", {"commitment": item.id})


def reject(report: NotFixedReport, *, actor: User, note: str = "") -> None:
    """Not shown, ever; the reason stays with the office."""
    _decide(report, NotFixedStatus.REJECTED, actor, note)
    audit.record(
        actor,
        audit.NOTFIXED_REJECTED,
        f"notfixed {report.id}",
        {"commitment": report.commitment_id, "reason": report.decision_note},
    )


def reopen(
    report: NotFixedReport, *, actor: User, reason: str, deadline: date, today: date
) -> None:
    """重办 from a citizen's report: accepted if it was waiting, and the item is
    open again with a new deadline, on the public timeline (EventKind.REOPENED,
    the same word as a completion sent back)."""
    item = report.commitment
    if item.state not in REPORTABLE:
        raise FollowupError("", _l("The item is not reported done or met: it is already open."))
    reason = (reason or "").strip()
    if not reason:
        raise FollowupError("reason", _l("Say why the item is reopened."))
    if deadline is None or deadline <= today:
        raise FollowupError("deadline", _l("The new deadline must be after today."))
    if deadline < item.deadline:
        raise FollowupError(
            "deadline",
            _l("The new deadline cannot be before the current one (%(date)s).", date=item.deadline),
        )
    if report.status == NotFixedStatus.PENDING:
        accept(report, actor=actor)
    elif report.status != NotFixedStatus.ACCEPTED:
        raise FollowupError("", _l("A rejected report cannot reopen the item."))
    old, completed = item.deadline, item.completed_on
    item.state = State.OPEN
    item.completed_on = None
    item.deadline = deadline
    _touch(item)
    add_event(
        item,
        EventKind.REOPENED,
        actor,
        note=reason,
        data={
            "reported_on": completed.isoformat() if completed else None,
            "from": old.isoformat(),
            "to": deadline.isoformat(),
            "not_fixed": report.id,
        },
    )
    audit.record(
        actor,
        audit.NOTFIXED_REOPENED,
        f"notfixed {report.id}",
        {"commitment": item.id, "to": deadline.isoformat()},
    )
