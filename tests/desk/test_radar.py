"""The radar (上次承诺): as the moderator types a call, the earlier promises,
calls and 代表码 messages on the same problem, with their public status; a
call linked to one of them as a repeat, on both timelines; the earlier promise
on the overlay; nothing private in any of it; a constant number of queries."""

import re

import pytest
from desk_support import calls_of, log
from sqlalchemy import func, select

from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import (
    Call,
    CallerContact,
    CallEvent,
    Commitment,
    Department,
    Event,
    Repeat,
)
from hotline.queries.radar import grams, radar, similarity

DRAIN = "菜市场排水沟又堵了"  # the demo's repeat problem, in new words
EARLIER = "社区菜市场排水沟堵塞，夏天气味难闻"  # the demo's overdue commitment


def _citymgmt(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.name == "市城市管理执法局"))


def _earlier(app) -> Commitment:
    with app.app_context():
        return db.session.scalar(
            select(Commitment)
            .join(Call, Commitment.call_id == Call.id)
            .where(Call.topic == EARLIER)
        )


def _radar(client, show_id, **params):
    return client.get(
        f"/desk/shows/{show_id}/radar", query_string=params, headers={"HX-Request": "true"}
    )


def test_chinese_text_is_compared_by_character_pairs():
    assert grams("排水沟，堵了") == {"排水", "水沟", "沟堵", "堵了"}
    assert similarity(grams(DRAIN), grams(EARLIER)) > 0.4
    assert similarity(grams(DRAIN), grams("公交12路末班车太早")) == 0
    assert similarity(grams(""), grams(EARLIER)) == 0


def test_typing_the_demo_problem_shows_the_earlier_promise_and_its_status(
    app, moderator, live_show
):
    earlier = _earlier(app)
    response = _radar(
        moderator, live_show, topic=DRAIN, area="凤凰街道", department=_citymgmt(app), lang="zh_CN"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith('\n<section id="radar"') or html.lstrip().startswith(
        '<section id="radar"'
    )
    assert 'aria-live="polite"' in html
    first = re.search(r'<li class="radar-hit" data-radar="([a-z]+-\d+)"', html).group(1)
    assert first == f"commitment-{earlier.id}"  # the best match first
    assert "代表来了：凤凰街道现场接访承诺，已逾期" in html
    assert EARLIER in html
    # English too, and the button that puts it on air.
    html = _radar(moderator, live_show, topic=DRAIN, lang="en").get_data(as_text=True)
    assert re.search(r"Promised on 代表来了：凤凰街道现场接访, Overdue by \d+ days", html)
    assert f'data-on-air-put="promise-{earlier.id}"' in html


def test_the_show_number_names_the_show(app):
    from hotline.labels import show_short

    assert show_short("代表专线（第141期）：老旧小区") == "第141期"
    assert show_short("代表来了：现场接访") == "代表来了：现场接访"


def test_unrelated_text_finds_nothing_and_short_text_waits(app, moderator, live_show):
    html = _radar(moderator, live_show, topic="公园里的鸽子", lang="en").get_data(as_text=True)
    assert 'data-hits="0"' in html and "Nothing earlier on this problem" in html
    html = _radar(moderator, live_show, topic="菜", lang="en").get_data(as_text=True)
    assert 'data-hits="0"' in html
    for odd in ("²", "-1", "x", "99999999999"):  # a department that is no id: none
        assert _radar(moderator, live_show, topic=DRAIN, department=odd).status_code == 200


def test_the_console_asks_the_radar_beside_the_call_form(app, moderator, live_show):
    html = moderator.get(f"/desk/shows/{live_show}").get_data(as_text=True)
    watch = re.search(r'<div id="radar-watch".*?</div>', html, re.S).group(0)
    assert f'hx-get="/desk/shows/{live_show}/radar"' in watch
    assert "delay:400ms" in watch
    # Only the topic, area and department go with it: never the caller's fields.
    include = re.search(r'hx-include="([^"]*)"', watch).group(1)
    fields = [part.strip() for part in include.split(",")]
    assert fields == [f"#call-form [name={name}]" for name in ("topic", "area", "department")]
    assert '<section id="radar"' in html and 'aria-live="polite"' in html


def test_the_radar_is_for_the_desk_only(app, client, liaison, live_show):
    assert _radar(client, live_show, topic=DRAIN).status_code in (302, 303, 401)
    assert _radar(liaison, live_show, topic=DRAIN).status_code in (403, 404)


def _seed_callers(app) -> list[str]:
    secrets = []
    with app.app_context():
        for contact in db.session.scalars(select(CallerContact)):
            contact.name = f"私密姓名{contact.call_id:04d}甲"
            contact.phone = f"1990{contact.call_id:07d}"
            secrets += [contact.name, contact.phone]
        db.session.commit()
    return secrets


def test_nothing_private_in_the_radar(app, moderator, live_show):
    secrets = _seed_callers(app) + ["孙丽", "13611170008"]
    log(moderator, live_show, topic=DRAIN, area="凤凰街道", department=str(_citymgmt(app)))
    call = calls_of(app, live_show)[0]
    pages = [
        _radar(moderator, live_show, topic=DRAIN, area="凤凰街道", department=_citymgmt(app)),
        _radar(moderator, live_show, topic="排水沟堵塞 路灯 垃圾 供暖"),
        moderator.get(f"/desk/calls/{call.id}/radar", headers={"HX-Request": "true"}),
        moderator.get(f"/desk/calls/{call.id}/radar"),
    ]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "radar-hit" in html
        leaked = [s for s in secrets if s in html]
        assert not leaked


def test_a_deputy_code_message_shows_without_its_text_or_sender(app, moderator, live_show):
    from hotline.models import Deputy, DeputyMessage, MessageSender

    with app.app_context():
        deputy = db.session.scalar(select(Deputy.id).limit(1))
        message = DeputyMessage(
            deputy_id=deputy,
            text="菜市场排水沟又堵了，我是私密人甲，电话19900000077",
            area="凤凰街道",
        )
        db.session.add(message)
        db.session.flush()
        db.session.add(MessageSender(message_id=message.id, name="私密人甲", phone="19900000077"))
        db.session.commit()
        message_id = message.id
    html = _radar(moderator, live_show, topic=DRAIN, area="凤凰街道", lang="en").get_data(
        as_text=True
    )
    row = re.search(rf'data-radar="message-{message_id}".*?</li>', html, re.S).group(0)
    assert "(the message's text is private)" in row and "Waiting for the deputy" in row
    assert "私密人甲" not in html and "19900000077" not in html


def test_linking_writes_both_timelines_in_one_transaction(app, moderator, client, live_show):
    earlier = _earlier(app)
    log(moderator, live_show, topic=DRAIN, area="凤凰街道", department=str(_citymgmt(app)))
    call = calls_of(app, live_show)[0]
    editor = moderator.get(f"/desk/calls/{call.id}", headers={"HX-Request": "true"})
    assert f'hx-get="/desk/calls/{call.id}/radar"' in editor.get_data(as_text=True)
    html = moderator.get(f"/desk/calls/{call.id}/radar", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert f'data-radar-link="commitment-{earlier.id}"' in html
    response = moderator.post_form(
        f"/desk/calls/{call.id}/repeats",
        {"kind": "commitment", "item": earlier.id},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = re.search(rf'data-radar="commitment-{earlier.id}".*?</li>', html, re.S).group(0)
    assert "已关联为重复反映" in row and "data-radar-link" not in row
    with app.app_context():
        link = db.session.scalar(select(Repeat).where(Repeat.call_id == call.id))
        assert (link.kind, link.item_id) == ("commitment", earlier.id)
        call_event = db.session.scalar(
            select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.kind == "repeat")
        )
        item_event = db.session.scalar(
            select(Event).where(Event.commitment_id == earlier.id, Event.kind == "repeated")
        )
        assert call_event.data == {"kind": "commitment", "item": earlier.id}
        assert item_event.data["call_id"] == call.id
        # Written together: one moment, one transaction.
        assert abs((item_event.created_at - link.created_at).total_seconds()) < 5
    # Twice (a double click): linked once.
    moderator.post_form(
        f"/desk/calls/{call.id}/repeats", {"kind": "commitment", "item": earlier.id}
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Repeat.id))) == 1
    # Public on the commitment's timeline.
    page = client.get(f"/commitments/{earlier.id}?lang=en").get_data(as_text=True)
    assert f'data-repeated="{call.id}"' in page
    assert "Raised again on 第173期, call #1" in page
    page = client.get(f"/commitments/{earlier.id}?lang=zh_CN").get_data(as_text=True)
    assert "重复反映：第173期，来电 #1" in page


def test_a_failed_link_writes_neither_event(app, moderator, live_show, monkeypatch):
    """The events and the link stand or fall together."""
    earlier = _earlier(app)
    log(moderator, live_show, topic=DRAIN)
    call = calls_of(app, live_show)[0]
    from hotline.changes import radar as links

    real = links.add_event

    def broken(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(links, "add_event", broken)
    with pytest.raises(RuntimeError):
        moderator.post_form(
            f"/desk/calls/{call.id}/repeats", {"kind": "commitment", "item": earlier.id}
        )
    with app.app_context():
        db.session.remove()
        assert db.session.scalar(select(func.count(Repeat.id))) == 0
        assert not db.session.scalar(select(CallEvent.id).where(CallEvent.kind == "repeat"))
        assert not db.session.scalar(select(Event.id).where(Event.kind == "repeated"))


def test_a_link_needs_a_real_earlier_item(app, moderator, live_show):
    log(moderator, live_show, topic=DRAIN)
    call = calls_of(app, live_show)[0]
    url = f"/desk/calls/{call.id}/repeats"
    assert moderator.post_form(url, {"kind": "nonsense", "item": 1}).status_code == 400
    assert moderator.post_form(url, {"kind": "commitment", "item": 99999999}).status_code == 404
    assert moderator.post_form(url, {"kind": "call", "item": call.id}).status_code == 400


def test_the_earlier_promise_goes_on_the_overlay(app, moderator, client, live_show):
    earlier = _earlier(app)
    response = moderator.post_form(
        f"/desk/shows/{live_show}/on-air", {"kind": "promise", "item": earlier.id}
    )
    assert response.status_code == 303
    html = client.get(f"/shows/{live_show}/overlay?layout=lower-third&lang=zh_CN").get_data(
        as_text=True
    )
    card = re.search(r'<section id="lower-third".*?</section>', html, re.S).group(0)
    assert 'data-kind="promise"' in card
    assert "这个问题在代表来了：凤凰街道现场接访承诺过：已逾期" in card
    for secret in _seed_callers(app):
        assert secret not in html
    html = client.get(f"/shows/{live_show}/overlay?layout=lower-third&lang=en").get_data(
        as_text=True
    )
    assert "This problem was promised on 代表来了：凤凰街道现场接访: Overdue by" in html


def test_a_promise_of_the_show_itself_is_not_an_earlier_one(app, moderator, live_show):
    from desk_support import commit

    log(moderator, live_show, topic=DRAIN)
    call = calls_of(app, live_show)[0]
    commit(moderator, call.id)
    with app.app_context():
        own = db.session.scalar(select(Commitment.id).where(Commitment.call_id == call.id))
    response = moderator.post_form(
        f"/desk/shows/{live_show}/on-air", {"kind": "promise", "item": own}
    )
    assert response.status_code == 404


def _fill(app, n: int) -> None:
    """n more earlier calls with commitments in the same department and area."""
    from datetime import date, timedelta

    with app.app_context():
        show_id = db.session.scalar(select(Call.show_id).where(Call.topic == EARLIER))
        dept = db.session.scalar(select(Department.id).where(Department.name == "市城市管理执法局"))
        start = db.session.scalar(select(func.max(Call.number)).where(Call.show_id == show_id))
        for i in range(n):
            call = Call(
                show_id=show_id,
                number=start + 1 + i,
                topic=f"菜市场排水沟第{start + i}次堵塞",
                area="凤凰街道",
                department_id=dept,
                outcome="committed" if i % 2 else "answered",
            )
            db.session.add(call)
            db.session.flush()
            if i % 2:
                db.session.add(
                    Commitment(
                        call_id=call.id,
                        department_id=dept,
                        pledge=f"清理排水沟{i}",
                        official_name="某人",
                        deadline=date.today() + timedelta(days=i % 40 - 20),
                        original_deadline=date.today() + timedelta(days=i % 40 - 20),
                    )
                )
        db.session.commit()


def test_the_radar_runs_a_constant_number_of_queries(app, moderator, live_show, count_queries):
    params = {"topic": DRAIN, "area": "凤凰街道", "department": _citymgmt(app)}
    _radar(moderator, live_show, **params)  # warm: the session's account is loaded
    counts = []
    for more in (10, 190):  # 10 items, then 200
        _fill(app, more)
        with count_queries() as queries:
            html = _radar(moderator, live_show, **params).get_data(as_text=True)
        assert html.count('class="radar-hit"') == 8
        counts.append(queries[0])
    assert counts[0] == counts[1], counts
    with app.app_context():  # the query itself, without the request around it
        hits = radar(DRAIN, "凤凰街道", _citymgmt(app), show_id=live_show, today=local_today())
        assert len(hits) == 8 and all(h.score >= 0.2 for h in hits)


@pytest.mark.postgres
def test_the_radar_and_a_link_on_postgresql(postgres_database):
    """The same queries, the link and both events, on PostgreSQL."""
    from flask_migrate import upgrade

    from hotline import create_app
    from hotline.changes import radar as links
    from hotline.cli import demo
    from hotline.models import RepeatKind, Show, ShowStatus

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
        demo.load(local_today(), app.config["HOTLINE_TIMEZONE"])
        show = db.session.scalar(select(Show).where(Show.status == ShowStatus.SCHEDULED))
        dept = db.session.scalar(select(Department.id).where(Department.name == "市城市管理执法局"))
        hits = radar(DRAIN, "凤凰街道", dept, show_id=show.id, today=local_today())
        earlier = db.session.scalar(
            select(Commitment)
            .join(Call, Commitment.call_id == Call.id)
            .where(Call.topic == EARLIER)
        )
        assert hits and (hits[0].kind, hits[0].id) == ("commitment", earlier.id)
        assert hits[0].status.code == "overdue"
        call = Call(show_id=show.id, number=1, topic=DRAIN, area="凤凰街道", department_id=dept)
        db.session.add(call)
        db.session.flush()
        links.link_repeat(call, RepeatKind.COMMITMENT, earlier, None)
        db.session.commit()
        assert db.session.scalar(select(Event.id).where(Event.kind == "repeated"))
        again = radar(
            DRAIN, "凤凰街道", dept, show_id=show.id, today=local_today(), call_id=call.id
        )
        assert again[0].linked
        db.session.remove()
        db.engine.dispose()


def test_a_logged_call_brings_its_link_buttons_to_the_console(app, moderator, live_show):
    earlier = _earlier(app)
    response = moderator.htmx_post(
        f"/desk/shows/{live_show}/calls",
        {"topic": DRAIN, "area": "凤凰街道", "department": str(_citymgmt(app)), "idem": "r1"},
    )
    assert response.status_code == 200
    call = calls_of(app, live_show)[0]
    html = response.get_data(as_text=True)
    # The save's answer only names the request to make; the radar runs on that one.
    loader = re.search(r'<div id="radar-logged"[^>]*>', html).group(0)
    assert f'hx-get="/desk/calls/{call.id}/radar?place=console"' in loader
    assert 'hx-trigger="load"' in loader and 'hx-target="#radar"' in loader
    assert "radar-hit" not in html
    html = moderator.get(
        f"/desk/calls/{call.id}/radar?place=console", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert '<section id="radar"' in html  # the console's region, not the editor's
    assert f'data-radar-link="commitment-{earlier.id}"' in html
    response = moderator.post_form(
        f"/desk/calls/{call.id}/repeats",
        {"kind": "commitment", "item": earlier.id, "place": "console"},
        headers={"HX-Request": "true"},
    )
    assert '<section id="radar"' in response.get_data(as_text=True)


def test_linking_to_an_earlier_call_writes_on_both_calls(app, moderator, live_show):
    with app.app_context():
        earlier = db.session.scalar(select(Call).where(Call.topic == "背街小巷垃圾桶满溢"))
        earlier_id = earlier.id
    log(moderator, live_show, topic="背街小巷的垃圾桶又满了", area="西山街道")
    call = calls_of(app, live_show)[0]
    html = moderator.get(f"/desk/calls/{call.id}/radar", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert f'data-radar-link="call-{earlier_id}"' in html
    moderator.post_form(f"/desk/calls/{call.id}/repeats", {"kind": "call", "item": earlier_id})
    with app.app_context():
        mine = db.session.scalar(
            select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.kind == "repeat")
        )
        theirs = db.session.scalar(
            select(CallEvent).where(CallEvent.call_id == earlier_id, CallEvent.kind == "repeated")
        )
        assert mine.data == {"kind": "call", "item": earlier_id}
        assert theirs.data["call_id"] == call.id
