"""The live desk over HTTP: scheduling, going live, logging calls, outcomes,
liaisons, idempotency, conflicts and bad input."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import (
    Call,
    CallerContact,
    CallEvent,
    Commitment,
    Event,
    Show,
    ShowStatus,
)

HOUSING, TRANSPORT = 1, 2  # demo department ids (市住房和城乡建设局, 市交通运输局)


def today_in(app) -> date:
    with app.app_context():
        return local_today()


def scheduled_show(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))


def go_live(client, show_id):
    response = client.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    assert response.status_code == 303
    return show_id


@pytest.fixture
def live_show(app, moderator):
    return go_live(moderator, scheduled_show(app))


def log(client, show_id, **fields):
    data = {"topic": "小区路灯不亮", "area": "凤凰街道", "department": str(HOUSING)}
    data.update(fields)
    return client.post_form(f"/desk/shows/{show_id}/calls", data)


def calls_of(app, show_id):
    with app.app_context():
        return list(
            db.session.scalars(select(Call).where(Call.show_id == show_id).order_by(Call.number))
        )


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def editor_version(app, call_id) -> str:
    with app.app_context():
        return str(db.session.get(Call, call_id).version)


# --- shows -------------------------------------------------------------------------


def test_schedule_a_show_with_its_panel(app, moderator):
    response = moderator.post_form(
        "/desk/shows/new",
        {
            "title": "代表专线（第174期）",
            "kind": "hotline",
            "venue": "演播厅",
            "starts_at": "2027-01-05T09:00",
            "stream_url": "https://live.example.cn/174",
            "departments": ["1", "2"],
            "deputies": ["3"],
        },
    )
    assert response.status_code == 303
    with app.app_context():
        show = db.session.scalar(select(Show).where(Show.title == "代表专线（第174期）"))
        assert [d.id for d in show.departments] == [1, 2]
        assert [d.id for d in show.deputies] == [3]
        assert show.status == ShowStatus.SCHEDULED
        # 09:00 in Beijing is 01:00 UTC.
        assert show.starts_at.hour == 1
    console = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "代表专线（第174期）" in console and "开始直播" in console


def test_show_form_errors_are_shown_beside_the_fields(moderator):
    response = moderator.post_form(
        "/desk/shows/new", {"title": "", "kind": "hotline", "stream_url": "javascript:alert(1)"}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "此项必填" in body
    assert "请填写开始日期和时间" in body
    assert "https://" in body and 'aria-invalid="true"' in body


def test_edit_a_show_before_it_starts_and_not_after(app, moderator):
    show_id = scheduled_show(app)
    page = moderator.get(f"/desk/shows/{show_id}/edit").get_data(as_text=True)
    assert "代表专线（第173期）" in page
    with app.app_context():
        version = db.session.get(Show, show_id).version
    data = {
        "title": "改期后的第173期",
        "kind": "hotline",
        "starts_at": "2027-02-01T10:00",
        "version": str(version),
        "departments": ["1"],
    }
    assert moderator.post_form(f"/desk/shows/{show_id}/edit", data).status_code == 303
    stale = moderator.post_form(f"/desk/shows/{show_id}/edit", {**data, "title": "另一个标题"})
    assert stale.status_code == 409
    assert "另一个标题" in stale.get_data(as_text=True)  # the user's text is kept
    go_live(moderator, show_id)
    response = moderator.get(f"/desk/shows/{show_id}/edit")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Show, show_id).title == "改期后的第173期"


def test_take_live_and_end(app, moderator, client):
    show_id = scheduled_show(app)
    status = re.compile(r'<p id="show-status"[^>]*>(.*?)</p>', re.S)
    assert "直播中" not in status.search(client.get(f"/shows/{show_id}").text).group(1)
    go_live(moderator, show_id)
    go_live(moderator, show_id)  # a double click changes nothing more
    assert "直播中" in status.search(client.get(f"/shows/{show_id}").text).group(1)
    desk_row = re.search(
        rf"<tr>\s*<td><a href=\"/desk/shows/{show_id}\".*?</tr>",
        moderator.get("/desk/").text,
        re.S,
    ).group(0)
    assert "直播中" in desk_row
    end = moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    assert end.status_code == 303
    with app.app_context():
        show = db.session.get(Show, show_id)
        assert show.status == ShowStatus.ENDED and show.ended_at >= show.went_live_at
    again = moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    assert again.status_code == 303  # a stale console: told, nothing changes
    assert "该场次已是已结束" in moderator.get(again.headers["Location"]).get_data(as_text=True)
    stale = moderator.htmx_post(f"/desk/shows/{show_id}/status", {"action": "live"})
    assert stale.status_code == 409
    assert 'id="show-header"' in stale.get_data(as_text=True)  # the truth, in place
    with app.app_context():
        assert db.session.get(Show, show_id).status == ShowStatus.ENDED


# --- logging calls -------------------------------------------------------------------


def test_log_calls_numbered_in_order_newest_first(app, moderator, live_show):
    assert log(moderator, live_show, topic="第一个问题").status_code == 303
    assert log(moderator, live_show, topic="第二个问题").status_code == 303
    numbers = [(c.number, c.topic) for c in calls_of(app, live_show)]
    assert numbers == [(1, "第一个问题"), (2, "第二个问题")]
    page = moderator.get(f"/desk/shows/{live_show}").get_data(as_text=True)
    assert page.index("第二个问题") < page.index("第一个问题")


def test_htmx_log_returns_a_fresh_form_and_the_list(app, moderator, live_show):
    response = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls",
        {"topic": "公交站没有雨棚", "department": str(TRANSPORT), "idem": "k-htmx-1"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body  # a fragment, not a page
    assert 'id="call-form"' in body and 'value="公交站没有雨棚"' not in body
    assert 'hx-swap-oob="true"' in body and "公交站没有雨棚" in body


def test_caller_details_are_stored_apart_and_kept_off_public_pages(
    app, moderator, client, live_show
):
    log(
        moderator, live_show, topic="楼道积水", caller_name="欧阳娜娜", caller_phone="139 0000 1234"
    )
    call = calls_of(app, live_show)[0]
    with app.app_context():
        contact = db.session.get(CallerContact, call.id)
        assert (contact.name, contact.phone) == ("欧阳娜娜", "139 0000 1234")
        events = db.session.scalars(select(CallEvent).where(CallEvent.call_id == call.id)).all()
        assert "欧阳娜娜" not in repr([e.data for e in events])
    public = client.get(f"/shows/{live_show}").get_data(as_text=True)
    assert "楼道积水" in public
    assert "欧阳娜娜" not in public and "1234" not in public
    desk = moderator.get(f"/desk/calls/{call.id}").get_data(as_text=True)
    assert "欧阳娜娜" in desk


def test_the_same_form_submitted_twice_logs_one_call(app, moderator, live_show):
    for _ in range(3):  # double click, then a retry after a network drop
        log(moderator, live_show, idem="same-key-1")
    assert len(calls_of(app, live_show)) == 1


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"topic": ""}, "此项必填"),
        ({"topic": "   "}, "此项必填"),
        ({"topic": "长" * 10000}, "最多500个字"),
        ({"topic": "含有\x07控制字符"}, "控制字符"),
        ({"caller_phone": "call me maybe"}, "电话号码"),
        ({"department": "9999"}, "不是有效的选择"),
    ],
)
def test_bad_call_input_is_refused_with_a_message(app, moderator, live_show, fields, message):
    response = log(moderator, live_show, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert calls_of(app, live_show) == []


def test_bad_input_over_htmx_keeps_what_was_typed(moderator, live_show):
    response = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls",
        {"topic": "占道经营", "caller_phone": "abc", "idem": "k-keep"},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="占道经营"' in body and 'value="k-keep"' in body


# --- outcomes -------------------------------------------------------------------------


@pytest.fixture
def call_id(app, moderator, live_show):
    log(moderator, live_show, topic="菜市场排水沟堵塞", department=str(HOUSING))
    return calls_of(app, live_show)[0].id


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


def commit(client, call_id, **fields):
    data = {
        "commit-pledge": "30天内完成排水沟清淤",
        "commit-official_name": "周建华",
        "commit-official_title": "局长",
        "commit-department": str(HOUSING),
        "commit-deadline_preset": "30",
        "commit-idem": "c1",
    }
    data.update({f"commit-{k}": v for k, v in fields.items()})
    return client.post_form(f"/desk/calls/{call_id}/commit", data)


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


def test_liaison_sees_only_their_departments_calls(app, moderator, login, live_show):
    log(moderator, live_show, topic="住建的问题", department=str(HOUSING), idem="h")
    log(moderator, live_show, topic="交通的问题", department=str(TRANSPORT), idem="t")
    housing = login("housing")
    page = housing.get("/desk/department").get_data(as_text=True)
    assert "住建的问题" in page and "交通的问题" not in page
    transport_call = [c for c in calls_of(app, live_show) if c.topic == "交通的问题"][0]
    assert housing.get(f"/desk/calls/{transport_call.id}").status_code == 404
    assert (
        housing.post_form(
            f"/desk/calls/{transport_call.id}/answer", {"answer-answer_text": "x"}
        ).status_code
        == 404
    )


def test_liaison_commits_for_own_department_only(app, moderator, liaison, call_id):
    assert commit(liaison, call_id, department=str(TRANSPORT), idem="l1").status_code == 422
    assert commit(liaison, call_id, idem="l2").status_code == 303
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.call_id == call_id))
        assert item.department_id == HOUSING


def test_liaison_sees_the_phone_only_for_a_callback(app, moderator, liaison, live_show):
    log(
        moderator,
        live_show,
        topic="不回电",
        caller_name="甲乙丙",
        caller_phone="13800001111",
        idem="n1",
    )
    log(
        moderator,
        live_show,
        topic="要回电",
        caller_name="丁戊己",
        caller_phone="13800002222",
        callback="y",
        idem="n2",
    )
    no, yes = calls_of(app, live_show)
    assert "13800001111" not in liaison.get(f"/desk/calls/{no.id}").get_data(as_text=True)
    assert "13800002222" in liaison.get(f"/desk/calls/{yes.id}").get_data(as_text=True)


def test_liaison_cannot_run_the_desk(app, liaison, call_id, live_show):
    assert liaison.get(f"/desk/shows/{live_show}").status_code == 403
    assert log(liaison, live_show).status_code == 403
    assert liaison.post_form(f"/desk/calls/{call_id}/placard", {}).status_code == 403
    assert liaison.post_form(f"/desk/calls/{call_id}/correct", {}).status_code == 403


def test_every_desk_page_renders_in_both_languages(app, moderator, liaison, call_id, live_show):
    for client, url, zh_heading, en_heading in [
        (moderator, "/desk/", "<h1>直播台</h1>", "<h1>Live desk</h1>"),
        (moderator, "/desk/shows/new", "<h1>安排场次</h1>", "<h1>Schedule a show</h1>"),
        (moderator, f"/desk/shows/{live_show}", "登记来电", "Log a call"),
        (moderator, f"/desk/calls/{call_id}", "承诺限期办", "Commit to a deadline"),
        (liaison, "/desk/department", "交办本部门的来电", "Calls for your department"),
    ]:
        zh = client.get(url + "?lang=zh_CN")
        en = client.get(url + "?lang=en")
        assert zh.status_code == en.status_code == 200, url
        zh, en = zh.get_data(as_text=True), en.get_data(as_text=True)
        assert 'lang="zh-CN"' in zh and zh_heading in zh, url
        assert 'lang="en"' in en and en_heading in en, url


def test_a_live_show_is_announced_on_every_page(app, moderator, client):
    show_id = scheduled_show(app)
    assert f'href="/shows/{show_id}"' not in client.get("/departments").get_data(as_text=True)
    go_live(moderator, show_id)
    for url in ("/", "/departments", "/shows", "/auth/login"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="on-air"' in html and f'href="/shows/{show_id}"' in html, url


def test_logging_a_call_costs_the_same_queries_however_long_the_show(
    app, moderator, live_show, count_queries
):
    def queries_for_one_more_call(i):
        token = moderator.csrf()
        with count_queries() as n:
            response = moderator.post(
                f"/desk/shows/{live_show}/calls",
                data={"topic": f"来电{i}", "department": str(HOUSING), "csrf_token": token},
            )
        assert response.status_code == 303
        return n[0]

    log(moderator, live_show, topic="第一个", idem="warm-up")  # creates the rooms' counters
    first = queries_for_one_more_call(0)
    for i in range(1, 15):
        log(moderator, live_show, topic=f"填充{i}", idem=f"fill{i}")
    assert queries_for_one_more_call(99) == first


# --- what a city-wide broadcast must not get wrong (review findings) -----------------------


def demo_commitment(app, state):
    with app.app_context():
        item = db.session.scalar(select(Commitment).where(Commitment.state == state))
        return item.id, item.version, item.deadline


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


def test_huge_ids_and_absurd_dates_are_not_server_errors(moderator, client):
    huge = "99999999999999999999999"
    for c, url in (
        (client, f"/shows/{huge}"),
        (client, f"/commitments/{huge}"),
        (moderator, f"/desk/calls/{huge}"),
        (moderator, f"/desk/shows/{huge}"),
    ):
        assert c.get(url).status_code == 404, url
    response = moderator.post_form(
        "/desk/shows/new", {"title": "公元一年", "kind": "hotline", "starts_at": "0001-01-01T00:00"}
    )
    assert response.status_code == 422 and "2000年至2100年" in response.text


def test_two_desks_taking_the_same_call_number_both_get_logged(
    app, moderator, live_show, monkeypatch
):
    from hotline import calls as calls_module

    log(moderator, live_show, topic="先到的", idem="first")
    real = calls_module.next_number
    stale = iter([1])  # the other desk read max(number) before "先到的" was saved

    def racing(show):
        return next(stale, None) or real(show)

    monkeypatch.setattr(calls_module, "next_number", racing)
    assert log(moderator, live_show, topic="后到的", idem="second").status_code == 303
    assert [(c.number, c.topic) for c in calls_of(app, live_show)] == [(1, "先到的"), (2, "后到的")]


def test_a_save_that_loses_the_race_is_a_conflict_not_a_500(app, moderator, call_id, monkeypatch):
    from sqlalchemy import text

    from hotline import calls as calls_module

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


def test_a_blank_form_key_never_swallows_a_call(app, moderator, live_show):
    log(moderator, live_show, topic="一", idem="")
    log(moderator, live_show, topic="二", idem="")
    assert [c.topic for c in calls_of(app, live_show)] == ["一", "二"]


def test_scheduling_twice_with_one_form_makes_one_show(app, moderator):
    data = {
        "title": "只排一次",
        "kind": "hotline",
        "starts_at": "2027-03-01T09:00",
        "idem": "show-key",
    }
    first = moderator.post_form("/desk/shows/new", data)
    second = moderator.post_form("/desk/shows/new", data)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Show).where(Show.title == "只排一次")
            )
            == 1
        )


def test_an_unrouted_call_has_no_department_picked_for_it(app, moderator, live_show):
    log(moderator, live_show, topic="未交办", department="", idem="u")
    call_id = calls_of(app, live_show)[0].id
    page = moderator.get(f"/desk/calls/{call_id}").text
    commit_select = re.search(r'<select[^>]*id="commit-department".*?</select>', page, re.S)[0]
    assert not re.search(r'selected value="\d', commit_select)
    response = commit(moderator, call_id, department="")
    assert response.status_code == 422 and "请选择职能部门" in response.text


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


def test_calls_are_logged_only_while_the_show_is_live(app, moderator):
    show_id = scheduled_show(app)
    before = log(moderator, show_id, topic="开播前登记", idem="early")
    assert before.status_code == 409 and "开始直播后才能登记来电" in before.text
    go_live(moderator, show_id)
    assert log(moderator, show_id, topic="直播中登记", idem="on-air").status_code == 303
    end = moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    assert end.status_code == 303
    after = log(moderator, show_id, topic="结束后登记", idem="late")
    assert after.status_code == 409 and "直播已结束" in after.text
    assert [c.topic for c in calls_of(app, show_id)] == ["直播中登记"]
    console = moderator.get(f"/desk/shows/{show_id}").text
    assert 'id="topic"' not in console  # no form that cannot be used


def test_ending_the_show_warns_about_calls_still_waiting(app, moderator, live_show):
    log(moderator, live_show, topic="还没答复", idem="w1")
    console = moderator.get(f"/desk/shows/{live_show}").text
    assert "还有1条来电待答复" in console


def test_the_panel_shows_each_departments_calls_by_outcome(app, moderator, live_show):
    log(moderator, live_show, topic="待答复的", department=str(HOUSING), idem="p1")
    log(moderator, live_show, topic="要承诺的", department=str(HOUSING), idem="p2")
    committed = [c for c in calls_of(app, live_show) if c.topic == "要承诺的"][0]
    commit(moderator, committed.id, idem="p-commit")
    page = moderator.get(f"/desk/shows/{live_show}").text
    panel = page[page.index('id="panel"') : page.index("</section>", page.index('id="panel"'))]
    housing = re.search(r"市住房和城乡建设局</th>(.*?)</tr>", panel, re.S).group(1)
    waiting, answered, committed_cell, referred = re.findall(r"<td[^>]*>(.*?)</td>", housing, re.S)
    assert "#1" in waiting and "#2" not in waiting
    assert "#2" in committed_cell and answered.strip() == "–"


def test_the_call_form_offers_the_panel_departments_first(app, moderator, live_show):
    page = moderator.get(f"/desk/shows/{live_show}").text
    select = re.search(r'<select[^>]*id="department".*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    assert groups[0] == "本期嘉宾部门"


def test_a_liaison_answers_and_refers_within_their_department(app, moderator, liaison, call_id):
    answered = liaison.post_form(
        f"/desk/calls/{call_id}/answer",
        {
            "answer-answer_text": "已安排维修",
            "answer-answered_by": "住建局 王磊",
            "answer-version": editor_version(app, call_id),
            "answer-idem": "la",
        },
    )
    assert answered.status_code == 303
    elsewhere = liaison.post_form(
        f"/desk/calls/{call_id}/refer",
        {
            "refer-department": str(TRANSPORT),
            "refer-version": editor_version(app, call_id),
            "refer-idem": "lr",
        },
    )
    assert elsewhere.status_code == 422 and "只能在本部门内转线下核实" in elsewhere.text
    with app.app_context():
        assert db.session.get(Call, call_id).department_id == HOUSING


def test_another_departments_item_is_a_logged_404(app, moderator, login, live_show, caplog):
    import logging

    log(moderator, live_show, topic="交通局的事", department=str(TRANSPORT), idem="t404")
    call = [c for c in calls_of(app, live_show) if c.topic == "交通局的事"][0]
    with caplog.at_level(logging.WARNING, logger="hotline.auth"):
        assert login("housing").get(f"/desk/calls/{call.id}").status_code == 404
    assert any("not found in scope" in r.message and "housing" in r.message for r in caplog.records)


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
