"""`flask db upgrade` builds the schema from nothing on SQLite and PostgreSQL,
matching the models, with the events table refusing UPDATE and DELETE."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from hotline import create_app, demo
from hotline.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
TABLES = {
    "departments",
    "deputies",
    "users",
    "shows",
    "show_departments",
    "show_deputies",
    "calls",
    "caller_contacts",
    "commitments",
    "events",
    "attachments",
    "extension_requests",
    "ratings",
    "questions",
    "live_sequences",
    "call_events",
    "redactions",
    "on_air",
    "settings",
    "reference_codes",
    "topic_collections",
    "topics",
    "topic_supports",
    "topic_events",
}


def _app(url, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": url,
            "HOTLINE_ASYNC_MODE": "threading",
        }
    )


def _check_schema(app):
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        assert TABLES <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        demo.load(demo.date.today(), "Asia/Shanghai")
        for statement in (
            "UPDATE events SET note = 'rewritten'",
            "DELETE FROM events",
            "UPDATE call_events SET kind = 'rewritten'",
            "DELETE FROM call_events",
            "UPDATE topic_events SET kind = 'rewritten'",
            "DELETE FROM topic_events",
        ):
            with pytest.raises(DatabaseError, match="append-only"):
                with db.engine.begin() as conn:
                    conn.execute(text(statement))
        with db.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT count(*) FROM events WHERE note = 'rewritten'")).scalar()
                == 0
            )
        db.session.remove()
        db.engine.dispose()


def test_upgrade_on_empty_sqlite(tmp_path):
    _check_schema(_app(f"sqlite:///{tmp_path}/fresh.sqlite3", tmp_path))


@pytest.mark.postgres
def test_upgrade_on_empty_postgresql(postgres_database, tmp_path):
    _check_schema(_app(postgres_database, tmp_path))
