"""The events tables are append-only at the database level: an attempt to edit
or delete an Event (or a 代表码 message's MessageEvent) through the ORM fails
and nothing changes (SQLite and PostgreSQL)."""

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError

from hotline import create_app
from hotline.changes import messages
from hotline.cli import demo
from hotline.extensions import db
from hotline.models import Deputy, Event, MessageEvent

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def _check_orm_cannot_rewrite_history() -> None:
    first = db.session.scalar(select(Event).order_by(Event.id).limit(1))
    event_id, note = first.id, first.note
    total = db.session.scalar(select(func.count(Event.id)))

    first.note = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()

    db.session.delete(db.session.get(Event, event_id))
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    assert db.session.get(Event, event_id).note == note
    assert db.session.scalar(select(func.count(Event.id))) == total
    # Appending still works.
    db.session.add(Event(commitment_id=first.commitment_id, kind="progress", note="新的进展"))
    db.session.commit()
    assert db.session.scalar(select(func.count(Event.id))) == total + 1


def _check_message_history_cannot_be_rewritten() -> None:
    deputy_id = db.session.scalar(select(Deputy.id).limit(1))
    messages.receive(deputy_id, text="路灯坏了", area="东港村", name="", phone="")
    db.session.commit()
    first = db.session.scalar(select(MessageEvent).order_by(MessageEvent.id.desc()).limit(1))
    event_id, message_id = first.id, first.message_id
    total = db.session.scalar(select(func.count(MessageEvent.id)))

    first.note = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(MessageEvent, event_id))
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    assert db.session.get(MessageEvent, event_id).note == ""
    db.session.add(MessageEvent(message_id=message_id, kind="note", note="代表已联系"))
    db.session.commit()
    assert db.session.scalar(select(func.count(MessageEvent.id))) == total + 1


def test_orm_cannot_edit_or_delete_events_on_sqlite(app):
    with app.app_context():
        _check_orm_cannot_rewrite_history()
        _check_message_history_cannot_be_rewritten()


@pytest.mark.postgres
def test_orm_cannot_edit_or_delete_events_on_postgresql(postgres_database):
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
        demo.load(demo.date.today(), "Asia/Shanghai")
        _check_orm_cannot_rewrite_history()
        _check_message_history_cannot_be_rewritten()
        db.session.remove()
        db.engine.dispose()
