"""Backups of the embedded shape: the SQLite database and the evidence files.

`flask --app hotline backup PATH` copies a live database with SQLite's online
backup API, in one step, so the copy is one consistent snapshot: in WAL mode
the site's writers go on meanwhile (only a copy by `cp` could catch a
half-written page). The copy is checked with PRAGMA integrity_check before it
is kept. The evidence files are copied after the snapshot, so every file the
copied rows point to is there (files are written before their row commits).

PATH ending in .tar.gz gives one archive; any other PATH is a new (or empty)
folder. Either holds hotline.sqlite3, uploads/ and manifest.json.

`flask --app hotline restore PATH` brings that back: it checks the copy,
refuses to overwrite a database that has data unless --force, refuses a
backup whose evidence rows point out of the upload folder or whose uploads
hold links (a tampered backup: the site would serve whatever file they name),
writes it into the configured database with the same backup API (safe even
over a WAL file) and applies the migrations, so a backup from an older
version comes up too.

PostgreSQL is backed up with pg_dump / pg_restore (see docs/operating.md, "Backups").
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from ..changes.uploads import inside
from ..config import private_dir, private_file, private_tree, write_private

DATABASE_NAME = "hotline.sqlite3"
UPLOADS_NAME = "uploads"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:"):
        raise BackupError(
            "Only the SQLite database is backed up by this command; for PostgreSQL use "
            "pg_dump and pg_restore (see docs/operating.md, section Backups)."
        )
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up.")
    return Path(database)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _snapshot(source: Path, target: Path) -> None:
    """One consistent copy of a live database (the online backup API)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # pages=-1: all pages in one step, inside one read transaction, so
        # concurrent commits cannot make the copy restart or mix two states.
        src.backup(dst, pages=-1)
        # A single file, with no -wal beside it to lose on the way.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # Table names come from the database's own catalogue, quoted.
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in tables
        }
    finally:
        conn.close()


def make(database_url: str, upload_dir: str, destination: str) -> dict:
    """Write a backup to `destination`; returns the manifest."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"No database at {source}.")
    out = Path(destination)
    archive = out.name.endswith(".tar.gz")
    if archive and out.exists():
        raise BackupError(f"{out} already exists; give a new name.")
    if not archive and out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; give a new or empty folder.")
    with tempfile.TemporaryDirectory(prefix="hotline-backup-") as work:
        folder = Path(work) if archive else out
        # A backup holds callers' names and phones: readable by its owner only,
        # every file in it (0600) whatever the umask, and so in the archive too.
        private_dir(folder)
        copy = private_file(folder / DATABASE_NAME)
        _snapshot(source, copy)
        check = integrity(copy)
        if check != "ok":
            raise BackupError(f"The copy failed PRAGMA integrity_check: {check}")
        uploads = Path(upload_dir)
        files = 0
        if uploads.is_dir():
            shutil.copytree(uploads, folder / UPLOADS_NAME)
            private_tree(folder / UPLOADS_NAME)
            files = sum(1 for p in (folder / UPLOADS_NAME).rglob("*") if p.is_file())
        manifest = {
            "made_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": DATABASE_NAME,
            "integrity_check": check,
            "tables": _table_counts(copy),
            "evidence_files": files,
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False)
        write_private(folder / MANIFEST_NAME, text.encode())
        if archive:
            out.parent.mkdir(parents=True, exist_ok=True)
            private_file(out)
            with tarfile.open(out, "w:gz") as tar:
                for item in sorted(folder.iterdir()):
                    tar.add(item, arcname=item.name)
    return manifest


def _check_evidence(copy: Path, uploads: Path, upload_dir: str) -> None:
    """Refuse a tampered backup before anything is written: every evidence row
    names a file inside the upload folder, and its uploads are plain files
    and folders (no link that would copy, then serve, a file from elsewhere)."""
    conn = sqlite3.connect(copy)
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'"
        ).fetchone()
        rows = (
            conn.execute("SELECT id, stored_name FROM attachments").fetchall() if has_table else []
        )
    finally:
        conn.close()
    for row_id, stored_name in rows:
        if inside(Path(upload_dir), str(stored_name or "")) is None:
            raise BackupError(
                f"Refused: evidence row {row_id} of the backup points outside the upload "
                f"folder ({stored_name!r}). A backup made by Hotline never does; this one "
                "was changed. Nothing was restored."
            )
    if uploads.is_dir():
        for path in sorted(uploads.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                name = str(path.relative_to(uploads))
                raise BackupError(
                    f"Refused: {name!r} in the backup's uploads is a link or a special file, "
                    "not an evidence file. Nothing was restored."
                )


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    counts = _table_counts(path)
    return any(n for table, n in counts.items() if table != "alembic_version")


def restore(database_url: str, upload_dir: str, source: str, force: bool = False) -> dict:
    """Bring a backup back into the configured database and upload folder."""
    target = sqlite_path(database_url)
    given = Path(source)
    if not given.exists():
        raise BackupError(f"No backup at {given}.")
    with tempfile.TemporaryDirectory(prefix="hotline-restore-") as work:
        folder = given
        if given.is_file():
            folder = Path(work)
            with tarfile.open(given, "r:gz") as tar:
                # The "data" filter refuses absolute paths, "..", links out of
                # the folder and device files: an archive cannot write elsewhere.
                tar.extractall(folder, filter="data")
        copy = folder / DATABASE_NAME
        if not copy.exists():
            raise BackupError(f"{given} holds no {DATABASE_NAME}: not a Hotline backup.")
        check = integrity(copy)
        if check != "ok":
            raise BackupError(f"The backup failed PRAGMA integrity_check: {check}")
        _check_evidence(copy, folder / UPLOADS_NAME, upload_dir)
        if _has_data(target) and not force:
            raise BackupError(
                f"The database {target} already has data; restoring would replace it. "
                "Stop the site and run again with --force to replace it."
            )
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        private_file(target)  # before SQLite opens it: its -wal and -shm follow
        src = sqlite3.connect(copy)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # page by page into the live file, WAL and all
        finally:
            dst.close()
            src.close()
        files = 0
        if (folder / UPLOADS_NAME).is_dir():
            private_dir(Path(upload_dir))
            shutil.copytree(folder / UPLOADS_NAME, upload_dir, dirs_exist_ok=True)
            private_tree(Path(upload_dir))
            files = sum(1 for p in (folder / UPLOADS_NAME).rglob("*") if p.is_file())
    return {"database": str(target), "evidence_files": files, "integrity_check": integrity(target)}
