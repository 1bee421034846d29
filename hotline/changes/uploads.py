"""Evidence files as they arrive, from the follow-up page or the API: the type
decided by the content, the size limited, stored outside the web root under a
random name, and written to disk only with the commit that records them.
(Serving and withholding them: hotline/followup/evidence.py.)"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from ..config import private_dir, write_private
from ..extensions import db
from ..models import Attachment
from .commitments import FollowupError

MAX_UPLOAD = 5 * 1024 * 1024
# Type is decided by the first bytes, never by the name or the browser's claim.
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
TYPES = tuple(content_type for _magic, content_type, _ext in MAGIC)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


def read_upload(
    file: FileStorage | None, field: str = "evidence"
) -> tuple[Attachment, bytes] | None:
    """Check an uploaded file and make its Attachment (not yet written to disk).
    A bad file is a FollowupError naming `field`."""
    if file is None or not isinstance(file, FileStorage) or not file.filename:
        return None
    content = file.stream.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise FollowupError(field, _l("The file is larger than 5 MB."))
    if not content:
        raise FollowupError(field, _l("The file is empty."))
    kind = sniff(content[:8])
    if kind is None:
        raise FollowupError(field, _l("Only JPEG, PNG or PDF files can be attached."))
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
    """The evidence folder, owner only (0700): withheld files are in it too."""
    return private_dir(Path(current_app.config["HOTLINE_UPLOAD_DIR"]))


def inside(folder: Path, stored_name: str) -> Path | None:
    """The file `stored_name` names in `folder`, or None when the name is
    absolute or leads out of the folder once resolved ("..", a link). Hotline
    stores random names only; anything else came from a tampered row (a
    restored backup) and must never be read, however it was written."""
    if not stored_name or "\0" in stored_name or Path(stored_name).is_absolute():
        return None
    base = folder.resolve()
    path = (base / stored_name).resolve()
    return path if path != base and path.is_relative_to(base) else None


def stored_path(attachment: Attachment) -> Path | None:
    """Where an attachment's file is, in the upload folder; None: see inside()."""
    return inside(upload_dir(), attachment.stored_name)


def commit_with(files: list[tuple[Attachment, bytes]]) -> None:
    """Write the files, then commit; a failed commit takes the files away again,
    so a file on disk always has its record and a record its file."""
    written = [(upload_dir() / a.stored_name, content) for a, content in files]
    for path, content in written:
        write_private(path, content)  # 0600, whatever the umask
    try:
        db.session.commit()
    except BaseException:
        for path, _content in written:
            path.unlink(missing_ok=True)
        raise
