"""`flask db upgrade` builds the schema from nothing on SQLite and PostgreSQL,
matching the models, with the events table refusing UPDATE and DELETE."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from hotline import create_app
from hotline.cli import demo
from hotline.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
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
    "repeats",
    "vague_phrases",
    "viewer_votes",
    "categories",
    "category_aliases",
    "areas",
    "area_aliases",
    "wall_entries",
    "wall_votes",
    "wall_blocks",
    "sensitive_words",
    "crew_notes",
    "renderers",
    "replies",
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


def _check_topics_backfill(app):
    """A message a deputy put forward before topics existed becomes one of the
    show's published topics, with its record."""
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0011_escalation")
        with db.engine.begin() as conn:
            show_id = conn.execute(
                text(
                    "INSERT INTO shows (title, kind, venue, starts_at, status, stream_url, "
                    "version) VALUES ('代表来了', 'onsite', '', '2030-01-01 01:00:00', "
                    "'scheduled', '', 1) RETURNING id"
                )
            ).scalar()
            deputy_id = conn.execute(
                text(
                    "INSERT INTO deputies (name, title, active) "
                    "VALUES ('某代表', '', true) RETURNING id"
                )
            ).scalar()
            message_id = conn.execute(
                text(
                    "INSERT INTO deputy_messages (deputy_id, text, area, summary, answer, "
                    "reason, status, show_id, created_at, updated_at, version) VALUES "
                    "(:d, '原文', '东港村', '路灯维修', '', '', 'topic', :s, "
                    "'2029-12-01 00:00:00', '2029-12-02 00:00:00', 1) RETURNING id"
                ),
                {"d": deputy_id, "s": show_id},
            ).scalar()
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            topics = conn.execute(
                text("SELECT show_id, text, area, source, status, message_id FROM topics")
            ).all()
            kinds = conn.execute(text("SELECT kind, topic_id FROM topic_events")).all()
        assert [tuple(t) for t in topics] == [
            (show_id, "路灯维修", "东港村", "message", "published", message_id)
        ]
        assert [k[0] for k in kinds] == ["added"]


def _rebuild_keeps_every_item(app):
    """0016 rebuilds the commitments table on SQLite: upgrading a database full of
    items (down to 0011 and up again) keeps every item and its history linked,
    and the app's connections enforce foreign keys again afterwards."""
    from flask_migrate import downgrade

    with app.app_context():
        upgrade(directory=MIGRATIONS)
        demo.load(demo.date.today(), "Asia/Shanghai")
        db.session.remove()
        count = "SELECT (SELECT count(*) FROM commitments), (SELECT count(*) FROM events)"
        with db.engine.connect() as conn:
            before = conn.execute(text(count)).one()
        downgrade(directory=MIGRATIONS, revision="0015_topics")
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            assert conn.execute(text(count)).one() == before
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        db.engine.dispose()  # a fresh connection, as the app gets
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                conn.rollback()
            with pytest.raises(DatabaseError):  # a source, and only one
                with conn.begin():
                    conn.execute(text("UPDATE commitments SET call_id = NULL"))
            with conn.begin():
                conn.execute(
                    text(
                        "INSERT INTO deputy_messages (id, deputy_id, text, area, summary, answer,"
                        " reason, status, created_at, updated_at, version) SELECT 9, min(id),"
                        " '路灯', '', '', '', '', 'new', '2026-01-01', '2026-01-01', 1"
                        " FROM deputies"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO message_events (message_id, kind, created_at, note, data)"
                        " VALUES (9, 'received', '2026-01-01', '', '{}')"
                    )
                )
            for statement in ("UPDATE message_events SET note = 'x'", "DELETE FROM message_events"):
                with pytest.raises(DatabaseError, match="append-only"):
                    with conn.begin():
                        conn.execute(text(statement))
        db.session.remove()
        db.engine.dispose()


def test_messages_put_forward_become_topics_on_sqlite(tmp_path):
    _check_topics_backfill(_app(f"sqlite:///{tmp_path}/old.sqlite3", tmp_path))


@pytest.mark.postgres
def test_messages_put_forward_become_topics_on_postgresql(postgres_database, tmp_path):
    _check_topics_backfill(_app(postgres_database, tmp_path))


def test_sqlite_rebuild_keeps_every_item(tmp_path):
    _rebuild_keeps_every_item(_app(f"sqlite:///{tmp_path}/old.sqlite3", tmp_path))


@pytest.mark.postgres
def test_postgresql_upgrade_keeps_every_item(postgres_database, tmp_path):
    _rebuild_keeps_every_item(_app(postgres_database, tmp_path))
