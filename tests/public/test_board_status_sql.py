"""The SQL status expression the board filters, counts and pages with must
agree with status.public_status(), the single source of truth."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from hotline.extensions import db
from hotline.models import Call, Commitment
from hotline.queries.board import status_code
from hotline.rules.status import Code, State, public_status

D = timedelta(days=1)
ORIG = date(2026, 3, 10)
EXT = date(2026, 3, 20)

# (state, deadline, original, completed_on): every branch and its edges.
CASES = [
    (State.OPEN, ORIG, ORIG, None),
    (State.OPEN, EXT, ORIG, None),
    (State.OPEN, ORIG, ORIG, ORIG - D),  # reopened: an old completion is ignored
    (State.REPORTED, ORIG, ORIG, ORIG - D),
    (State.REPORTED, ORIG, ORIG, ORIG + 3 * D),
    (State.MET, ORIG, ORIG, ORIG),
    (State.MET, ORIG, ORIG, ORIG - 5 * D),
    (State.MET, ORIG, ORIG, ORIG + D),
    (State.MET, EXT, ORIG, ORIG),
    (State.MET, EXT, ORIG, ORIG + D),
    (State.MET, EXT, ORIG, EXT),
    (State.MET, EXT, ORIG, EXT + D),
    (State.WITHDRAWN, ORIG, ORIG, None),
    (State.WITHDRAWN, EXT, ORIG, None),
]
TODAYS = [ORIG - 30 * D, ORIG - D, ORIG, ORIG + D, EXT - D, EXT, EXT + D, EXT + 400 * D]


def sql_codes(today):
    rows = db.session.execute(select(Commitment.id, status_code(today))).all()
    return dict(rows)


def python_codes(today):
    items = db.session.scalars(select(Commitment)).all()
    return {c.id: c.status(today).code.value for c in items}


def test_sql_and_python_agree_on_every_demo_commitment(app):
    with app.app_context():
        base = date.today()
        for today in [base + n * D for n in range(-150, 60, 3)]:
            assert sql_codes(today) == python_codes(today), today


def test_sql_and_python_agree_on_edge_dates(app):
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).limit(1))
        db.session.execute(
            insert(Commitment),
            [
                {
                    "call_id": call_id,
                    "department_id": 1,
                    "pledge": f"edge case {n}",
                    "official_name": "x",
                    "deadline": deadline,
                    "original_deadline": original,
                    "state": state.value,
                    "completed_on": completed,
                    "withdrawn_reason": "reason" if state is State.WITHDRAWN else None,
                }
                for n, (state, deadline, original, completed) in enumerate(CASES)
            ],
        )
        db.session.commit()
        seen = set()
        for today in TODAYS:
            sql = sql_codes(today)
            for c in db.session.scalars(select(Commitment).where(Commitment.pledge.like("edge%"))):
                expected = public_status(
                    state=c.state,
                    deadline=c.deadline,
                    original_deadline=c.original_deadline,
                    completed_on=c.completed_on,
                    today=today,
                ).code
                assert sql[c.id] == expected.value, (c.pledge, today)
                seen.add(expected)
        assert seen == set(Code)  # the cases reach every public status


@pytest.mark.postgres
def test_board_queries_run_on_postgresql(postgres_database):
    """The status expression, the grouped counts and the scorecard on PostgreSQL."""
    from flask_migrate import upgrade

    from hotline import create_app
    from hotline.cli import demo

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": postgres_database,
            "HOTLINE_ASYNC_MODE": "threading",
            "HOTLINE_MESSAGE_QUEUE": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
        demo.load(date.today(), app.config["HOTLINE_TIMEZONE"])
        for today in [date.today() + n * D for n in range(-150, 60, 10)]:
            assert sql_codes(today) == python_codes(today)
    client = app.test_client()
    for page in (
        "/",
        "/?status=overdue&sort=overdue&q=%E5%B0%8F%E5%8C%BA",
        "/?year=2026&sort=newest",
        "/departments",
        "/shows",
        "/api/v1/commitments?status=met",
        "/api/v1/departments",
    ):
        assert client.get(page).status_code == 200, page
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
