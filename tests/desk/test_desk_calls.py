"""One call over HTTP: outcomes, commitments, corrections, idempotency and conflicts."""

import re
from datetime import date, timedelta

import pytest
from desk_support import (
    HOUSING,
    TRANSPORT,
    commit,
    count,
    demo_commitment,
    editor_version,
    today_in,
)
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Call, CallEvent, Commitment, Event


def test_answer_on_air(app, moderator, client, call_id, live_show):
    response = moderator.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "本周内派人疏通。",
            "answer-answered_by": "周建华 局长",
            "answer-version": editor_version(app, call_id),
            "answer-idem": "a1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call.outcome == "answered" and call.answer_text == "本周内派人疏通。"
        kinds = db.session.scalars(select(CallEvent.kind).where(CallEvent.call_id == call_id))
        assert "answered" in list(kinds)
    assert "现场答复" in client.get(f"/shows/{live_show}").get_data(as_text=True)


def test_commit_with_a_quick_pick_deadline(app, moderator, client, call_id):
    assert commit(moderator, call_id).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        assert item.deadline == item.original_deadline == today_in(app) + timedelta(days=30)
        assert db.session.get(Call, call_id).outcome == "committed"
        kinds = [e.kind for e in item.events]
        assert kinds == ["created"]
        commitment_id = item.id
    page = client.get(f"/commitments/{commitment_id}").get_data(as_text=True)
    assert "30天内完成排水沟清淤" in page and "还剩30天" in page


@pytest.mark.parametrize(
    "preset,expected",
    [
        ("7", lambda d: d + timedelta(days=7)),
        ("90", lambda d: d + timedelta(days=90)),
        ("year_end", lambda d: date(d.year, 12, 31)),
        ("date", lambda d: d + timedelta(days=45)),
    ],
)
def test_deadline_quick_picks(app, moderator, call_id, preset, expected):
    picked = (today_in(app) + timedelta(days=45)).isoformat()
    assert commit(moderator, call_id, deadline_preset=preset, deadline=picked).status_code == 303
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        assert item.deadline == expected(today_in(app))


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"deadline_preset": "date", "deadline": "2020-01-01"}, "不能早于今天"),
        ({"deadline_preset": "date", "deadline": "2101-01-01"}, "2101年之前"),
        ({"deadline_preset": "date", "deadline": ""}, "请选择办结时限"),
        ({"pledge": ""}, "此项必填"),
        ({"pledge": "诺" * 10000}, "最多2000个字"),
        ({"department": "9999"}, "不是有效的选择"),
    ],
)
def test_bad_commitment_input(app, moderator, call_id, fields, message):
    response = commit(moderator, call_id, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Commitment).where(Commitment.call_id == call_id)) is None


def test_double_submitted_commitment_is_made_once(app, moderator, call_id):
    before = count(app, Commitment)
    commit(moderator, call_id, idem="dup")
    commit(moderator, call_id, idem="dup")
    assert count(app, Commitment) == before + 1
    commit(moderator, call_id, idem="second-pledge", pledge="另一项承诺")
    assert count(app, Commitment) == before + 2  # one call, two commitments


def test_refer_and_placard(app, moderator, call_id):
    version = editor_version(app, call_id)
    response = moderator.post_form(
        f"/desk/calls/{call_id}/refer",
        {
            "refer-department": str(TRANSPORT),
            "refer-note": "现场核实路口情况",
            "refer-version": version,
            "refer-idem": "r1",
        },
    )
    assert response.status_code == 303
    response = moderator.post_form(
        f"/desk/calls/{call_id}/placard",
        {
            "placard-satisfied": "21",
            "placard-basic": "5",
            "placard-dissatisfied": "2",
            "placard-version": editor_version(app, call_id),
            "placard-idem": "p1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call.outcome == "referred" and call.department_id == TRANSPORT
        assert (call.placard_satisfied, call.placard_basic, call.placard_dissatisfied) == (21, 5, 2)
    bad = moderator.post_form(
        f"/desk/calls/{call_id}/placard",
        {
            "placard-satisfied": "-3",
            "placard-basic": "x",
            "placard-dissatisfied": "2",
            "placard-version": editor_version(app, call_id),
            "placard-idem": "p2",
        },
    )
    assert bad.status_code == 422


def test_corrections_are_recorded_with_old_and_new(app, moderator, call_id):
    response = moderator.post_form(
        f"/desk/calls/{call_id}/correct",
        {
            "correct-topic": "菜市场排水沟堵塞、异味重",
            "correct-area": "古楼街道",
            "correct-department": str(HOUSING),
            "correct-version": editor_version(app, call_id),
            "correct-idem": "fix1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalar(
            select(CallEvent).where(CallEvent.call_id == call_id, CallEvent.kind == "corrected")
        )
        assert event.data["changes"]["topic"] == ["菜市场排水沟堵塞", "菜市场排水沟堵塞、异味重"]
        assert event.data["changes"]["area"] == ["凤凰街道", "古楼街道"]


def test_second_save_of_the_same_call_is_a_conflict_not_an_overwrite(app, login, call_id):
    first, second = login("host"), login("office")
    version = editor_version(app, call_id)
    ok = first.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "第一位的答复",
            "answer-answered_by": "周局长",
            "answer-version": version,
            "answer-idem": "x1",
        },
    )
    assert ok.status_code == 303
    clash = second.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "第二位的答复",
            "answer-answered_by": "吴副局长",
            "answer-version": version,
            "answer-idem": "x2",
        },
    )
    assert clash.status_code == 409
    body = clash.get_data(as_text=True)
    assert "第一位的答复" in body and "第二位的答复" in body
    with app.app_context():
        assert db.session.get(Call, call_id).answer_text == "第一位的答复"


def test_correcting_a_commitment_goes_on_the_public_timeline(app, moderator, client, call_id):
    commit(moderator, call_id)
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        cid, version = item.id, item.version
    new_deadline = (today_in(app) + timedelta(days=20)).isoformat()
    response = moderator.post_form(
        f"/desk/commitments/{cid}/correct",
        {
            "pledge": "20天内完成排水沟清淤",
            "official_name": "周建华",
            "official_title": "局长",
            "deadline": new_deadline,
            "version": str(version),
            "idem": "cc1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        item = db.session.get(Commitment, cid)
        assert item.deadline == item.original_deadline == today_in(app) + timedelta(days=20)
        kinds = [
            e.kind for e in db.session.scalars(select(Event).where(Event.commitment_id == cid))
        ]
        assert kinds == ["created", "corrected"]
    page = client.get(f"/commitments/{cid}").get_data(as_text=True)
    assert "更正" in page


# --- the department liaison ---------------------------------------------------------------


@pytest.mark.parametrize("state", ["met", "open"])
def test_an_old_deadline_cannot_be_corrected_only_extended(app, moderator, client, state):
    cid, version, deadline = demo_commitment(app, state)

    def timeline():  # the public record (the page's CSRF token changes every second)
        page = client.get(f"/commitments/{cid}").text
        return page[page.index('<section id="timeline"') : page.index("</section>")]

    before = timeline()
    response = moderator.post_form(
        f"/desk/commitments/{cid}/correct",
        {
            "pledge": "改写的承诺",
            "official_name": "某人",
            "deadline": "2099-01-01",
            "version": str(version),
        },
    )
    assert response.status_code == 422
    assert "只能通过延期申请变更" in response.text
    with app.app_context():
        item = db.session.get(Commitment, cid)
        assert item.deadline == deadline and item.pledge != "改写的承诺"
    assert timeline() == before


def test_a_corrected_deadline_must_be_a_real_one(app, moderator, call_id):
    commit(moderator, call_id)
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        cid, version = item.id, item.version
    for bad, message in (("0001-01-01", "不能早于节目日期"), ("9999-12-31", "2101年之前")):
        response = moderator.post_form(
            f"/desk/commitments/{cid}/correct",
            {"pledge": "x", "official_name": "y", "deadline": bad, "version": str(version)},
        )
        assert response.status_code == 422 and message in response.text


def test_a_save_that_loses_the_race_is_a_conflict_not_a_500(app, moderator, call_id, monkeypatch):
    from sqlalchemy import text

    from hotline.changes import calls as calls_module

    real = calls_module.answer_call

    def meanwhile_someone_saved(call, **kwargs):
        real(call, **kwargs)
        with db.engine.begin() as conn:  # another desk commits first
            conn.execute(
                text(
                    "UPDATE calls SET version = version + 1, answer_text = '别人的' WHERE id = :id"
                ),
                {"id": call.id},
            )

    monkeypatch.setattr(calls_module, "answer_call", meanwhile_someone_saved)
    response = moderator.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "我的答复",
            "answer-answered_by": "周局长",
            "answer-version": editor_version(app, call_id),
            "answer-idem": "race",
        },
    )
    assert response.status_code == 409
    assert "我的答复" in response.text and "别人的" in response.text
    with app.app_context():
        assert db.session.get(Call, call_id).answer_text == "别人的"


def test_a_committed_call_stays_committed_and_with_its_department(app, moderator, call_id):
    commit(moderator, call_id)
    version = editor_version(app, call_id)
    refer_attempt = moderator.post_form(
        f"/desk/calls/{call_id}/refer",
        {"refer-department": str(TRANSPORT), "refer-version": version, "refer-idem": "r"},
    )
    answer_attempt = moderator.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "改成现场答复",
            "answer-answered_by": "某",
            "answer-version": version,
            "answer-idem": "a",
        },
    )
    move_attempt = moderator.post_form(
        f"/desk/calls/{call_id}/correct",
        {
            "correct-topic": "菜市场排水沟堵塞",
            "correct-department": str(TRANSPORT),
            "correct-version": version,
            "correct-idem": "m",
        },
    )
    for response in (refer_attempt, answer_attempt, move_attempt):
        assert response.status_code == 422
        assert "已有公示中的承诺事项" in response.text, re.findall(
            r"error-text[^<]*", response.text
        )
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert (call.outcome, call.department_id) == ("committed", HOUSING)


def test_referring_clears_who_answered_and_says_the_note_is_public(app, moderator, call_id):
    page = moderator.get(f"/desk/calls/{call_id}").text
    assert "需核实的内容（公开显示）" in page
    moderator.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "先答复",
            "answer-answered_by": "周局长",
            "answer-version": editor_version(app, call_id),
            "answer-idem": "a1",
        },
    )
    moderator.post_form(
        f"/desk/calls/{call_id}/refer",
        {
            "refer-department": str(TRANSPORT),
            "refer-note": "再核实",
            "refer-version": editor_version(app, call_id),
            "refer-idem": "r1",
        },
    )
    with app.app_context():
        assert db.session.get(Call, call_id).answered_by == ""


def test_after_a_conflict_the_other_forms_carry_the_new_version(app, login, call_id):
    first, second = login("host"), login("office")
    version = editor_version(app, call_id)
    first.post_form(
        f"/desk/calls/{call_id}/placard",
        {
            "placard-satisfied": "1",
            "placard-basic": "2",
            "placard-dissatisfied": "3",
            "placard-version": version,
            "placard-idem": "p",
        },
    )
    clash = second.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "慢了一步",
            "answer-answered_by": "某",
            "answer-version": version,
            "answer-idem": "late",
        },
    )
    assert clash.status_code == 409
    current = editor_version(app, call_id)
    for name in ("answer", "refer", "placard", "correct"):
        assert f'name="{name}-version" type="hidden" value="{current}"' in clash.text, name


def test_a_commitment_correction_conflict_and_repeat(app, login, call_id):
    first, second = login("host"), login("office")
    commit(first, call_id, idem="c-for-fix")
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        cid, version, deadline = item.id, str(item.version), item.deadline.isoformat()
    data = {
        "pledge": "第一位更正的承诺",
        "official_name": "周建华",
        "deadline": deadline,
        "version": version,
        "idem": "fix-1",
    }
    assert first.post_form(f"/desk/commitments/{cid}/correct", data).status_code == 303
    repeat = first.post_form(f"/desk/commitments/{cid}/correct", data)  # a resend
    assert repeat.status_code == 303
    clash = second.post_form(
        f"/desk/commitments/{cid}/correct", {**data, "pledge": "第二位更正的承诺", "idem": "fix-2"}
    )
    assert clash.status_code == 409
    assert "第一位更正的承诺" in clash.text and "第二位更正的承诺" in clash.text
    with app.app_context():
        kinds = [
            e.kind for e in db.session.scalars(select(Event).where(Event.commitment_id == cid))
        ]
        assert kinds == ["created", "corrected"]
