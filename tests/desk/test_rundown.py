"""The 回音壁 rundown's selection at its edges: due exactly on the previous show's
date, extended, verified and withdrawn before or since the previous show,
overdue, other departments, the show's own commitments, and the reading order."""

from datetime import date, datetime, timedelta

import pytest

from hotline.changes.commitments import add_event
from hotline.extensions import db
from hotline.models import Call, Commitment, Department, EventKind, Show, ShowStatus
from hotline.queries.rundown import (
    EXTENDED,
    FELL_DUE,
    OVERDUE,
    VERIFIED,
    WITHDRAWN,
    previous_show,
    rundown,
)
from hotline.rules.status import State

ZONE = "Asia/Shanghai"
TODAY = date(2026, 6, 20)
# Shows start at 09:00 local (01:00 UTC): an old one, the previous one, this one.
OLD = datetime(2026, 3, 1, 1, 0)
PREVIOUS = datetime(2026, 6, 1, 1, 0)
THIS = datetime(2026, 6, 20, 1, 0)
PREVIOUS_DAY = date(2026, 6, 1)


@pytest.fixture
def world(empty_app):
    with empty_app.app_context():
        housing, transport = Department(name="住建局"), Department(name="交通局")
        db.session.add_all([housing, transport])
        old = Show(title="第170期", starts_at=OLD, status=ShowStatus.ENDED)
        prev = Show(title="第171期", starts_at=PREVIOUS, status=ShowStatus.ENDED)
        this = Show(title="第172期", starts_at=THIS, status=ShowStatus.LIVE)
        onsite = Show(title="代表来了", kind="onsite", starts_at=datetime(2026, 6, 10, 1, 0))
        this.departments = [housing]
        db.session.add_all([old, prev, this, onsite])
        db.session.flush()
        made = {}

        def item(name, *, show=old, department=housing, deadline, state=State.OPEN,
                 events=(), completed=None, original=None):  # fmt: skip
            call = Call(show=show, number=len(made) + 1, topic=name, received_at=show.starts_at)
            c = Commitment(
                call=call,
                department=department,
                pledge=name,
                official_name="周建华",
                deadline=deadline,
                original_deadline=original or deadline,
                state=state,
                completed_on=completed,
                created_at=show.starts_at,
            )
            db.session.add(c)
            db.session.flush()
            for kind, at, data in events:
                add_event(c, kind, None, data=data).created_at = at
            made[name] = c.id

        just_before = PREVIOUS - timedelta(minutes=1)
        after = PREVIOUS + timedelta(days=3)
        verified_early = [(EventKind.VERIFIED, just_before, {})]
        granted = EventKind.EXTENSION_GRANTED
        moved_since = [(granted, after, {"from": "2026-06-05", "to": "2026-09-01"})]
        moved_before = [(granted, just_before, {"from": "2026-05-05", "to": "2026-09-01"})]
        reported = [(EventKind.PROGRESS, after, {}), (EventKind.COMPLETION_REPORTED, after, {})]
        item("due on the previous show's day", deadline=PREVIOUS_DAY, state=State.MET,
             completed=PREVIOUS_DAY - timedelta(days=5), events=verified_early)  # fmt: skip
        item("due the day before", deadline=PREVIOUS_DAY - timedelta(days=1), state=State.MET,
             completed=PREVIOUS_DAY - timedelta(days=5), events=verified_early)  # fmt: skip
        item("due today", deadline=TODAY)
        item("due tomorrow", deadline=TODAY + timedelta(days=1))
        item("overdue long ago", deadline=date(2026, 4, 1))
        item("extended since", deadline=date(2026, 9, 1), original=date(2026, 6, 5),
             events=moved_since)  # fmt: skip
        item("extended before", deadline=date(2026, 9, 1), original=date(2026, 5, 5),
             events=moved_before)  # fmt: skip
        item("verified since", deadline=date(2026, 4, 1), state=State.MET,
             completed=date(2026, 3, 30), events=[(EventKind.VERIFIED, after, {})])  # fmt: skip
        item("withdrawn since", deadline=date(2026, 4, 1), state=State.WITHDRAWN,
             events=[(EventKind.WITHDRAWN, after, {})])  # fmt: skip
        item("withdrawn before", deadline=PREVIOUS_DAY + timedelta(days=2), state=State.WITHDRAWN,
             events=[(EventKind.WITHDRAWN, just_before, {})])  # fmt: skip
        item("another department", department=transport, deadline=date(2026, 4, 1))
        item("made on this show", show=this, deadline=date(2026, 4, 1))
        item("reported, fell due", deadline=date(2026, 6, 10), state=State.REPORTED,
             completed=date(2026, 6, 9), events=reported)  # fmt: skip
        db.session.commit()
        yield empty_app, this.id, made


def _run(world, today=TODAY):
    app, show_id, made = world
    names = {v: k for k, v in made.items()}
    with app.app_context():
        show = db.session.get(Show, show_id)
        return {names[i.commitment.id]: i for i in rundown(show, today, ZONE)}, show_id


def test_previous_show_is_the_last_one_of_the_same_kind(world):
    app, show_id, _ = world
    with app.app_context():
        assert previous_show(db.session.get(Show, show_id)).title == "第171期"


def test_selection_at_the_edges(world):
    found, _ = _run(world)
    assert set(found) == {
        "due on the previous show's day",
        "due today",
        "overdue long ago",
        "extended since",
        "verified since",
        "withdrawn since",
        "reported, fell due",
    }
    assert found["due on the previous show's day"].reasons == [FELL_DUE]
    assert found["due today"].reasons == [FELL_DUE]
    assert found["overdue long ago"].reasons == [OVERDUE]
    assert found["extended since"].reasons == [EXTENDED]
    assert found["verified since"].reasons == [VERIFIED]
    assert found["withdrawn since"].reasons == [WITHDRAWN]


def test_each_item_carries_its_history_and_latest_progress(world):
    found, _ = _run(world)
    extended = found["extended since"]
    assert [e.data["to"] for e in extended.extensions] == ["2026-09-01"]
    assert extended.status.extended
    assert found["reported, fell due"].progress.kind == EventKind.COMPLETION_REPORTED
    assert found["due today"].progress is None


def test_reading_order_worst_news_first(world):
    app, show_id, made = world
    names = {v: k for k, v in made.items()}
    with app.app_context():
        order = [
            names[i.commitment.id] for i in rundown(db.session.get(Show, show_id), TODAY, ZONE)
        ]
    assert order[0] == "overdue long ago"
    assert order[1] == "withdrawn since"
    assert order.index("due today") < order.index("reported, fell due")
    assert order[-1] in ("due on the previous show's day", "verified since")


def test_without_a_previous_show_everything_due_counts(world):
    app, show_id, made = world
    with app.app_context():
        db.session.delete(db.session.scalar(db.select(Show).where(Show.title == "第171期")))
        db.session.commit()
    found, _ = _run(world)
    assert "due the day before" in found and "withdrawn before" in found
    assert "due tomorrow" not in found and "another department" not in found
