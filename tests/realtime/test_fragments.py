"""The public fragment cache (hotline/realtime/fragments.py): a thousand viewers
reloading the board or a show page cost one render, and a change is never
served stale once it has been pushed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hotline.changes.commitments import add_event
from hotline.clock import today as local_today
from hotline.extensions import db
from hotline.models import Commitment, EventKind
from hotline.realtime import pushes
from hotline.realtime.fragments import FragmentCache
from hotline.rules.status import State


@pytest.fixture
def cache(app):
    """The cache as deployed (it is off for the rest of the suite)."""
    cache = FragmentCache(seconds=300)
    app.extensions["hotline_fragments"] = cache
    return cache


def status_of(html: str, commitment_id: int) -> str:
    return re.search(rf'<tr id="commitment-{commitment_id}" data-status="(\w+)"', html).group(1)


def open_commitment(app) -> int:
    with app.app_context():
        today = local_today()
        items = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
        return next(c.id for c in items if c.status(today).code == "due")


def report_done_and_push(app, commitment_id: int) -> None:
    with app.test_request_context():
        item = db.session.get(Commitment, commitment_id)
        item.state = State.REPORTED
        item.completed_on = local_today()
        add_event(item, EventKind.COMPLETION_REPORTED, None, note="done")
        db.session.commit()
        pushes.commitment_changed(item)


def test_many_board_loads_cost_one_render_per_locale(app, client, cache):
    pages = [client.get("/").get_data(as_text=True) for _ in range(20)]
    assert cache.renders == 2  # the rows, and the page around them
    assert all('id="board"' in page for page in pages)
    # live.js's refetch of the region gets the same rows, from the same entry.
    fragment = client.get("/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="board"') and cache.renders == 2
    english = client.get("/?lang=en").get_data(as_text=True)
    assert cache.renders == 4 and "commitments" in english
    assert "Staff sign-in" in english
    client.get("/?status=due")  # another filter: its own entries
    assert cache.renders == 6
    assert "Staff sign-in" not in pages[0]  # the Chinese page is its own entry


def test_a_pushed_change_is_never_served_stale(app, client, cache):
    cid = open_commitment(app)
    before = client.get("/").get_data(as_text=True)
    assert status_of(before, cid) == "due"
    report_done_and_push(app, cid)
    after = client.get("/").get_data(as_text=True)
    assert status_of(after, cid) == "reported"
    # The page carries the room's new number, so live.js sees no gap after it.
    seq = lambda html: int(re.search(r'data-live-room="board" data-live-seq="(\d+)"', html)[1])  # noqa: E731
    assert seq(after) > seq(before)
    assert cache.renders == 4
    assert status_of(client.get("/").get_data(as_text=True), cid) == "reported"
    assert cache.renders == 4


def test_a_show_page_reloaded_by_many_costs_one_render_and_shows_a_new_call(
    app, client, moderator, cache
):
    html = moderator.get("/desk/").get_data(as_text=True)
    show_id = int(re.search(r'href="/desk/shows/(\d+)"', html).group(1))
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    renders = cache.renders
    for _ in range(10):
        assert "刚打进来的电话" not in client.get(f"/shows/{show_id}").get_data(as_text=True)
    assert cache.renders == renders + 2  # the calls, and the page around them
    response = moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "刚打进来的电话"})
    assert response.status_code == 303
    for _ in range(10):
        assert "刚打进来的电话" in client.get(f"/shows/{show_id}").get_data(as_text=True)
    assert cache.renders == renders + 4


def test_a_cached_page_skips_the_reads_behind_its_fragment(app, client, cache, count_queries):

    client.get("/")  # the first viewer renders
    with count_queries() as n:
        assert client.get("/").status_code == 200
    assert n[0] <= 1, f"{n[0]} SQL statements for a cached board (its room's number only)"
    show_url = re.search(r'href="(/shows/\d+)"', client.get("/shows").get_data(as_text=True))[1]
    client.get(show_url)
    with count_queries() as n:
        assert client.get(show_url).status_code == 200
    assert n[0] <= 1, f"{n[0]} SQL statements for a cached show page (its room's number only)"


def test_a_signed_in_page_is_never_shared(app, client, moderator, cache):
    """Staff get their own header and token; viewers never see them, whichever
    of the two asks first."""
    anonymous = client.get("/").get_data(as_text=True)
    staff = moderator.get("/").get_data(as_text=True)
    assert 'name="csrf-token"' in staff and "/logout" in staff
    assert 'name="csrf-token"' not in anonymous and "/logout" not in anonymous
    staff_again = moderator.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', staff_again)[1]
    for html in (client.get("/").get_data(as_text=True), anonymous):
        assert token not in html and 'name="csrf-token"' not in html
        assert "/logout" not in html
    assert "set-cookie" not in {k.lower() for k in client.get("/").headers.keys()}


def test_a_flashed_message_is_shown_to_its_viewer_only(app, client, cache):
    client.get("/")  # cached for everyone
    other = app.test_client()
    with other.session_transaction() as session:
        session["_flashes"] = [("success", "Only for this viewer")]
    assert "Only for this viewer" in other.get("/").get_data(as_text=True)
    assert "Only for this viewer" not in client.get("/").get_data(as_text=True)


def test_going_live_shows_the_banner_on_a_cached_board(app, client, moderator, cache):
    html = moderator.get("/desk/").get_data(as_text=True)
    show_id = int(re.search(r'href="/desk/shows/(\d+)"', html).group(1))
    banner = f'href="/shows/{show_id}"'
    first = client.get("/").get_data(as_text=True)
    on_air = re.search(r'<div id="on-air-banner"[^>]*>(.*?)</div>', first, re.S)[1]
    assert banner not in on_air
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "live"})
    page = client.get("/").get_data(as_text=True)
    assert banner in re.search(r'<div id="on-air-banner"[^>]*>(.*?)</div>', page, re.S)[1]


def test_a_cached_show_page_follows_its_agenda_and_a_missing_show_stays_missing(
    app, client, moderator, cache
):
    from topics_support import agenda_order, topic_id, upcoming

    show_id = upcoming(app)
    school = topic_id(app, "学校门口上下学时段交通拥堵")
    before = agenda_order(client.get(f"/shows/{show_id}").text, 'id="agenda-')
    assert school not in before
    renders = cache.renders
    assert agenda_order(client.get(f"/shows/{show_id}").text, 'id="agenda-') == before
    assert cache.renders == renders
    moderator.post_form(f"/desk/topics/{school}/agenda", {"action": "choose"})
    assert agenda_order(client.get(f"/shows/{show_id}").text, 'id="agenda-') == [*before, school]
    for _ in range(2):
        assert client.get("/shows/999999").status_code == 404
