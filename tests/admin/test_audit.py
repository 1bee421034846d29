"""The audit trail: sign-ins and failed sign-ins are recorded in the same
transaction, and the audit_log table refuses UPDATE and DELETE in the database
itself (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from hotline import create_app
from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, User

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def rows(app) -> list[AuditLog]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_sign_ins_and_failures_are_recorded(app, client):
    client.login("host")
    other = app.test_client()
    other.post_form("/auth/login", {"username": "host", "password": "wrong"})
    other.post_form("/auth/login", {"username": "nobody\x1b[2J\n", "password": "x"})
    trail = rows(app)
    assert [(r.action, r.actor_name, r.detail) for r in trail] == [
        (audit.SIGN_IN, "host", {}),
        (audit.SIGN_IN_FAILED, "host", {"reason": "wrong password"}),
        # The typed name is untrusted: stored escaped.
        (audit.SIGN_IN_FAILED, "nobody\\x1b[2J\\n", {"reason": "no such user"}),
    ]
    with app.app_context():
        host = db.session.scalar(select(User).where(User.username == "host"))
    assert trail[0].actor_id == host.id and trail[1].actor_id is None
    assert all(r.address == "127.0.0.1" and r.created_at for r in trail)


def test_a_disabled_account_is_recorded_as_such(app, client):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "water"))
        user.active = False
        db.session.commit()
    client.post_form("/auth/login", {"username": "water", "password": "hotline-demo"})
    assert [(r.action, r.detail) for r in rows(app)] == [
        (audit.SIGN_IN_FAILED, {"reason": "disabled"})
    ]


def test_record_belongs_to_the_callers_transaction(app):
    with app.test_request_context():
        audit.record("office", "department_renamed", "市水利和湖泊局", {"old": "a", "new": "b"})
        db.session.rollback()
        assert db.session.scalar(select(func.count(AuditLog.id))) == 0
        audit.record("office", "department_renamed", "市水利和湖泊局", {"old": "a", "new": "b"})
        db.session.commit()
        assert db.session.scalar(select(func.count(AuditLog.id))) == 1


def _check_append_only() -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (created_at, actor_name, action, target, detail, address)"
                " VALUES (CURRENT_TIMESTAMP, 'office', 'sign_in', '', '{}', '')"
            )
        )
    for statement in ("UPDATE audit_log SET action = 'rewritten'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    row = db.session.scalar(select(AuditLog))
    row.action = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditLog.action)) == "sign_in"


def test_audit_log_is_append_only_on_sqlite(app):
    with app.app_context():
        _check_append_only()


@pytest.mark.postgres
def test_audit_log_is_append_only_on_postgresql(postgres_database):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": postgres_database,
            "HOTLINE_ASYNC_MODE": "threading",
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        _check_append_only()
        db.session.remove()
        db.engine.dispose()
