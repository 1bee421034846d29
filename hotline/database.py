"""Database set-up that depends on the engine: SQLite pragmas, waiting for a
busy SQLite without freezing the server, and the "busy, try again" answer.

Why the waiting is done here, in Python: the server runs under eventlet (or
gevent), and the sqlite3 driver waits for a lock held by another process
(a cron `flask remind`, a backup, an admin's sqlite3 shell) inside C, in its
busy handler. That wait blocks the whole event loop: every other request,
reads included, stalls behind one waiting writer. So SQLite's own busy
timeout is 0 and a statement that finds the database locked is retried here
after time.sleep(), which the server's monkey-patching turns into a
cooperative sleep: the other requests go on meanwhile. A write that still
cannot get the lock after HOTLINE_DB_BUSY_SECONDS raises "database is
locked", which becomes a 503 with Retry-After (never a 500).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import InternalServerError

from .config import private_file
from .extensions import db
from .rules.text import for_log

log = logging.getLogger("hotline.database")

RETRY_AFTER_SECONDS = 2
# Short first naps so a lock held for a few milliseconds costs little; then
# longer ones so a long-held lock does not cost CPU.
_NAPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)


def _locked(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error)


def _retry(call, busy_seconds: float, *args):
    deadline = time.monotonic() + busy_seconds
    attempt = 0
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
        time.sleep(_NAPS[min(attempt, len(_NAPS) - 1)])  # cooperative under eventlet
        attempt += 1


class GreenCursor(sqlite3.Cursor):
    """A cursor whose statements wait for a lock by sleeping in Python."""

    def execute(self, sql, parameters=(), /):
        return _retry(super().execute, self.connection.busy_seconds, sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        # Retrying is safe: a statement that got SQLITE_BUSY changed nothing.
        rows = list(seq_of_parameters)
        return _retry(super().executemany, self.connection.busy_seconds, sql, rows)


class GreenConnection(sqlite3.Connection):
    """The sqlite3 connection class the engine uses (see the module docstring)."""

    busy_seconds = 3.0

    def cursor(self, factory=GreenCursor):
        return super().cursor(factory)

    def commit(self):
        return _retry(super().commit, self.busy_seconds)


def _sqlite_pragmas(dbapi_connection, busy_seconds: float) -> None:
    # WAL lets the public pages read while the desk writes, and with it
    # synchronous=NORMAL is still safe against a crash of the process (a power
    # cut may lose the last commits, never corrupt the file) while sparing an
    # fsync per commit. Foreign keys are off by default in SQLite. No busy
    # timeout in C: GreenConnection waits instead, without blocking the server.
    dbapi_connection.busy_seconds = busy_seconds
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _use_green_connection(_dialect, _record, _cargs, cparams) -> None:
    cparams["factory"] = GreenConnection


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None in memory (or a file: URI)."""
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _keep_private(path: Path) -> None:
    """Before SQLite opens (and may create) the database: the file exists with
    mode 0600, so its -wal and -shm, which SQLite creates with the database
    file's mode, are 0600 too; ones left looser by an older version are
    tightened."""
    if not path.parent.is_dir():
        return  # SQLite will say it cannot open the file
    private_file(path)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            private_file(side)


def is_locked(error: OperationalError) -> bool:
    orig = getattr(error, "orig", None)
    if isinstance(orig, sqlite3.OperationalError):
        return _locked(orig)
    return "database is locked" in str(error)


def busy_response(error: OperationalError):
    """A write could not get the lock in time: 503 with Retry-After, never a
    500. Nothing was saved; with htmx the form (and the text typed in it) is
    untouched, and its idempotency key makes sending it again safe."""
    if not is_locked(error):
        # Any other database error is handled as every unexpected error is
        # (web.py): tests see it raised; in production it is logged, and a 500.
        if current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        log.error("Database error on %s %s", request.method, for_log(request.path), exc_info=error)
        db.session.rollback()
        return current_app.handle_http_exception(InternalServerError(original_exception=error))
    db.session.rollback()
    log.warning("database busy: %s %s answered 503", request.method, for_log(request.path))
    title = _("Busy")
    text = _(
        "The database is busy for a moment, so nothing was saved. Your text is kept: "
        "try again in a few seconds."
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    from .web import render_block

    if request.headers.get("HX-Request"):
        fragment = render_block("errors/error.html", "error", code=503, title=title, text=text)
        return fragment, 503, headers
    page = render_template("errors/error.html", code=503, title=title, text=text)
    return page, 503, headers


def init_app(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        busy_seconds = float(app.config.get("HOTLINE_DB_BUSY_SECONDS", 3.0))

        def on_connect(dbapi_connection, _record) -> None:
            _sqlite_pragmas(dbapi_connection, busy_seconds)

        path = sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

        def before_connect(*_args) -> None:
            if path is not None:
                _keep_private(path)

        with app.app_context():
            engine: Engine = db.engine
            event.listen(engine, "do_connect", before_connect)
            event.listen(engine, "do_connect", _use_green_connection)
            event.listen(engine, "connect", on_connect)
    app.register_error_handler(OperationalError, busy_response)
