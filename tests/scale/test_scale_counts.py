"""Counts that do not depend on the machine, for the per-change work the
fan-out and write benchmarks measure: SQL statements, renders and pushes per
logged call, SQL statements for the board's first page and a show's public
page. Each bound is today's figure, so added work fails here first; lower a
bound when the work shrinks (bench/RESULTS.md, "Writes on SQLite", has what
each saved)."""

from __future__ import annotations

import re

import pytest
from desk_support import calls_of

# The account; the show with its panel (one query) and the form's choices
# (departments, deputies); the one-time key and the next number; the call, its
# reference code and its event; the webhooks; the show's calls after the
# commit; the overlay (what is on air, the ticker); one statement of sequence
# bumps; the typed area and category looked up on the office's lists (an alias,
# else a name). (24 before the objects were kept loaded through the commit.)
LOG_CALL_QUERIES = 14
# The same with nobody watching: the overlay is not read (no render needs it).
LOG_CALL_QUERIES_UNWATCHED = 11
# One render per audience and locale: the public row and the overlay, the
# desk's row and panel, the department's row; each in zh_CN and en.
LOG_CALL_RENDERS = 10
# 11, and one for the category and area filters' options (queries/places.py:
# both lists in one statement). Filtering by them adds none (a subquery).
BOARD_QUERIES = 12
# The show and its panel, its calls, and one for its topics (the agenda with its
# support and whether collection is open: queries/topics.on_show_page).
SHOW_PAGE_QUERIES = 7


@pytest.fixture
def live_show(moderator):
    html = moderator.get("/desk/").get_data(as_text=True)
    show_id = int(re.search(r'href="/desk/shows/(\d+)"', html).group(1))
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    return show_id


@pytest.fixture
def pushes(monkeypatch):
    """(namespace, room) of every `swap` emitted: one per render pushed."""
    from hotline.realtime import live

    sent = []
    original = live.socketio.emit

    def emit(event, data, to=None, namespace=None, **kwargs):
        if event == "swap":
            sent.append((namespace, to))
        return original(event, data, to=to, namespace=namespace, **kwargs)

    monkeypatch.setattr(live.socketio, "emit", emit)
    return sent


@pytest.fixture
def renders(monkeypatch):
    """How many blocks were rendered for a room (live.render_for_room)."""
    from hotline.realtime import live

    counted = [0]
    original = live.render_for_room

    def render_for_room(render):
        counted[0] += 1
        return original(render)

    monkeypatch.setattr(live, "render_for_room", render_for_room)
    return counted


@pytest.fixture
def everyone_watching(app, socket_client, login, client):
    """A browser in each room a logged call reaches, in each language: the
    public show page and its overlay, a desk and the housing department."""

    def watch(show_id: int) -> None:
        english = app.test_client()
        english.get("/?lang=en")
        english_desk = login("host")
        english_desk.get("/?lang=en")
        for http in (client, english):
            public = socket_client("/live", http)
            public.emit(
                "join", {"rooms": [f"show:{show_id}", f"overlay:{show_id}"]}, namespace="/live"
            )
        for http in (login("host"), english_desk):
            desk = socket_client("/desk", http)
            desk.emit("join", {"rooms": [f"show:{show_id}", "department:1"]}, namespace="/desk")

    return watch


def test_a_logged_call_is_rendered_once_per_audience_and_locale(
    moderator, live_show, count_queries, pushes, renders, everyone_watching
):
    everyone_watching(live_show)
    token = moderator.csrf()
    with count_queries() as n:
        response = moderator.post(
            f"/desk/shows/{live_show}/calls",
            data={"topic": "数一数", "department": "1", "csrf_token": token},
        )
    assert response.status_code == 303
    public = sorted(room for ns, room in pushes if ns == "/live")
    staff = sorted(room for ns, room in pushes if ns == "/desk")
    # The public show page and its broadcast overlay (totals): one render per
    # locale each, whatever the number of viewers.
    assert public == [
        f"overlay:{live_show}|en",
        f"overlay:{live_show}|zh_CN",
        f"show:{live_show}|en",
        f"show:{live_show}|zh_CN",
    ]
    # The desk (the row and the panel) and the routed department, per locale.
    assert len(staff) == 6
    assert renders[0] == LOG_CALL_RENDERS
    assert n[0] <= LOG_CALL_QUERIES, f"{n[0]} SQL statements per logged call"


def test_a_room_nobody_is_in_costs_no_render_but_keeps_its_numbers(
    app, moderator, live_show, count_queries, pushes, renders, socket_client
):
    """One process knows its sockets: a block for a room (and language) nobody
    watches is not rendered, nor what only it needs read. The room's number is
    bumped all the same, so a page loaded before the change and joining
    after it sees that it is behind."""
    from hotline.realtime import live

    with app.app_context():
        before = live.current_seq(f"show:{live_show}")
    token = moderator.csrf()
    with count_queries() as n:
        moderator.post(
            f"/desk/shows/{live_show}/calls",
            data={"topic": "没人在看", "department": "1", "csrf_token": token},
        )
    assert pushes == [] and renders[0] == 0
    assert n[0] <= LOG_CALL_QUERIES_UNWATCHED, f"{n[0]} SQL statements, nobody watching"
    late = socket_client("/live")
    ack = late.emit("join", {"rooms": [f"show:{live_show}"]}, namespace="/live", callback=True)
    assert ack[f"show:{live_show}"] == before + 1


@pytest.fixture
def calls_loaded():
    """How many Call rows the ORM loaded (their number, as topics)."""
    from sqlalchemy import event

    from hotline.models import Call

    loaded = []

    def on_load(call, _context):
        loaded.append(call.topic)

    event.listen(Call, "load", on_load)
    yield loaded
    event.remove(Call, "load", on_load)


def logged_answer(moderator, show_id: int, topic: str, token: str) -> str:
    response = moderator.post(
        f"/desk/shows/{show_id}/calls",
        data={"topic": topic, "department": "1"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def heading_count(html: str) -> int:
    found = re.search(r'<h2 id="calls-heading" hx-swap-oob="true">[^<]*\((\d+)\)</h2>', html)
    return int(found.group(1))


def test_the_desk_gets_the_new_row_not_the_whole_list(
    app, moderator, live_show, count_queries, calls_loaded
):
    """The htmx answer to a logged call: a fresh form, the new row (inserted
    where the pushed copy goes) and the count, rendered from what the request
    wrote; the list itself is neither rendered nor read again, however long
    the show (with no desk watching, nothing else needs it)."""
    for topic in ("一", "二", "三"):
        moderator.htmx_post(f"/desk/shows/{live_show}/calls", {"topic": topic})
    token = moderator.csrf()
    calls_loaded.clear()
    with count_queries() as n:
        html = logged_answer(moderator, live_show, "第四个", token)
    assert calls_loaded == [], "the show's calls were read for the answer"
    assert html.count('<li id="desk-call-') == 1 and "第四个" in html
    assert 'hx-swap-oob="afterbegin:#desk-calls"' in html
    assert heading_count(html) == len(calls_of(app, live_show))
    assert 'id="call-form"' in html and 'name="idem"' in html
    assert n[0] <= LOG_CALL_QUERIES_UNWATCHED, f"{n[0]} SQL statements for the htmx answer"


def test_with_a_desk_watching_the_count_comes_from_the_calls_the_push_read(
    app, moderator, live_show, everyone_watching, count_queries
):
    everyone_watching(live_show)
    token = moderator.csrf()
    logged_answer(moderator, live_show, "有人在看", token)
    with count_queries() as n:
        html = logged_answer(moderator, live_show, "还有人在看", token)
    assert heading_count(html) == len(calls_of(app, live_show))
    assert n[0] <= LOG_CALL_QUERIES, f"{n[0]} SQL statements per logged call"


def test_the_board_and_a_show_page_take_a_fixed_number_of_queries(client, count_queries):
    client.get("/")  # warm up: sessions, caches
    with count_queries() as n:
        assert client.get("/").status_code == 200
    assert n[0] <= BOARD_QUERIES, f"{n[0]} SQL statements for the board's first page"
    # Filtered by a category and an area (with everything inside it): the same.
    client.get("/?category=1&area=1")
    with count_queries() as n:
        assert client.get("/?category=1&area=1").status_code == 200
    assert n[0] <= BOARD_QUERIES, f"{n[0]} SQL statements for the filtered board"
    html = client.get("/shows").get_data(as_text=True)
    show_url = re.search(r'href="(/shows/\d+)"', html).group(1)
    with count_queries() as n:
        assert client.get(show_url).status_code == 200
    assert n[0] <= SHOW_PAGE_QUERIES, f"{n[0]} SQL statements for a show's page"


def test_a_logged_call_numbers_each_rooms_messages_in_order(
    moderator, live_show, monkeypatch, everyone_watching
):
    """One transaction bumps every room of the change; each room's messages still
    get consecutive, increasing numbers, and a block that names its own room
    (the overlay) carries the number of the message it came in."""
    from hotline.realtime import live

    sent = []
    original = live.socketio.emit

    def emit(event, data, to=None, namespace=None, **kwargs):
        if event == "swap" and to.endswith("|en"):
            sent.append((namespace, data["room"], data["seq"], data["html"]))
        return original(event, data, to=to, namespace=namespace, **kwargs)

    monkeypatch.setattr(live.socketio, "emit", emit)
    everyone_watching(live_show)
    for topic in ("第一个", "第二个"):
        moderator.post_form(f"/desk/shows/{live_show}/calls", {"topic": topic, "department": "1"})
    desk = [seq for ns, room, seq, _html in sent if (ns, room) == ("/desk", f"show:{live_show}")]
    assert len(desk) == 4 and desk == list(range(desk[0], desk[0] + 4))
    overlay = [(seq, html) for _ns, room, seq, html in sent if room == f"overlay:{live_show}"]
    assert [seq for seq, _ in overlay] == [overlay[0][0], overlay[0][0] + 1]
    for seq, html in overlay:
        assert f'data-live-seq="{seq}"' in html


def test_a_logged_calls_flush_holds_its_own_rows_not_the_show(moderator, live_show):
    """The unit of work's cost grows with what it holds: a new call brings its
    reference code and its event, and leaves the show (and its panel) alone."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    flushed = []

    def before_flush(session, _context, _instances):
        flushed.append(sorted(type(o).__name__ for o in [*session.new, *session.dirty]))

    event.listen(Session, "before_flush", before_flush)
    try:
        moderator.htmx_post(f"/desk/shows/{live_show}/calls", {"topic": "只写自己的行"})
    finally:
        event.remove(Session, "before_flush", before_flush)
    assert flushed == [["Call", "CallEvent", "ReferenceCode"]]
