"""The department liaison's console and what a liaison may do on the desk."""

from desk_support import HOUSING, TRANSPORT, calls_of, commit, editor_version, log
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Call, Commitment


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
