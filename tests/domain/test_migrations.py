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


def _check_categories_data(app):
    """0035_categories_data on a database from before it (the demo's calls and
    messages, typed as free text): the default lists are seeded, every demo
    value is mapped to its category and area, a text on neither list is left
    for the office to map, and no text or department changes."""
    from sqlalchemy import insert, select

    from hotline.models import Area, Call, Category, Department, Deputy, DeputyMessage, Show

    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0029_categories")
        with db.engine.begin() as conn:
            departments = [
                conn.execute(
                    insert(Department.__table__).values(name=name).returning(Department.id)
                ).scalar()
                for name in demo.DEPARTMENTS
            ]
            deputy = conn.execute(
                insert(Deputy.__table__).values(name="某代表").returning(Deputy.id)
            ).scalar()
            show = conn.execute(
                insert(Show.__table__)
                .values(title="代表专线", kind="hotline", starts_at=demo.datetime(2030, 1, 1))
                .returning(Show.id)
            ).scalar()
            typed = [
                (topic, demo.AREAS[area], category, departments[dept])
                for _title, _kind, _offset, calls in demo.SHOWS
                for topic, area, category, dept, _story in calls
            ]
            typed.append(("不在清单上的问题", "某某村", "其他", None))
            for number, (topic, area, category, department) in enumerate(typed, start=1):
                conn.execute(
                    insert(Call.__table__).values(
                        show_id=show,
                        number=number,
                        received_at=demo.datetime(2030, 1, 1),
                        topic=topic,
                        area=area,
                        category=category,
                        department_id=department,
                    )
                )
            for area in [*demo.AREAS, "某某村"]:
                conn.execute(
                    insert(DeputyMessage.__table__).values(deputy_id=deputy, text="留言", area=area)
                )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            categories = {
                c.id: (c.name, c.department_id) for c in conn.execute(select(Category.__table__))
            }
            areas = {a.id: a.name for a in conn.execute(select(Area.__table__))}
            calls = conn.execute(
                select(Call.topic, Call.area, Call.category, Call.department_id)
                .add_columns(Call.area_id, Call.category_id)
                .order_by(Call.number)
            ).all()
            messages = conn.execute(
                select(DeputyMessage.area, DeputyMessage.area_id).order_by(DeputyMessage.id)
            ).all()
        # The seeded categories route to the departments of the same name.
        assert categories and all(department for _name, department in categories.values())
        meaning = {"住房": "住房城建", "城管": "城市管理", "交通": "交通出行"}
        meaning |= {"水利": "水利湖泊", "环境": "生态环境"}
        for (topic, area, category, department), row in zip(typed, calls, strict=True):
            # Nothing typed is changed, nor the department.
            assert (row.topic, row.area, row.category, row.department_id) == (
                topic,
                area,
                category,
                department,
            )
            if area == "某某村":  # on neither list: left for the office
                assert row.area_id is None and row.category_id is None
                continue
            assert areas[row.area_id] == area, topic
            assert categories[row.category_id][0] == meaning[category], topic
            assert categories[row.category_id][1] == department, topic
        assert [(a, areas.get(i)) for a, i in messages] == [
            *((a, a) for a in demo.AREAS),
            ("某某村", None),
        ]
        db.session.remove()
        db.engine.dispose()


def test_categories_data_maps_the_demo_values_on_sqlite(tmp_path):
    _check_categories_data(_app(f"sqlite:///{tmp_path}/before.sqlite3", tmp_path))


@pytest.mark.postgres
def test_categories_data_maps_the_demo_values_on_postgresql(postgres_database, tmp_path):
    _check_categories_data(_app(postgres_database, tmp_path))
