"""并单: a call linked to an earlier call on the same problem. Both calls and
their items stay; the public pages show the link; the problem is counted once
in the board's totals, the department scorecard and the period report."""

import csv
import io
import re
from datetime import timedelta

from followup_support import submit
from sqlalchemy import func, select

from hotline.changes.commitments import create_commitment
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Call, CallEvent, Commitment, utcnow

HOUSING_ID = 1


def new_item(app, minutes_ago: int, topic: str) -> int:
    """A fresh call to housing with one commitment."""
    with app.app_context():
        show_id = db.session.scalar(select(Call.show_id).limit(1))
        number = db.session.scalar(select(func.max(Call.number)).where(Call.show_id == show_id))
        call = Call(
            show_id=show_id,
            number=number + 1,
            topic=topic,
            department_id=HOUSING_ID,
            received_at=utcnow() - timedelta(minutes=minutes_ago),
        )
        db.session.add(call)
        item = create_commitment(
            call,
            department_id=HOUSING_ID,
            pledge=f"处理：{topic}",
            official_name="周建华",
            official_title="局长",
            deadline=today() + timedelta(days=10),
            actor=None,
        )
        db.session.commit()
        return item.id


def counts(app) -> tuple[int, int, int]:
    """(board total, housing's scorecard items, items made this year in the report)."""
    client = app.test_client()
    board = client.get("/").get_data(as_text=True)
    total = int(re.search(r'data-count="total" data-n="(\d+)"', board).group(1))
    rows = client.get("/api/v1/departments").json["data"]
    card = next(r for r in rows if r["id"] == HOUSING_ID)["commitments"]
    with app.app_context():
        year = today().year
    report = client.get(f"/lists/report?period={year}&format=csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    made = int(table[-1][1])
    return total, card, made


def test_a_merged_call_is_counted_once_and_both_pages_show_the_link(app, login):
    before = counts(app)
    first = new_item(app, 60, "凤凰街道某小区路面破损")
    again = new_item(app, 5, "凤凰街道某小区路面又坏了")
    assert counts(app) == tuple(n + 2 for n in before)
    office = login("office")

    # Only a later call links to an earlier one.
    wrong = submit(office, first, "merge", earlier=str(again), reason="同一问题")
    assert wrong.status_code == 422
    response = submit(office, again, "merge", earlier=str(first), reason="同一小区同一路段")
    assert response.status_code == 302

    assert counts(app) == tuple(n + 1 for n in before)
    with app.app_context():
        calls = {c.id: c for c in db.session.scalars(select(Call))}
        first_call = db.session.get(Commitment, first).call_id
        again_call = db.session.get(Commitment, again).call_id
        assert calls[again_call].duplicate_of_id == first_call
        assert calls[first_call].duplicate_of_id is None  # both calls stay
        assert (
            db.session.scalar(
                select(CallEvent.kind)
                .where(CallEvent.call_id == again_call)
                .order_by(CallEvent.id.desc())
            )
            == "merged"
        )

    client = app.test_client()
    later_page = client.get(f"/commitments/{again}").get_data(as_text=True)
    assert f'data-merged="{first}"' in later_page and f'href="/commitments/{first}"' in later_page
    assert "只统计一次" in later_page and "同一小区同一路段" in later_page
    earlier_page = client.get(f"/commitments/{first}").get_data(as_text=True)
    assert f'data-merged="{again}"' in earlier_page and "同一问题再次来电" in earlier_page

    # Linked once: the form is gone, a second link is refused.
    assert "form-merge" not in office.get(f"/followup/commitments/{again}").text
