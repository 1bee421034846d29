"""The show's dossier (档案): for each panel department, its officials' open,
overdue and recently met items, the pledges of the last show it was on and
what became of them, its extension history, and the voters' top topics; a
liaison reads their own department alone; any line goes on air; nothing of a
caller; the same number of queries however large the panel; A4 in print."""

import io
import re
from datetime import timedelta

import pytest
from desk_support import HOUSING, TRANSPORT, today_in
from sqlalchemy import select

from hotline.changes.commitments import add_event
from hotline.extensions import db
from hotline.models import (
    Call,
    CallerContact,
    Commitment,
    Department,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Redaction,
    Show,
    ShowStatus,
    Topic,
    TopicStatus,
    TopicSupport,
    utcnow,
)
from hotline.rules.status import State

CALLER, PHONE = "保密来电人甲", "13900009999"
WITHHELD = "来电人电话13900009999，请回电"


def _department(name, *, shows, panels, items, today, calls):
    """A department on the panel of the `panels` of `shows` (the old, the last
    and this one) and its items: (pledge, official, title, state, deadline and
    completion in days from today, the show it was given on)."""
    dept = Department(name=name)
    db.session.add(dept)
    for n in panels:
        shows[n].departments.append(dept)
    made = {}
    for pledge, official, title, state, due, done, on in items:
        show = shows[on]
        calls[on] = calls.get(on, 0) + 1
        call = Call(show=show, number=calls[on], topic=pledge, received_at=show.starts_at)
        db.session.add(CallerContact(call=call, name=CALLER, phone=PHONE, callback=True))
        deadline = today + timedelta(days=due)
        item = Commitment(
            call=call,
            department=dept,
            pledge=pledge,
            official_name=official,
            official_title=title,
            deadline=deadline,
            original_deadline=deadline,
            state=state,
            completed_on=today + timedelta(days=done) if done is not None else None,
            withdrawn_reason="经核实不属本部门职责" if state == State.WITHDRAWN else None,
            created_at=show.starts_at,
        )
        db.session.add(item)
        made[pledge] = item
    db.session.flush()
    return dept, made


ITEMS = [
    # pledge, official, title, state, deadline (days from today), completed, show
    ("逾期的承诺：修好路灯", "王建", "局长", State.OPEN, -5, None, 1),
    ("在办的承诺：清理河道", "王建", "局长", State.OPEN, 20, None, 1),
    ("撤回的承诺：搬迁菜场", "王建", "局长", State.WITHDRAWN, 10, None, 1),
    ("近期办结：补种树木", "李敏", "副局长", State.MET, -2, -3, 1),
    ("早已办结：修补路面", "李敏", "副局长", State.MET, -90, -95, 0),
    ("待核实：更换井盖", "李敏", "副局长", State.REPORTED, -1, -2, 0),
]


def _seed(app, extra_departments=0, tag=""):
    """A scheduled show in five days whose panel is two new departments (and
    `extra_departments` more, each like the first), two earlier shows, topics;
    `tag` tells the departments of another seed apart."""
    with app.app_context():
        today = today_in(app)
        now = utcnow().replace(hour=1, minute=0, second=0, microsecond=0)
        old = Show(title="第160期", starts_at=now - timedelta(days=100), status=ShowStatus.ENDED)
        last = Show(title="第165期", starts_at=now - timedelta(days=40), status=ShowStatus.ENDED)
        this = Show(title="第180期：档案测试", starts_at=now + timedelta(days=5))
        db.session.add_all([old, last, this])
        shows = (old, last, this)
        calls, depts = {}, []
        first, made = _department(
            f"甲局{tag}", shows=shows, panels=(0, 1, 2), items=ITEMS, today=today, calls=calls
        )
        second, other = _department(
            f"乙局{tag}",
            shows=shows,
            panels=(1, 2),
            items=[("乙局的承诺：加装护栏", "赵强", "局长", State.OPEN, 3, None, 1)],
            today=today,
            calls=calls,
        )
        depts += [first, second]
        for n in range(extra_departments):
            dept, extra = _department(
                f"丙局{tag}{n}",
                shows=shows,
                panels=(0, 1, 2),
                items=ITEMS,
                today=today,
                calls=calls,
            )
            depts.append(dept)
            _extensions(extra)
        ext = _extensions(made)
        for text, supports, status in (
            ("冬季供暖不达标", 2, TopicStatus.PUBLISHED),
            ("学校门口拥堵", 5, TopicStatus.PUBLISHED),
            ("公厕长期关闭", 3, TopicStatus.PUBLISHED),
            ("待审核的议题", 9, TopicStatus.PROPOSED),
        ):
            topic = Topic(show=this, text=text, source="staff", status=status)
            db.session.add(topic)
            db.session.flush()
            for i in range(supports):
                key = f"{topic.id:04d}{i:060d}"
                db.session.add(TopicSupport(topic_id=topic.id, browser_key=key, address_key=key))
        db.session.commit()
        ids = {k: v.id for k, v in (made | other).items()}
        return {
            "show": this.id,
            "first": first.id,
            "second": second.id,
            "items": ids,
            "extensions": ext,
            "departments": [d.id for d in depts],
        }


def _extensions(made):
    """A granted and a refused request on the open item, and one on the
    overdue item whose reason the office withheld from the public timeline."""
    due, overdue = made["在办的承诺：清理河道"], made["逾期的承诺：修好路灯"]
    decided = utcnow() - timedelta(days=10)
    granted = ExtensionRequest(
        commitment=due,
        requested_deadline=due.deadline + timedelta(days=30),
        reason="需要协调水务部门",
        status=ExtensionStatus.GRANTED,
        decision_reason="理由充分，同意延期",
        decided_at=decided,
    )
    refused = ExtensionRequest(
        commitment=due,
        requested_deadline=due.deadline + timedelta(days=90),
        reason="工期太紧",
        status=ExtensionStatus.REFUSED,
        decision_reason="理由不充分",
        decided_at=decided,
    )
    hidden = ExtensionRequest(
        commitment=overdue,
        requested_deadline=overdue.deadline + timedelta(days=40),
        reason=WITHHELD,
    )
    db.session.add_all([granted, refused, hidden])
    event = add_event(overdue, EventKind.EXTENSION_REQUESTED, None, note=WITHHELD)
    db.session.flush()
    db.session.add(Redaction(event_id=event.id, reason="含来电人电话"))
    db.session.flush()
    return {"granted": granted.id, "refused": refused.id, "hidden": hidden.id}


@pytest.fixture
def world(app):
    return _seed(app)


def _section(html, department_id):
    found = re.search(rf'<section id="dossier-department-{department_id}".*?</section>', html, re.S)
    return found.group(0) if found else None


def _lines(html, group):
    return re.findall(rf'data-item="(\d+)" data-group="{group}"', html)


def test_each_department_shows_its_officials_items_by_status(moderator, world):
    page = moderator.get(f"/desk/shows/{world['show']}/dossier?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    first = _section(html, world["first"])
    items = world["items"]
    counts = dict(re.findall(r'data-count="(\w+)"><strong>(\d+)</strong>', first))
    assert counts == {"overdue": "1", "open": "1", "reported": "1", "met": "1"}
    assert _lines(first, "overdue") == [str(items["逾期的承诺：修好路灯"])]
    assert _lines(first, "open") == [str(items["在办的承诺：清理河道"])]
    assert _lines(first, "reported") == [str(items["待核实：更换井盖"])]
    assert _lines(first, "met") == [str(items["近期办结：补种树木"])]
    assert "早已办结" not in first.split("Pledges of the last show")[0]  # met long ago
    # Grouped by the official who made them, each with their own counts.
    wang = first.index("王建")
    li = first.index("李敏")
    assert wang < first.index("逾期的承诺") < first.index("在办的承诺") < li
    assert "(1 overdue, 1 open)" in first and "(1 awaiting verification, 1 met recently)" in first
    assert "Overdue by 5 days" in first and "Due in 20 days" in first
    # The second department: its own item only.
    second = _section(html, world["second"])
    assert "乙局的承诺" in second and "修好路灯" not in second
    assert re.search(r'data-count="open"><strong>1<', second)


def test_the_last_shows_pledges_with_what_became_of_them(moderator, world):
    html = moderator.get(f"/desk/shows/{world['show']}/dossier?lang=en").get_data(as_text=True)
    first = _section(html, world["first"])
    last = first.split("Pledges of the last show it was on")[1].split("Extension history")[0]
    assert "第165期" in last and "第160期" not in last
    # Every item given on that show, withdrawn included, with its status now.
    assert last.count('class="dossier-line"') == 4
    for pledge, status in (
        ("逾期的承诺：修好路灯", "Overdue by 5 days"),
        ("在办的承诺：清理河道", "Due in 20 days"),
        ("撤回的承诺：搬迁菜场", "Withdrawn"),
        ("近期办结：补种树木", "Met on time"),
    ):
        line = re.search(rf'<li class="dossier-line".*?{pledge}.*?</li>', last, re.S).group(0)
        assert status in line, (pledge, line)
    assert "经核实不属本部门职责" in last  # the public reason of the withdrawal
    assert "早已办结" not in last and "待核实" not in last  # given on an older show
    second = _section(html, world["second"]).split("Pledges of the last show it was on")[1]
    assert "第165期" in second and "乙局的承诺：加装护栏" in second.split("Extension history")[0]


def test_the_extension_history_granted_refused_and_withheld(moderator, world):
    html = moderator.get(f"/desk/shows/{world['show']}/dossier?lang=en").get_data(as_text=True)
    history = _section(html, world["first"]).split("Extension history")[1]
    assert history.count('data-extension="granted"') == 1
    assert history.count('data-extension="refused"') == 1
    assert history.count('data-extension="pending"') == 1
    assert "需要协调水务部门" in history and "理由充分，同意延期" in history
    assert "工期太紧" in history and "理由不充分" in history
    assert WITHHELD not in html and PHONE not in html  # withheld from the public: not here


def test_the_voters_top_topics_by_support(moderator, world):
    html = moderator.get(f"/desk/shows/{world['show']}/dossier?lang=en").get_data(as_text=True)
    topics = re.search(r'<section id="dossier-topics".*?</section>', html, re.S).group(0)
    order = [topics.index(t) for t in ("学校门口拥堵", "公厕长期关闭", "冬季供暖不达标")]
    assert order == sorted(order)
    assert "5 supporters" in topics and "待审核的议题" not in html


def test_a_liaison_reads_their_own_department_alone(app, liaison, world):
    # The demo's next show has housing, transport and city management on its panel.
    with app.app_context():
        show = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.SCHEDULED))
    html = liaison.get(f"/desk/shows/{show}/dossier?lang=en").get_data(as_text=True)
    assert _section(html, HOUSING) is not None
    assert _section(html, TRANSPORT) is None and "市交通运输局" not in html
    assert "data-on-air-put" not in html and 'id="on-air"' not in html  # the desk's
    assert liaison.get(f"/desk/shows/{show}/dossier/{HOUSING}").status_code == 200
    assert liaison.get(f"/desk/shows/{show}/dossier/{TRANSPORT}").status_code == 404
    # A show whose panel is not theirs: nothing of it.
    assert liaison.get(f"/desk/shows/{world['show']}/dossier").status_code == 404
    assert liaison.get(f"/desk/shows/{world['show']}/dossier/{world['first']}").status_code == 404


def test_one_department_alone_and_unknown_ones(moderator, world):
    html = moderator.get(f"/desk/shows/{world['show']}/dossier/{world['second']}").text
    assert _section(html, world["second"]) and _section(html, world["first"]) is None
    assert moderator.get(f"/desk/shows/{world['show']}/dossier/{HOUSING}").status_code == 404
    assert moderator.get("/desk/shows/999999/dossier").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(f"/desk/shows/{world['show']}/dossier")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.get(f"/desk/shows/{world['show']}/dossier/{world['first']}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_console_links_to_the_dossier(moderator, world):
    html = moderator.get(f"/desk/shows/{world['show']}").get_data(as_text=True)
    assert f'href="/desk/shows/{world["show"]}/dossier"' in html


def _offered(html, kind, item):
    """The on-air form the dossier offers for a line, as the browser sends it."""
    form = re.search(
        rf'<form[^>]*hx-post="([^"]+)"[^>]*>(?:(?!</form>).)*data-on-air-put="{kind}-{item}"',
        html,
        re.S,
    )
    assert form, (kind, item)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
    return form.group(1), fields


def _overlay(client, show_id):
    html = client.get(f"/shows/{show_id}/overlay?lang=en").get_data(as_text=True)
    return re.search(r'<section id="lower-third".*?</section>', html, re.S).group(0)


def test_any_line_goes_on_air_and_the_overlay_shows_it(client, moderator, world):
    show, items = world["show"], world["items"]
    html = moderator.get(f"/desk/shows/{show}/dossier?lang=en").get_data(as_text=True)
    assert 'id="on-air"' in html  # the desk's on-air block, where the answer goes
    # An overdue item of an earlier show is in this show's 回音壁 rundown.
    overdue = items["逾期的承诺：修好路灯"]
    url, fields = _offered(html, "rundown", overdue)
    answer = moderator.htmx_post(url, fields)
    assert answer.status_code == 200 and 'data-on-air="rundown"' in answer.text
    card = _overlay(client, show)
    assert 'data-state="on"' in card and "逾期的承诺：修好路灯" in card
    # One not due yet is the earlier promise (上次承诺); without htmx, back to the dossier.
    due = items["在办的承诺：清理河道"]
    url, fields = _offered(html, "promise", due)
    response = moderator.post_form(url, fields)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/desk/shows/{show}/dossier")
    card = _overlay(client, show)
    assert 'data-kind="promise"' in card and "在办的承诺：清理河道" in card
    # A topic of the voters.
    with moderator.application.app_context():
        topic = db.session.scalar(select(Topic.id).where(Topic.text == "学校门口拥堵"))
        hidden = db.session.scalar(select(Topic.id).where(Topic.text == "待审核的议题"))
    url, fields = _offered(html, "topic", topic)
    answer = moderator.htmx_post(url, fields)
    assert 'data-on-air="topic"' in answer.text and "学校门口拥堵" in answer.text
    card = _overlay(client, show)
    assert 'data-kind="topic"' in card and "学校门口拥堵" in card and "5 supporters" in card
    # A topic not published, or another show's, never goes on air.
    assert moderator.post_form(url, {"kind": "topic", "item": hidden}).status_code == 404
    assert moderator.post_form(f"/desk/shows/{HOUSING}/on-air", fields).status_code == 404
    # Without the CSRF token, nothing changes.
    refused = moderator.post(url, data={"kind": "rundown", "item": overdue})
    assert refused.status_code == 400
    assert "学校门口拥堵" in _overlay(client, show)


def test_the_buttons_are_keyboard_buttons_with_their_own_names(moderator, world):
    html = moderator.get(f"/desk/shows/{world['show']}/dossier").get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*data-on-air-put[^>]*>[^<]*</button>", html)
    assert len(buttons) >= 10
    for button in buttons:
        assert 'type="submit"' in button and "tabindex" not in button and "上屏" in button
        assert re.search(r'aria-label="上屏：[^"]+"', button)


def test_nothing_of_a_caller_in_the_dossier(app, moderator, world):
    with app.app_context():
        private = {c.name for c in db.session.scalars(select(CallerContact))}
        private |= {c.phone for c in db.session.scalars(select(CallerContact))}
    assert CALLER in private and PHONE in private
    for url in (
        f"/desk/shows/{world['show']}/dossier",
        f"/desk/shows/{world['show']}/dossier?lang=en",
        "/desk/shows/4/dossier",  # the demo's next show, with its questions' senders
    ):
        html = moderator.get(url).get_data(as_text=True)
        for value in private | {"钱晓东", "13611170007", "孙丽", "13611170008"}:
            assert value not in html, (url, value)


def test_the_number_of_queries_does_not_grow_with_the_panel(app, moderator, count_queries):
    small, large = _seed(app), _seed(app, extra_departments=4, tag="二")

    def run(world):
        url = f"/desk/shows/{world['show']}/dossier"
        moderator.get(url)  # warm: the session and settings of the signed-in account
        with count_queries() as n:
            html = moderator.get(url).get_data(as_text=True)
        return n[0], html

    few, html_small = run(small)
    many, html_large = run(large)
    assert html_large.count('class="dossier-department"') == 6
    assert html_large.count('data-group="overdue"') == 5 * html_small.count('data-group="overdue"')
    assert html_large.count('data-extension="granted"') == 5
    assert many == few


@pytest.mark.browser
def test_the_dossier_prints_on_a4_one_department_a_page(browser, live_server):
    from conftest import cjk_font_families, need
    from fixtures.browsers import browser_login
    from pypdf import PdfReader

    need(bool(cjk_font_families()), "no CJK font installed (scripts/ensure-fonts.sh installs one)")
    world = _seed(live_server.app)
    context = browser.new_context()
    try:
        page = browser_login(context, live_server, "host")
        page.goto(f"{live_server}/desk/shows/{world['show']}/dossier")
        page.locator("#dossier").wait_for()
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    texts = [p.extract_text() for p in reader.pages]
    # The topics first, then each department from the top of its own page.
    starts = [n for n, text in enumerate(texts) if text.lstrip().startswith(("甲局", "乙局"))]
    assert len(starts) == 2 and 0 < starts[0] < starts[1]
    assert texts[starts[0]].lstrip().startswith("甲局")
    assert texts[starts[1]].lstrip().startswith("乙局")
    everything = "".join(texts).replace(" ", "").replace("\n", "")
    assert "选民最关注的议题" in everything and "逾期的承诺：修好路灯" in everything
    # No navigation, no buttons, nothing of a caller.
    chrome = ("承诺公示", "跳到正文", "节目中作出的每一项承诺", "上屏", "返回直播台")
    for absent in (*chrome, CALLER, PHONE):
        assert absent not in everything, absent


@pytest.mark.postgres
def test_the_dossier_on_postgresql(postgres_database):
    """The same queries (the status twin, the window over the panels) on PostgreSQL."""
    from flask_migrate import upgrade

    from hotline import create_app
    from hotline.cli import demo
    from hotline.models import User
    from hotline.queries.dossier import dossier
    from hotline.queries.shows import show_with_panel

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
        demo.load(today_in(app), app.config["HOTLINE_TIMEZONE"])
    world = _seed(app)
    with app.app_context():
        host = db.session.scalar(select(User).where(User.username == "host"))
        found = dossier(show_with_panel(world["show"]), host, today_in(app))
        first, second = found.sections
        assert [first.count(g) for g in ("overdue", "open", "reported", "met")] == [1, 1, 1, 1]
        assert [o.name for o in first.officials] == ["王建", "李敏"]
        assert first.last_show.title == "第165期" and len(first.last_pledges) == 4
        assert sorted(x.request.status for x in first.extensions) == [
            "granted",
            "pending",
            "refused",
        ]
        assert [x.reason for x in first.extensions if x.request.status == "pending"] == [""]
        assert [line.on_air for line in first.officials[0].lines] == ["rundown", "promise"]
        assert [t.topic.text for t in found.topics] == [
            "学校门口拥堵",
            "公厕长期关闭",
            "冬季供暖不达标",
        ]
        assert second.last_pledges[0].commitment.pledge == "乙局的承诺：加装护栏"
        db.session.remove()
        db.engine.dispose()


def test_a_show_without_a_panel_has_its_topics_alone(app, moderator, liaison):
    with app.app_context():
        show = Show(title="第181期", starts_at=utcnow() + timedelta(days=20))
        db.session.add(show)
        db.session.flush()
        db.session.add(Topic(show=show, text="无人认领的议题", source="staff", status="published"))
        db.session.commit()
        show_id = show.id
    html = moderator.get(f"/desk/shows/{show_id}/dossier?lang=en").get_data(as_text=True)
    assert "无人认领的议题" in html and 'id="dossier-no-panel"' in html
    assert 'class="dossier-department"' not in html
    assert liaison.get(f"/desk/shows/{show_id}/dossier").status_code == 404


@pytest.mark.browser
def test_a_line_goes_on_air_from_the_keyboard(browser, live_server):
    """Tab reaches the first 上屏 button (the top topic), Enter puts it on air:
    the page's on-air box says so and the overlay shows it."""
    from fixtures.browsers import browser_login
    from playwright.sync_api import expect

    world = _seed(live_server.app)
    context = browser.new_context()
    try:
        page = browser_login(context, live_server, "host")
        page.goto(f"{live_server}/desk/shows/{world['show']}/dossier")
        focused = page.locator(":focus")
        for _ in range(80):
            page.keyboard.press("Tab")
            if focused.count() and focused.get_attribute("data-on-air-put"):
                break
        assert (focused.get_attribute("data-on-air-put") or "").startswith("topic-")
        page.keyboard.press("Enter")
        expect(page.locator("#on-air")).to_have_attribute("data-on-air", "topic")
        expect(page.locator("#on-air .on-air-now")).to_contain_text("学校门口拥堵")
        overlay = context.new_page()
        overlay.goto(f"{live_server}/shows/{world['show']}/overlay")
        card = overlay.locator("#lower-third")
        expect(card).to_have_attribute("data-kind", "topic")
        expect(card).to_contain_text("学校门口拥堵")
    finally:
        context.close()
