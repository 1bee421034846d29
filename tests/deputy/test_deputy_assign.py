"""交办: a message through a deputy's 代表码 → the deputy's queue → given to a
department with a deadline → on the board with its source → the liaison
reports it met → the office verifies → the callback to the sender. A deputy
reaches only their own messages and items; the sender stays private."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from deputy.test_deputies import NAME, PHONE, deputies, message_id, send
from followup_support import hidden, local_today, submit
from sqlalchemy import select, update

from hotline.changes import messages
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Deputy, DeputyMessage, Event, MessageEvent

HOUSING_ID = 1  # 市住房和城乡建设局, the `housing` liaison's department
SUMMARY = "东港村村口路灯损坏"
ASK = "请市住建局三十日内修复东港村村口路灯"


@pytest.fixture
def pair(app, login):
    first, second = deputies(app)
    return first, second, login("dep-a"), login("dep-b")


def assign_data(**fields) -> dict:
    data = {
        "assign-summary": SUMMARY,
        "assign-suggestion": ASK,
        "assign-department": str(HOUSING_ID),
        "assign-deadline_preset": "30",
    }
    data.update({f"assign-{k}": v for k, v in fields.items()})
    return data


def housing_card(client) -> dict:
    rows = client.get("/api/v1/departments").json["data"]
    return next(r for r in rows if r["id"] == HOUSING_ID)


def carried(client, deputy_id: int) -> dict[str, int]:
    """The deputy's public record: items made, and by status."""
    page = client.get(f"/deputies/{deputy_id}").text
    made = int(re.search(r'data-count="made">(\d+)<', page).group(1))
    codes = dict(re.findall(r'<li data-code="(\w+)">[^<:]*: (\d+)</li>', page))
    return {"made": made, **{code: int(n) for code, n in codes.items()}}


def the_item(app, mid: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Commitment.id).where(Commitment.message_id == mid))


def test_a_message_given_to_a_department_is_followed_up_to_the_callback(app, client, pair, login):
    first, _second, dep_a, _dep_b = pair
    sent = send(client, first)
    track = sent.headers["Location"]
    mid = message_id(app)
    before, record_before = housing_card(client), carried(client, first)
    page = dep_a.get(f"/deputy/messages/{mid}").text
    assert 'id="assign"' in page and "交办部门" in page

    # Refused, with nothing written: no department; a deadline in the past.
    assert (
        dep_a.post_form(f"/deputy/messages/{mid}/assign", assign_data(department="")).status_code
        == 422
    )
    past = (local_today(app) - timedelta(days=1)).isoformat()
    refused = dep_a.post_form(
        f"/deputy/messages/{mid}/assign", assign_data(deadline_preset="date", deadline=past)
    )
    assert refused.status_code == 422 and "办结时限不能早于今天" in refused.text
    assert the_item(app, mid) is None

    done = dep_a.post_form(f"/deputy/messages/{mid}/assign", assign_data())
    assert done.status_code == 303
    cid = the_item(app, mid)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        assert (item.call_id, item.kind, item.department_id) == (None, "referral", HOUSING_ID)
        assert item.deadline == local_today(app) + timedelta(days=30)
        assert [e.kind for e in item.events] == ["assigned"]
        message = db.session.get(DeputyMessage, mid)
        assert message.status == "assigned" and message.summary == SUMMARY
        record = db.session.scalars(
            select(MessageEvent).where(MessageEvent.message_id == mid).order_by(MessageEvent.id)
        ).all()
        assert [e.kind for e in record] == ["received", "assigned"]
        assert record[-1].data["commitment_id"] == cid
        # One transaction: the item's first event and the message's entry together.
        assert abs(record[-1].created_at - item.events[0].created_at) < timedelta(seconds=2)
    again = dep_a.post_form(f"/deputy/messages/{mid}/assign", assign_data())
    assert again.status_code == 409 and the_item(app, mid) == cid

    # On the board with its source, and everywhere a board item is.
    board = client.get("/").text
    row = re.search(rf'<tr id="commitment-{cid}".*?</tr>', board, re.S).group(0)
    assert 'data-source="deputy_code"' in row and "代表码" in row and ASK in row
    assert SUMMARY in row and f"/deputies/{first}" in row
    assert f"commitment-{cid}" in client.get(f"/?deputy={first}").text
    assert f"commitment-{cid}" in client.get("/?q=路灯损坏").text
    api = client.get(f"/api/v1/commitments?deputy={first}&per_page=100").json["data"]
    record = next(r for r in api if r["id"] == cid)
    assert record["source"] == "deputy_code" and record["kind"] == "referral"
    assert (record["show_id"], record["call_id"], record["topic"]) == (None, None, SUMMARY)
    assert record["deputy_id"] == first and record["area"] == "东港村"
    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/v1/commitments.csv").data.decode("utf-8-sig")))
    )
    assert next(r for r in rows if r["id"] == str(cid))["source"] == "deputy_code"
    public = client.get(f"/commitments/{cid}").text
    assert 'data-source="deputy_code"' in public and SUMMARY in public
    assert "通过代表码交办部门" in public
    feed = client.get("/feed.atom").text
    assert ASK in feed and "的代表码" in feed
    assignments = client.get("/lists/assignments?format=csv").text
    assert ASK in assignments and "的代表码" in assignments
    tracked = client.get(track).text
    assert 'data-message="assigned"' in tracked and f"/commitments/{cid}" in tracked
    # Each item tracked can be read aloud on its own (长辈版, static/readaloud.js).
    item_row = re.search(r"<li data-readaloud-item.*?</li>", tracked, re.S).group(0)
    assert f"/commitments/{cid}" in item_row and 'class="readaloud readaloud-item' in item_row
    assert housing_card(client)["commitments"] == before["commitments"] + 1

    # The department's liaison works it like any item; the office verifies.
    liaison, office = login("housing"), login("office")
    assert f'data-item="{cid}"' in liaison.get("/followup/").text
    assert submit(liaison, cid, "acknowledge").status_code == 302
    assert submit(liaison, cid, "progress", note="已安排电工").status_code == 302
    later = (local_today(app) + timedelta(days=45)).isoformat()
    asked = submit(liaison, cid, "extension", new_deadline=later, reason="需更换线路")
    assert asked.status_code == 302
    assert submit(office, cid, "decision", decision="grant", reason="同意").status_code == 302
    assert 'class="extended"' in client.get(f"/commitments/{cid}").text
    with app.app_context():
        item = db.session.get(Commitment, cid)
        assert item.deadline.isoformat() == later != item.original_deadline.isoformat()
    assert submit(liaison, cid, "completion", note="路灯已修复").status_code == 302
    assert submit(office, cid, "verify").status_code == 302
    assert 'data-status="met_on_time"' in client.get(f"/commitments/{cid}").text
    card = housing_card(client)
    assert card["met_on_time"] == before["met_on_time"] + 1

    # The sender left a phone: the office calls back; only the verdict is public.
    work = office.get(f"/followup/commitments/{cid}").text
    assert 'id="form-callback"' in work
    contact = re.search(r'id="callback-contact">(.*?)</dd>', work).group(1)
    assert NAME in contact and PHONE in contact
    liaison_view = liaison.get(f"/followup/commitments/{cid}").text
    assert NAME not in liaison_view and PHONE not in liaison_view
    assert submit(office, cid, "callback", reached="yes", verdict="satisfied").status_code == 302
    public = client.get(f"/commitments/{cid}").text
    assert 'data-callback="satisfied"' in public
    for url in (f"/commitments/{cid}", "/", f"/deputies/{first}", track, "/feed.atom"):
        text = client.get(url).text
        assert NAME not in text and PHONE not in text, url

    # The deputy's public record counts it; their note (代表督办) goes on the timeline.
    record_after = carried(client, first)
    assert record_after["made"] == record_before["made"] + 1
    assert record_after["met_on_time"] == record_before.get("met_on_time", 0) + 1
    assert f"/commitments/{cid}" in client.get(f"/deputies/{first}").text
    assert f'id="assigned-{cid}"' in dep_a.get("/deputy/").text
    note = {"note": "已回访群众，满意。"}
    assert dep_a.post_form(f"/deputy/commitments/{cid}/note", note).status_code == 303
    with app.app_context():
        kinds = db.session.scalars(select(Event.kind).where(Event.commitment_id == cid)).all()
    assert kinds[0] == "assigned" and kinds[-1] == "deputy_note" and "callback" in kinds


def test_a_deputy_cannot_touch_another_deputys_message_or_item(app, client, pair, login):
    first, _second, dep_a, dep_b = pair
    send(client, first)
    mid = message_id(app)
    # Another deputy, a liaison, a moderator, nobody signed in: nothing happens.
    assert dep_b.get(f"/deputy/messages/{mid}").status_code == 404
    assert dep_b.post_form(f"/deputy/messages/{mid}/assign", assign_data()).status_code == 404
    for username in ("housing", "host"):
        assert (
            login(username).post_form(f"/deputy/messages/{mid}/assign", assign_data()).status_code
            == 403
        )
    assert client.post_form(f"/deputy/messages/{mid}/assign", assign_data()).status_code == 302
    assert dep_a.post_form("/deputy/messages/999999/assign", assign_data()).status_code == 404
    assert the_item(app, mid) is None
    # The office works every deputy's queue.
    office = login("office")
    assert office.post_form(f"/deputy/messages/{mid}/assign", assign_data()).status_code == 303
    cid = the_item(app, mid)
    note = {"note": "请加快"}
    assert dep_b.post_form(f"/deputy/commitments/{cid}/note", note).status_code == 404
    assert f"assigned-{cid}" not in dep_b.get("/deputy/").text
    assert dep_b.get("/followup/").status_code in (403, 404)
    assert dep_a.get(f"/followup/commitments/{cid}").status_code in (403, 404)
    assert dep_a.post_form(f"/deputy/commitments/{cid}/note", note).status_code == 303
    # An item from a message is no call: no correction on air, no 并单.
    assert login("host").get(f"/desk/commitments/{cid}/correct").status_code == 404
    work = office.get(f"/followup/commitments/{cid}").text
    assert 'id="form-press"' in work and 'id="form-merge"' not in work
    with app.app_context():
        other = db.session.scalar(
            select(Commitment.id).where(Commitment.call_id.is_not(None)).limit(1)
        )
    data = {
        "merge-version": hidden(work, "press-version"),
        "merge-idem": "merge-code-item",
        "merge-earlier": str(other),
        "merge-reason": "同一问题",
    }
    refused = office.post_form(f"/followup/commitments/{cid}/merge", data)
    assert refused.status_code == 422
    with app.app_context():
        kinds = db.session.scalars(select(Event.kind).where(Event.commitment_id == cid)).all()
    assert "merged" not in kinds


def test_two_people_acting_on_a_message_at_once_leave_one_outcome(app, client, pair, monkeypatch):
    """The message is versioned: when the office answered it between this
    deputy's check and save, the 交办 is refused (409) and nothing is written."""
    first, _second, dep_a, _dep_b = pair
    send(client, first)
    mid = message_id(app)
    checked = messages._need_new

    def answered_meanwhile(message):
        checked(message)
        with db.engine.begin() as conn:  # another request, committed first
            conn.execute(
                update(DeputyMessage)
                .where(DeputyMessage.id == message.id)
                .values(status="answered", version=DeputyMessage.version + 1)
            )

    monkeypatch.setattr(messages, "_need_new", answered_meanwhile)
    refused = dep_a.post_form(f"/deputy/messages/{mid}/assign", assign_data())
    assert refused.status_code == 409 and "已处理" in refused.text
    assert the_item(app, mid) is None
    with app.app_context():
        assert db.session.get(DeputyMessage, mid).status == "answered"


def assign_many(app, n: int, start: int = 0) -> None:
    """n 代表码 messages, each given to a department (the write layer, no requests)."""
    with app.test_request_context("/"):
        deputy_ids = db.session.scalars(select(Deputy.id).where(Deputy.active)).all()
        for i in range(start, start + n):
            deputy_id = deputy_ids[i % len(deputy_ids)]
            messages.receive(deputy_id, text=f"留言{i}", area="东港村", name="某人", phone="1")
            db.session.flush()
            message = db.session.scalar(
                select(DeputyMessage).where(DeputyMessage.text == f"留言{i}")
            )
            messages.assign(
                message,
                actor=None,
                summary=f"摘要{i}",
                suggestion=f"请办理{i}",
                department_id=HOUSING_ID,
                deadline=today() + timedelta(days=1 + i % 40),
            )
        db.session.commit()


@pytest.mark.parametrize(
    "url", ["/", "/api/v1/commitments?per_page=100", "/feed.atom", "/api/v1/commitments.csv"]
)
def test_query_count_does_not_grow_with_code_items(app, client, count_queries, url):
    assign_many(app, 5)
    client.get(url)  # warm up
    with count_queries() as before:
        assert client.get(url).status_code == 200
    assign_many(app, 60, start=100)
    with count_queries() as after:
        response = client.get(url)
    body = json.dumps(response.json, ensure_ascii=False) if response.is_json else response.text
    assert body.count("请办理1") > 5  # the new items are there
    assert after[0] <= before[0]  # (fewer when no call item is left on the page)
