"""Counts that do not depend on the machine, for the per-change work the
fan-out benchmark measures: SQL statements and pushes per logged call, SQL
statements for the board's first page and a show's public page. Each bound is
today's figure, so added work fails here first; lower a bound when the work
shrinks (the fixed cost per logged call is what the p99 ratio at N=100 shows)."""

from __future__ import annotations

import re

import pytest

# The panel to check the form; the show once after the commit (the pushes and the
# page share it); the overlay; the code; one transaction of sequence bumps.
LOG_CALL_QUERIES = 24
BOARD_QUERIES = 11
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
    from hotline import live

    sent = []
    original = live.socketio.emit

    def emit(event, data, to=None, namespace=None, **kwargs):
        if event == "swap":
            sent.append((namespace, to))
        return original(event, data, to=to, namespace=namespace, **kwargs)

    monkeypatch.setattr(live.socketio, "emit", emit)
    return sent


def test_a_logged_call_is_rendered_once_per_audience_and_locale(
    moderator, live_show, count_queries, pushes
):
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
    assert n[0] <= LOG_CALL_QUERIES, f"{n[0]} SQL statements per logged call"


def test_the_board_and_a_show_page_take_a_fixed_number_of_queries(client, count_queries):
    client.get("/")  # warm up: sessions, caches
    with count_queries() as n:
        assert client.get("/").status_code == 200
    assert n[0] <= BOARD_QUERIES, f"{n[0]} SQL statements for the board's first page"
    html = client.get("/shows").get_data(as_text=True)
    show_url = re.search(r'href="(/shows/\d+)"', html).group(1)
    with count_queries() as n:
        assert client.get(show_url).status_code == 200
    assert n[0] <= SHOW_PAGE_QUERIES, f"{n[0]} SQL statements for a show's page"


def test_a_logged_call_numbers_each_rooms_messages_in_order(moderator, live_show, monkeypatch):
    """One transaction bumps every room of the change; each room's messages still
    get consecutive, increasing numbers, and a block that names its own room
    (the overlay) carries the number of the message it came in."""
    from hotline import live

    sent = []
    original = live.socketio.emit

    def emit(event, data, to=None, namespace=None, **kwargs):
        if event == "swap" and to.endswith("|en"):
            sent.append((namespace, data["room"], data["seq"], data["html"]))
        return original(event, data, to=to, namespace=namespace, **kwargs)

    monkeypatch.setattr(live.socketio, "emit", emit)
    for topic in ("第一个", "第二个"):
        moderator.post_form(f"/desk/shows/{live_show}/calls", {"topic": topic, "department": "1"})
    desk = [seq for ns, room, seq, _html in sent if (ns, room) == ("/desk", f"show:{live_show}")]
    assert len(desk) == 4 and desk == list(range(desk[0], desk[0] + 4))
    overlay = [(seq, html) for _ns, room, seq, html in sent if room == f"overlay:{live_show}"]
    assert [seq for seq, _ in overlay] == [overlay[0][0], overlay[0][0] + 1]
    for seq, html in overlay:
        assert f'data-live-seq="{seq}"' in html
