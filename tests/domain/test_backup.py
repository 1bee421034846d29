"""`flask backup` copies a live SQLite database while writes go on (the online
backup API) and the evidence files; `flask restore` brings a working site back
and refuses to overwrite data without --force."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from hotline import create_app
from hotline.extensions import db
from hotline.models import Commitment, Event


def _burst(db_path, acked: list[int], stop: threading.Event) -> None:
    """Another process's writer: one committed row after another."""
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    i = 0
    while not stop.is_set():
        conn.execute("INSERT INTO live_sequences (room, seq) VALUES (?, ?)", (f"burst {i}", i))
        acked.append(i)  # autocommit: the row is committed once execute returns
        i += 1
    conn.close()


def _app(folder):
    folder.mkdir(parents=True, exist_ok=True)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/hotline.sqlite3",
            "HOTLINE_ASYNC_MODE": "threading",
            "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
        }
    )


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        counts = (
            db.session.scalar(select(func.count(Commitment.id))),
            db.session.scalar(select(func.count(Event.id))),
        )
        db.session.remove()
        db.engine.dispose()
        return counts


@pytest.mark.parametrize("name", ["backup.tar.gz", "backup-folder"])
def test_backup_during_a_burst_of_writes_then_restore(app, tmp_path, name):
    uploads = tmp_path / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "evidence.jpg").write_bytes(b"\xff\xd8 photo")
    db_path = tmp_path / "hotline.sqlite3"
    acked: list[int] = []
    stop = threading.Event()
    writer = threading.Thread(target=_burst, args=(db_path, acked, stop))
    writer.start()
    try:
        while len(acked) < 50:
            time.sleep(0.01)
        before = len(acked)
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / name)])
        after = len(acked)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "integrity_check ok" in result.output
    assert after > before, "the writes should have gone on during the backup"
    assert (tmp_path / name).stat().st_mode & 0o077 == 0, "a backup is private"

    restored = _app(tmp_path / "restored")
    runner = restored.test_cli_runner()
    result = runner.invoke(args=["restore", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    target = tmp_path / "restored" / "hotline.sqlite3"
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rooms = {r[0] for r in conn.execute("SELECT room FROM live_sequences")}
    conn.close()
    # Every write acknowledged before the backup began is in it; the snapshot is
    # one moment, so it holds a prefix of the burst, without gaps.
    burst = sorted(int(r.split()[1]) for r in rooms if r.startswith("burst "))
    assert burst == list(range(len(burst))) and before <= len(burst) <= len(acked)
    assert _counts(restored) == _counts(app)
    assert (tmp_path / "restored/uploads/ab/evidence.jpg").read_bytes() == b"\xff\xd8 photo"
    # The restored site serves its pages.
    assert restored.test_client().get("/").status_code == 200

    # A database with data is not overwritten unless asked to.
    refused = runner.invoke(args=["restore", str(tmp_path / name)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert runner.invoke(args=["restore", "--force", str(tmp_path / name)]).exit_code == 0


def test_backup_refuses_a_used_destination_and_postgresql(app, tmp_path):
    runner = app.test_cli_runner()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    result = runner.invoke(args=["backup", str(tmp_path / "used")])
    assert result.exit_code != 0 and "not empty" in result.output
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://postgres@127.0.0.1/test"
    result = runner.invoke(args=["backup", str(tmp_path / "pg")])
    assert result.exit_code != 0 and "pg_dump" in result.output


def test_restore_refuses_what_is_not_a_backup(empty_app, tmp_path):
    (tmp_path / "nothing").mkdir()
    result = empty_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nothing")])
    assert result.exit_code != 0 and "not a Hotline backup" in result.output


def _backup_with_evidence(app, tmp_path, name: str):
    """A real backup of a site with one evidence file."""
    from hotline.models import Attachment

    uploads = tmp_path / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / "0123abcd.png").write_bytes(b"\x89PNG photo")
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).limit(1))
        attachment = Attachment(
            event_id=event_id,
            filename="现场照片.png",
            content_type="image/png",
            size=10,
            sha256="0" * 64,
            stored_name="0123abcd.png",
        )
        db.session.add(attachment)
        db.session.commit()
        attachment_id = attachment.id
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    return attachment_id


def _tamper_archive(archive, work, stored_name: str):
    """Unpack the archive, point its evidence row at `stored_name`, pack it again."""
    import tarfile

    work.mkdir()
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, filter="data")
    conn = sqlite3.connect(work / "hotline.sqlite3")
    conn.execute("UPDATE attachments SET stored_name = ?", (stored_name,))
    conn.commit()
    conn.close()
    evil = work.parent / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        for item in sorted(work.iterdir()):
            tar.add(item, arcname=item.name)
    return evil


@pytest.mark.parametrize("stored_name", ["../../app/instance/secret_key", "/etc/passwd"])
def test_restore_refuses_a_tampered_backup_and_changes_nothing(app, tmp_path, stored_name):
    """A backup whose evidence row points out of the upload folder would have
    the site serve that file (the secret key) as public evidence: refused with
    a message, before anything is written."""
    from hotline.models import Attachment

    attachment_id = _backup_with_evidence(app, tmp_path, "backup.tar.gz")
    evil = _tamper_archive(tmp_path / "backup.tar.gz", tmp_path / "tamper", stored_name)

    # Into a new site: refused, and no database or evidence appears.
    fresh = _app(tmp_path / "fresh")
    result = fresh.test_cli_runner().invoke(args=["restore", str(evil)])
    assert result.exit_code != 0
    assert f"evidence row {attachment_id}" in result.output
    assert "outside the upload folder" in result.output and "Nothing was restored" in result.output
    target = tmp_path / "fresh" / "hotline.sqlite3"
    if target.exists():
        conn = sqlite3.connect(target)
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        conn.close()
    uploads = tmp_path / "fresh" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())

    # Over the running site, even with --force: refused, the site's rows unchanged.
    before = _counts(app)
    forced = app.test_cli_runner().invoke(args=["restore", "--force", str(evil)])
    assert forced.exit_code != 0 and "outside the upload folder" in forced.output
    assert _counts(app) == before
    with app.app_context():
        assert db.session.get(Attachment, attachment_id).stored_name == "0123abcd.png"


def test_restore_refuses_links_in_a_backups_uploads(app, tmp_path):
    """A folder backup whose uploads hold a link would copy the linked file
    (anything the operator can read) into the served folder: refused."""
    _backup_with_evidence(app, tmp_path, "backup-folder")
    secret = tmp_path / "secret_key"
    secret.write_text("the-server-secret")
    photo = tmp_path / "backup-folder" / "uploads" / "0123abcd.png"
    photo.unlink()
    photo.symlink_to(secret)
    fresh = _app(tmp_path / "fresh")
    result = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup-folder")])
    assert result.exit_code != 0 and "link" in result.output
    assert not (tmp_path / "fresh" / "uploads" / "0123abcd.png").exists()
