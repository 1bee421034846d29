"""Evidence uploads: type checked by content, size-limited, stored outside the
web root under a random name, served with safe headers."""

import io
from pathlib import Path

from followup_support import event_count, form_state, make_commitment
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def upload(client, cid, form, content, filename, note="进展说明"):
    data = form_state(client, cid, form)
    data[f"{form}-note"] = note
    data[f"{form}-evidence"] = (io.BytesIO(content), filename)
    return client.post_form(
        f"/followup/commitments/{cid}/{form}", data, content_type="multipart/form-data"
    )


def attachments(app):
    with app.app_context():
        return db.session.scalars(select(Attachment).order_by(Attachment.id)).all()


def test_good_files_are_stored_outside_the_web_root_and_served_safely(app, client, liaison):
    cid = make_commitment(app)
    assert upload(liaison, cid, "progress", PNG, "现场照片.png").status_code == 302
    assert upload(liaison, cid, "completion", PDF, "验收报告.pdf", note="已完成").status_code == 302
    png, pdf = attachments(app)
    assert png.content_type == "image/png" and png.filename == "现场照片.png"
    assert pdf.content_type == "application/pdf"
    stored = Path(app.config["HOTLINE_UPLOAD_DIR"]) / png.stored_name
    assert stored.read_bytes() == PNG
    assert "现场照片" not in png.stored_name and len(png.stored_name) >= 32
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents

    # Public, on the commitment's timeline, served with safe headers.
    page = client.get(f"/followup/commitments/{cid}")  # staff page needs login
    assert page.status_code == 302
    r = client.get(f"/followup/evidence/{png.id}")
    assert r.status_code == 200 and r.data == PNG
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert r.headers["Content-Disposition"].startswith("inline")
    r = client.get(f"/followup/evidence/{pdf.id}")
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["Content-Type"] == "application/pdf"
    work = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert f"/followup/evidence/{png.id}" in work
    public = client.get(f"/commitments/{cid}").get_data(as_text=True)
    assert f"/followup/evidence/{png.id}" in public and "现场照片.png" in public
    assert f"/followup/evidence/{pdf.id}" in public


def test_jpeg_accepted_by_content_not_name(app, liaison):
    cid = make_commitment(app)
    assert upload(liaison, cid, "progress", JPEG, "photo.bin").status_code == 302
    (item,) = attachments(app)
    assert item.content_type == "image/jpeg" and item.stored_name.endswith(".jpg")


def test_wrong_type_is_refused_and_nothing_changes(app, liaison):
    liaison.get("/?lang=en")
    cid = make_commitment(app)
    before = event_count(app)
    for content, name in [
        (b"<html><script>alert(1)</script>", "photo.jpg"),
        (b"GIF89a" + b"\x00" * 20, "anim.png"),
        (b"", "empty.pdf"),
    ]:
        r = upload(liaison, cid, "progress", content, name)
        assert r.status_code == 422, name
        html = r.get_data(as_text=True)
        assert "Only JPEG, PNG or PDF" in html or "The file is empty." in html
        assert "进展说明" in html  # the note is kept
    assert event_count(app) == before
    assert attachments(app) == []
    folder = Path(app.config["HOTLINE_UPLOAD_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_oversized_file_is_refused(app, liaison):
    liaison.get("/?lang=en")
    cid = make_commitment(app)
    before = event_count(app)
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    r = upload(liaison, cid, "progress", big, "big.png")
    assert r.status_code == 422
    assert "larger than 5 MB" in r.get_data(as_text=True)
    assert event_count(app) == before
    # Beyond the request limit the server answers 413 with a page, not a 500.
    huge = PNG + b"\x00" * (9 * 1024 * 1024)
    r = upload(liaison, cid, "progress", huge, "huge.png")
    assert r.status_code == 413
    assert event_count(app) == before


def test_unknown_or_unlinked_evidence_is_not_found(app, client):
    assert client.get("/followup/evidence/999").status_code == 404
    with app.app_context():
        db.session.add(
            Attachment(
                filename="x.png", content_type="image/png", size=1, sha256="0", stored_name="x.png"
            )
        )
        db.session.commit()
        orphan = db.session.scalar(select(func.max(Attachment.id)))
    assert client.get(f"/followup/evidence/{orphan}").status_code == 404


def test_a_stored_path_leading_out_of_the_upload_folder_is_never_served(app, client, liaison):
    """Defence in depth behind `flask restore`'s check: an evidence row whose
    stored name leaves the upload folder (as a tampered backup could bring
    back) is a 404, never the file it names."""
    cid = make_commitment(app)
    assert upload(liaison, cid, "progress", PNG, "现场照片.png").status_code == 302
    (png,) = attachments(app)
    uploads = Path(app.config["HOTLINE_UPLOAD_DIR"])
    secret = uploads.parent / "secret_key"
    secret.write_text("the-server-secret")
    for stored_name in ("../secret_key", str(secret), "./../secret_key"):
        with app.app_context():
            db.session.get(Attachment, png.id).stored_name = stored_name
            db.session.commit()
        r = client.get(f"/followup/evidence/{png.id}")
        assert r.status_code == 404, stored_name
        assert b"the-server-secret" not in r.data
    # A link inside the folder that points out of it is refused the same way.
    (uploads / "link.png").symlink_to(secret)
    with app.app_context():
        db.session.get(Attachment, png.id).stored_name = "link.png"
        db.session.commit()
    r = client.get(f"/followup/evidence/{png.id}")
    assert r.status_code == 404 and b"the-server-secret" not in r.data
