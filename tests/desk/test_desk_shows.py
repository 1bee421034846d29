"""The live desk over HTTP: scheduling, going live and logging calls on the console."""

import re

import pytest
from desk_support import HOUSING, TRANSPORT, calls_of, commit, go_live, log, scheduled_show
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import CallerContact, CallEvent, Show, ShowStatus


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


def test_htmx_log_returns_a_fresh_form_and_the_new_row(app, moderator, live_show):
    response = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls",
        {"topic": "公交站没有雨棚", "department": str(TRANSPORT), "idem": "k-htmx-1"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body  # a fragment, not a page
    assert 'id="call-form"' in body and 'value="公交站没有雨棚"' not in body
    assert 'hx-swap-oob="afterbegin:#desk-calls"' in body and "公交站没有雨棚" in body
    assert '<h2 id="calls-heading" hx-swap-oob="true">来电 (1)</h2>' in body


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="idem" type="hidden" value="([^"]+)"')


def _fresh_form(client, show_id: int, topic: str) -> str:
    response = client.htmx_post(f"/desk/shows/{show_id}/calls", {"topic": topic})
    assert response.status_code == 200
    return re.search(r'<form id="call-form".*?</form>', response.text, re.S).group(0)


def test_each_fresh_form_is_rendered_once_and_carries_its_own_token_and_key(
    app, moderator, login, live_show, monkeypatch
):
    """After a logged call the blank form is copied from its first rendering
    (web.render_stamped): each copy has the session's own CSRF token and a new
    one-time key, and is otherwise exactly the form a rendering gives."""
    from hotline import web

    rendered = []
    real = web.render_block
    monkeypatch.setattr(
        web,
        "render_block",
        lambda name, block, **c: rendered.append(block) or real(name, block, **c),
    )
    other = login("host")  # another desk, its own session
    forms = [_fresh_form(moderator, live_show, "一"), _fresh_form(moderator, live_show, "二")]
    forms.append(_fresh_form(other, live_show, "三"))
    assert rendered.count("call_form_body") == 1
    keys = [KEY.search(f)[1] for f in forms]
    tokens = [TOKEN.search(f)[1] for f in forms]
    assert len(set(keys)) == 3
    blank = {KEY.sub("key", TOKEN.sub("token", f)) for f in forms}
    assert len(blank) == 1
    # Each token is its own session's: it works there and nowhere else.
    for client, token, code in ((other, tokens[2], 303), (other, tokens[0], 400)):
        data = {"topic": "用表单里的令牌", "csrf_token": token}
        assert client.post(f"/desk/shows/{live_show}/calls", data=data).status_code == code
    # The key is a real one-time key: sent twice, it logs one call.
    for _ in range(2):
        log(moderator, live_show, topic="同一张表", idem=keys[1])
    assert [c.topic for c in calls_of(app, live_show)].count("同一张表") == 1


def test_a_renamed_department_shows_in_the_next_fresh_form(app, moderator, live_show):
    from hotline.models import Department

    _fresh_form(moderator, live_show, "改名前")
    with app.app_context():
        db.session.get(Department, HOUSING).name = "市住房和城乡建设局（新）"
        db.session.commit()
    assert "市住房和城乡建设局（新）" in _fresh_form(moderator, live_show, "改名后")


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
    from hotline.changes import calls as calls_module

    log(moderator, live_show, topic="先到的", idem="first")
    real = calls_module.next_number
    stale = iter([1])  # the other desk read max(number) before "先到的" was saved

    def racing(show):
        return next(stale, None) or real(show)

    monkeypatch.setattr(calls_module, "next_number", racing)
    assert log(moderator, live_show, topic="后到的", idem="second").status_code == 303
    assert [(c.number, c.topic) for c in calls_of(app, live_show)] == [(1, "先到的"), (2, "后到的")]


def test_a_call_that_loses_every_race_comes_back_as_typed(app, moderator, live_show, monkeypatch):
    """Other desks took every number tried: nothing is saved, the moderator is
    told so, and the form keeps the text to send again (never a bare 409)."""
    from hotline.changes import calls as calls_module

    log(moderator, live_show, topic="先到的", idem="first")
    monkeypatch.setattr(calls_module, "next_number", lambda show: 1)  # always taken
    moderator.get("/?lang=en")
    answer = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls",
        {"topic": "没抢到号的来电", "area": "凤凰街道", "department": "1", "idem": "lost"},
    )
    assert answer.status_code == 409
    assert "Other desks logged calls at the same moment" in answer.text
    assert "没抢到号的来电" in answer.text and "凤凰街道" in answer.text
    assert 'value="lost"' in answer.text  # the same key: sending again logs it once
    moderator.get("/?lang=zh_CN")
    page = log(moderator, live_show, topic="整页提交也不丢", idem="lost-too")
    assert page.status_code == 409 and "整页提交也不丢" in page.text
    assert "其他席位同时登记了来电，这条未能保存" in page.text
    assert [c.topic for c in calls_of(app, live_show)] == ["先到的"]

    monkeypatch.undo()
    again = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls",
        {"topic": "没抢到号的来电", "area": "凤凰街道", "department": "1", "idem": "lost"},
    )
    assert again.status_code == 200
    assert [c.topic for c in calls_of(app, live_show)] == ["先到的", "没抢到号的来电"]


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


def test_wtforms_messages_come_in_each_language_from_a_catalog_read_once(
    moderator, live_show, monkeypatch
):
    from babel.support import Translations

    from hotline.forms import staff as forms

    forms.wtforms_catalog.cache_clear()
    loads = []
    load = Translations.load

    def counted(dirname, locales, domain):
        loads.append((tuple(str(x) for x in locales), domain))
        return load(dirname, locales, domain)

    monkeypatch.setattr(Translations, "load", counted)
    for _ in range(2):
        assert "不是有效的选择" in log(moderator, live_show, department="9999").get_data(
            as_text=True
        )
    moderator.get("/?lang=en")
    for _ in range(2):
        assert "Not a valid choice" in log(moderator, live_show, department="9999").get_data(
            as_text=True
        )
    wtforms_loads = [locales for locales, domain in loads if domain == "wtforms"]
    assert wtforms_loads == [("zh_Hans_CN",), ("en",)]
