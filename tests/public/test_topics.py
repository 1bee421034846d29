"""Topics chosen with voters before a show (走访选民定议题): citizens propose
(published only after moderation) and support (once per browser, limited per
address); the office opens collection, moderates and picks the agenda, which
the show page and the rundown show. Nothing about a proposer is kept."""

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DatabaseError
from topics_support import agenda_order, topic_id, upcoming

from hotline.extensions import db
from hotline.models import (
    Question,
    Topic,
    TopicCollection,
    TopicEvent,
    TopicSupport,
)

PHONE_A = "Mozilla/5.0 (Linux; Android 14; Phone A)"
PHONE_B = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0; Phone B)"


def supports(app, tid: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(TopicSupport.id)).where(TopicSupport.topic_id == tid)
        )


def phone(app, agent: str, address: str = "127.0.0.1"):
    """A citizen's browser: its own cookies, user agent and address."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": agent, "REMOTE_ADDR": address})
    return client


def support(client, show_id: int, tid: int, htmx: bool = True):
    url = f"/shows/{show_id}/topics/{tid}/support?lang=en"
    return client.htmx_post(url) if htmx else client.post_form(url)


def propose(client, show_id: int, text: str, area: str = "凤凰街道"):
    return client.post_form(f"/shows/{show_id}/topics?lang=en", {"topic": text, "area": area})


def test_support_is_counted_once_per_browser_and_a_second_browser_counts(app):
    show_id = upcoming(app)
    tid = topic_id(app, "学校门口上下学时段交通拥堵")
    before = supports(app, tid)
    a = phone(app, PHONE_A)
    first = support(a, show_id, tid)
    assert first.status_code == 200 and "your support has been counted" in first.text
    assert f"{before + 1} supporters" in first.text and "You support this topic" in first.text
    assert a.get_cookie("hotline_browser") is not None
    # A second press (a stale page, another tab) is refused and says why.
    again = support(a, show_id, tid)
    assert again.status_code == 409 and "You have already supported this topic" in again.text
    assert supports(app, tid) == before + 1
    # The cookie cleared: the address still counts once.
    a.delete_cookie("hotline_browser")
    cleared = support(a, show_id, tid, htmx=False)
    assert cleared.status_code == 409 and "already come from here" in cleared.text
    # Another phone, on another connection, counts; the page shows the count.
    b = phone(app, PHONE_B, "10.0.0.2")
    assert support(b, show_id, tid).status_code == 200
    assert supports(app, tid) == before + 2
    page = b.get(f"/shows/{show_id}/topics?lang=en").text
    assert f"{before + 2} supporters" in page
    # Support keeps no address: hashes only.
    with app.app_context():
        rows = db.session.scalars(select(TopicSupport).where(TopicSupport.topic_id == tid)).all()
        assert all("127.0.0.1" not in r.address_key and len(r.browser_key) == 64 for r in rows)


def test_support_is_limited_per_address(app):
    app.config["HOTLINE_TOPIC_SUPPORT_LIMIT"] = "3 per hour"
    show_id = upcoming(app)
    tid = topic_id(app, "背街小巷路灯不亮，夜间出行不安全")
    # One address counts once per topic: its three supports go to three topics.
    tids = [
        tid,
        topic_id(app, "学校门口上下学时段交通拥堵"),
        topic_id(app, "老旧小区冬季供暖温度不达标"),
    ]
    before = sum(supports(app, t) for t in tids)
    statuses = [
        support(phone(app, f"Phone {n}"), show_id, t).status_code for n, t in enumerate(tids)
    ]
    assert statuses == [200, 200, 200]
    refused = support(phone(app, "Phone 4"), show_id, tid)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Many supports have come from your connection" in refused.text
    plain = support(phone(app, "Phone 5"), show_id, tid, htmx=False)
    assert plain.status_code == 429 and "Please try again in" in plain.text
    assert sum(supports(app, t) for t in tids) == before + 3
    # Another address is not held back by this one.
    assert support(phone(app, "Phone 6", "10.0.0.9"), show_id, tid).status_code == 200


def test_one_address_counts_once_whatever_the_cookie_or_user_agent(app):
    """Dropping the cookie and changing the user agent before each press used
    to count again every time (up to the hourly limit): one address now
    counts once per topic, and only a keyed hash of it is stored."""
    show_id = upcoming(app)
    tid = topic_id(app, "学校门口上下学时段交通拥堵")
    other = topic_id(app, "背街小巷路灯不亮，夜间出行不安全")
    before = supports(app, tid)
    first = support(phone(app, PHONE_A, "198.51.100.7"), show_id, tid)
    assert first.status_code == 200
    for n in range(5):  # a fresh browser (no cookie) and a new user agent each time
        again = support(phone(app, f"Stuffer/{n}.0", "198.51.100.7"), show_id, tid)
        assert again.status_code == 409 and "already come from here" in again.text
    assert supports(app, tid) == before + 1
    # The same address may still support another topic, once.
    assert support(phone(app, PHONE_B, "198.51.100.7"), show_id, other).status_code == 200
    with app.app_context():
        rows = db.session.scalars(
            select(TopicSupport).where(
                TopicSupport.topic_id.in_((tid, other)), TopicSupport.address_key.is_not(None)
            )
        ).all()
        keys = [r.address_key for r in rows if not r.address_key.isdigit()]  # not the demo's
        assert len(keys) == 2 and len(set(keys)) == 2  # the two topics' keys cannot be linked
        assert all(len(k) == 64 and "198.51.100.7" not in k for k in keys)
        import hashlib
        import hmac

        secret = app.config["SECRET_KEY"].encode()
        wanted = hmac.new(secret, f"topic-support:{tid}\x00198.51.100.7".encode(), hashlib.sha256)
        assert wanted.hexdigest() in keys  # keyed with the secret, not a bare hash


def test_behind_the_proxy_the_clients_address_counts(app, template_databases, tmp_path):
    """Behind nginx (HOTLINE_PROXY_HOPS=1) every request comes from the proxy's
    address: the client's own, from X-Forwarded-For, is the one counted."""
    import shutil

    from client_support import HotlineClient
    from conftest import _test_config

    from hotline import create_app

    db_path = tmp_path / "proxied.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    proxied = create_app({**_test_config(db_path, tmp_path), "HOTLINE_PROXY_HOPS": 1})
    proxied.test_client_class = HotlineClient
    show_id = upcoming(proxied)
    tid = topic_id(proxied, "老旧小区冬季供暖温度不达标")
    before = supports(proxied, tid)

    def citizen(agent: str, address: str):
        client = phone(proxied, agent)  # from the proxy, 127.0.0.1
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return client

    assert support(citizen(PHONE_A, "203.0.113.5"), show_id, tid).status_code == 200
    assert support(citizen(PHONE_B, "203.0.113.6"), show_id, tid).status_code == 200
    assert support(citizen("Another agent", "203.0.113.5"), show_id, tid).status_code == 409
    assert supports(proxied, tid) == before + 2


def test_a_proposal_is_public_only_once_published(app, client, moderator):
    show_id = upcoming(app)
    sent = propose(client, show_id, "公园健身器材损坏无人修", "西山街道")
    assert sent.status_code == 303
    assert "The office checks each topic" in client.get(sent.headers["Location"]).text
    tid = topic_id(app, "公园健身器材损坏无人修")
    for url in (f"/shows/{show_id}/topics", f"/shows/{show_id}", f"/shows/{show_id}/rundown"):
        assert "公园健身器材损坏无人修" not in client.get(url).text, url
    assert support(client, show_id, tid).status_code == 404  # unpublished: no such topic
    # The same words again are held once.
    assert propose(client, show_id, "公园健身器材损坏无人修").status_code == 303
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Topic.id)).where(Topic.text == "公园健身器材损坏无人修")
            )
            == 1
        )
    desk = moderator.get(f"/desk/shows/{show_id}/topics").text
    assert f"waiting-{tid}" in desk and "公园健身器材损坏无人修" in desk
    # Published in the moderator's words; the words as proposed stay on the record.
    done = moderator.post_form(
        f"/desk/topics/{tid}/publish", {"topic": "公园健身器材维护", "area": "西山街道"}
    )
    assert done.status_code == 303
    page = client.get(f"/shows/{show_id}/topics").text
    assert "公园健身器材维护" in page and "公园健身器材损坏无人修" not in page
    twice = moderator.post_form(f"/desk/topics/{tid}/publish?lang=en", {"topic": "又一次"})
    assert "already been moderated" in moderator.get(twice.headers["Location"]).text
    # A rejected proposal and its reason are never public.
    propose(client, show_id, "广告：本店全场八折")
    spam = topic_id(app, "广告：本店全场八折")
    assert moderator.post_form(f"/desk/topics/{spam}/reject", {"reason": ""}).status_code == 303
    moderator.post_form(f"/desk/topics/{spam}/reject", {"reason": "与议题无关的广告"})
    for url in (f"/shows/{show_id}/topics", f"/shows/{show_id}"):
        body = client.get(url).text
        assert "本店全场八折" not in body and "与议题无关的广告" not in body
    with app.app_context():
        assert db.session.get(Topic, spam).status == "rejected"
        kinds = db.session.scalars(
            select(TopicEvent.kind).where(TopicEvent.topic_id.in_((tid, spam)))
        ).all()
        published = db.session.scalar(
            select(TopicEvent).where(TopicEvent.topic_id == tid, TopicEvent.kind == "published")
        )
        assert published.data["proposed_text"] == "公园健身器材损坏无人修"
    assert kinds == ["proposed", "published", "proposed", "rejected"]


def test_a_refused_proposal_keeps_its_text(app, client):
    app.config["HOTLINE_TOPIC_SHOW_LIMIT"] = "2 per minute"
    show_id = upcoming(app)
    assert propose(client, show_id, "第一个议题").status_code == 303
    assert propose(client, show_id, "第二个议题").status_code == 303
    refused = propose(client, show_id, "第三个议题：菜市场噪音扰民")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert (
        "Your text is kept below" in refused.text and "第三个议题：菜市场噪音扰民" in refused.text
    )
    blank = propose(client, show_id, "")
    assert blank.status_code == 422


def test_closed_collection_takes_no_proposal_or_support(app, client, moderator):
    show_id = upcoming(app)
    tid = topic_id(app, "学校门口上下学时段交通拥堵")
    closed = moderator.post_form(f"/desk/shows/{show_id}/topics/collection", {"action": "close"})
    assert closed.status_code == 303
    assert propose(client, show_id, "关了还能提吗").status_code == 409
    assert support(client, show_id, tid).status_code == 409
    page = client.get(f"/shows/{show_id}/topics?lang=en").text
    assert "collection for this show is closed" in page and ">Support<" not in page
    show_page = client.get(f"/shows/{show_id}?lang=en").text
    assert "All topics proposed for this show" in show_page
    assert "Propose and support topics" not in show_page
    moderator.post_form(f"/desk/shows/{show_id}/topics/collection", {"action": "open"})
    assert "Propose and support topics" in client.get(f"/shows/{show_id}?lang=en").text
    # Once the show is live, collection is over, whatever the switch says.
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    assert support(client, show_id, tid).status_code == 409
    with app.app_context():
        kinds = db.session.scalars(
            select(TopicEvent.kind)
            .where(TopicEvent.show_id == show_id, TopicEvent.topic_id.is_(None))
            .order_by(TopicEvent.id)
        ).all()
    assert kinds == ["opened", "closed", "opened"]


def test_only_the_office_moderates(app, client, login, liaison):
    show_id = upcoming(app)
    propose(client, show_id, "社区医院挂号难")
    tid = topic_id(app, "社区医院挂号难")
    from client_support import DEMO_PASSWORD

    from hotline.models import Deputy, Role, User

    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).limit(1))
        user = User(username="dep-t", role=Role.DEPUTY, deputy_id=deputy_id)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
    posts = [
        (f"/desk/topics/{tid}/publish", {"topic": "x"}),
        (f"/desk/topics/{tid}/reject", {"reason": "x"}),
        (f"/desk/topics/{tid}/agenda", {"action": "choose"}),
        (f"/desk/shows/{show_id}/topics", {"topic": "x"}),
        (f"/desk/shows/{show_id}/topics/collection", {"action": "close"}),
    ]
    for who in (liaison, login("dep-t")):
        assert who.get(f"/desk/shows/{show_id}/topics").status_code == 403
        for url, data in posts:
            assert who.post_form(url, data).status_code == 403, url
    for url, data in posts:  # a citizen is sent to sign in
        response = client.post_form(url, data)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(Topic, tid).status == "proposed"
        assert db.session.get(TopicCollection, show_id).is_open
    assert login("office").get(f"/desk/shows/{show_id}/topics").status_code == 200


def test_chosen_topics_are_on_the_show_page_and_the_rundown(app, client, moderator):
    show_id = upcoming(app)
    heating = topic_id(app, "老旧小区冬季供暖温度不达标")
    lights = topic_id(app, "背街小巷路灯不亮，夜间出行不安全")
    school = topic_id(app, "学校门口上下学时段交通拥堵")
    page = client.get(f"/shows/{show_id}").text
    assert "议题" in page and agenda_order(page, 'id="agenda-') == [heating, lights]
    r = moderator.post_form(f"/desk/topics/{school}/agenda", {"action": "choose"})
    assert r.status_code == 303
    moderator.post_form(f"/desk/topics/{school}/agenda", {"action": "up"})
    assert agenda_order(client.get(f"/shows/{show_id}").text, 'id="agenda-') == [
        heating,
        school,
        lights,
    ]
    rundown = client.get(f"/shows/{show_id}/rundown").text
    assert agenda_order(rundown, 'id="rundown-topic-') == [heating, school, lights]
    moderator.post_form(f"/desk/topics/{heating}/agenda", {"action": "unchoose"})
    assert agenda_order(client.get(f"/shows/{show_id}").text, 'id="agenda-') == [school, lights]
    with app.app_context():
        positions = dict(
            db.session.execute(
                select(Topic.id, Topic.position).where(Topic.show_id == show_id)
            ).all()
        )
    assert positions[school] == 1 and positions[lights] == 2 and positions[heating] is None
    # Only a published topic can be chosen.
    propose(client, show_id, "还没审核的议题")
    waiting = topic_id(app, "还没审核的议题")
    refused = moderator.post_form(f"/desk/topics/{waiting}/agenda?lang=en", {"action": "choose"})
    assert "Only a published topic" in moderator.get(refused.headers["Location"]).text


def test_choosing_pushes_the_agenda_to_the_show_page(app, client, moderator, socket_client):
    show_id = upcoming(app)
    school = topic_id(app, "学校门口上下学时段交通拥堵")
    viewer = socket_client("/live", client)
    viewer.emit("join", {"rooms": [f"show:{show_id}"]}, namespace="/live", callback=True)
    viewer.get_received("/live")
    moderator.post_form(f"/desk/topics/{school}/agenda", {"action": "choose"})
    pushed = [e["args"][0] for e in viewer.get_received("/live") if e["name"] == "swap"]
    block = next(p for p in pushed if p["target"] == "#show-topics")
    assert f'id="agenda-{school}"' in block["html"] and "csrf" not in block["html"]


def test_a_message_put_forward_and_a_question_become_topics(app, client, moderator, login):
    from client_support import DEMO_PASSWORD

    from hotline.models import Deputy, DeputyMessage, Role, User

    show_id = upcoming(app)
    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).where(Deputy.active).limit(1))
        user = User(username="dep-m", role=Role.DEPUTY, deputy_id=deputy_id)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
    message = {"message": "我家楼下的井盖松了，很危险", "area": "泽林镇"}
    client.post_form(
        f"/deputies/{deputy_id}/message", {**message, "name": "诸葛亮", "phone": "13912340000"}
    )
    with app.app_context():
        mid = db.session.scalar(select(DeputyMessage.id).where(DeputyMessage.area == "泽林镇"))
    r = login("dep-m").post_form(
        f"/deputy/messages/{mid}/topic", {"summary": "窨井盖松动隐患", "show_id": str(show_id)}
    )
    assert r.status_code == 303
    page = client.get(f"/shows/{show_id}/topics?lang=en").text
    assert "窨井盖松动隐患" in page and "From a message to a deputy" in page
    assert "井盖松了" not in page and "诸葛亮" not in page and "13912340000" not in page

    client.post_form(
        f"/shows/{show_id}/ask",
        {"question": "我叫曹操，电话13700001111，公交站没有雨棚", "name": "曹操"},
    )
    with app.app_context():
        qid = db.session.scalar(select(Question.id).where(Question.name == "曹操"))
    desk = moderator.get(f"/desk/shows/{show_id}/topics").text
    assert f"question-{qid}" in desk
    made = moderator.post_form(
        f"/desk/questions/{qid}/topic", {"topic": "公交站加装雨棚", "area": "凤凰街道"}
    )
    assert made.status_code == 303
    page = client.get(f"/shows/{show_id}/topics?lang=en").text
    assert "公交站加装雨棚" in page and "From a citizen" in page
    assert "曹操" not in page and "13700001111" not in page
    again = moderator.post_form(f"/desk/questions/{qid}/topic?lang=en", {"topic": "再来一次"})
    assert "is a topic already" in moderator.get(again.headers["Location"]).text
    assert f"question-{qid}" not in moderator.get(f"/desk/shows/{show_id}/topics").text


def test_the_record_of_topics_is_append_only(app):
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(update(TopicEvent).values(note="rewritten"))
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count(TopicEvent.id))) > 0


def test_a_new_proposal_reaches_every_desk_the_same(
    app, client, moderator, supervisor, socket_client
):
    """The console's topics box is pushed once for the room: the same HTML for
    two staff sessions, with nothing of either (pushed HTML belongs to nobody)."""
    show_id = upcoming(app)
    desks = []
    for staff in (moderator, supervisor):
        sock = socket_client("/desk", staff)
        sock.emit("join", {"rooms": [f"show:{show_id}"]}, namespace="/desk", callback=True)
        sock.get_received("/desk")
        desks.append(sock)
    assert propose(client, show_id, "小区电梯老化需要更换").status_code == 303
    blocks = [
        [e["args"][0] for e in sock.get_received("/desk") if e["name"] == "swap"] for sock in desks
    ]
    boxes = [next(p["html"] for p in pushed if p["target"] == "#desk-topics") for pushed in blocks]
    assert boxes[0] == boxes[1]
    assert "2个议题待审核" in boxes[0] and "csrf" not in boxes[0]
