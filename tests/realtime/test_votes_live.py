"""Viewers' votes (网友投票) live: each vote reaches everyone watching the show
page and the overlay, as HTML that belongs to nobody; the voting box follows
what is on air; a burst of votes is paced; the cached show page gives each
viewer their own token."""

import re
import time

from desk_support import go_live, scheduled_show
from votes_support import HOME, cells, on_air, page_token, placard, section, viewer, vote

from hotline.realtime.fragments import FragmentCache


def swaps(client) -> list[dict]:
    return [e["args"][0] for e in client.get_received("/live") if e["name"] == "swap"]


def watching(socket_client, http_client, *rooms):
    """A Socket.IO client in `rooms` (in the HTTP client's language), with
    what it heard before now dropped."""
    sock = socket_client("/live", http_client)
    sock.emit("join", {"rooms": list(rooms)}, namespace="/live", callback=True)
    sock.get_received("/live")
    return sock


def by_target(events) -> dict[str, dict]:
    return {e["target"]: e for e in events}


def test_a_vote_reaches_other_viewers_and_the_overlay_carrying_nothing_of_the_voter(
    app, moderator, live_show, call_id, socket_client
):
    placard(app, moderator, call_id, 12, 3, 1)
    on_air(moderator, live_show, "call", call_id)
    english = app.test_client()
    english.get("/?lang=en")
    page = watching(socket_client, english, f"show:{live_show}")
    overlay = watching(socket_client, None, f"overlay:{live_show}")  # the OBS source, Chinese

    home = viewer(app)
    token = page_token(home.get(f"/shows/{live_show}").text)
    assert vote(home, live_show, call_id, "satisfied").status_code == 303
    secrets = [token, home.get_cookie("hotline_browser").value, "csrf", HOME]
    session_cookie = home.get_cookie("session")
    if session_cookie is not None:
        secrets.append(session_cookie.value)

    to_page = by_target(swaps(page))
    assert set(to_page) == {f"#vote-tally-{call_id}", f"#verdicts-{call_id}"}
    for swap in to_page.values():
        assert cells(swap["html"], "online") == {
            "satisfied": "1",
            "basic": "0",
            "dissatisfied": "0",
        }
        assert cells(swap["html"], "placard") == {
            "satisfied": "12",
            "basic": "3",
            "dissatisfied": "1",
        }
        assert "Online viewers" in swap["html"] and "Studio placards" in swap["html"]
    (strip,) = swaps(overlay)
    assert strip["target"] == f"#overlay-votes-{call_id}"
    assert "网友投票" in strip["html"] and "现场举牌" in strip["html"]
    assert cells(strip["html"], "online")["satisfied"] == "1"
    for swap in [*to_page.values(), strip]:
        for secret in secrets:
            assert secret not in swap["html"]
    # A refused vote changes no count: nothing is pushed.
    vote(viewer(app), live_show, call_id, "basic")
    assert swaps(page) == [] and swaps(overlay) == []


def test_the_voting_box_follows_what_is_on_air(app, moderator, live_show, call_id, socket_client):
    page = watching(socket_client, None, f"show:{live_show}")
    on_air(moderator, live_show, "call", call_id)
    (box,) = [s for s in swaps(page) if s["target"] == "#votes"]
    assert f'name="call" value="{call_id}"' in box["html"] and 'id="vote-form"' in box["html"]
    # Everyone's form: the token stays in each page, outside the box.
    assert 'name="csrf_token"' not in box["html"]
    assert moderator.post_form(f"/desk/shows/{live_show}/on-air/clear").status_code == 303
    (box,) = [s for s in swaps(page) if s["target"] == "#votes"]
    assert 'id="vote-form"' not in box["html"] and "当前没有正在播出的回答" in box["html"]


def test_going_live_asks_each_open_page_for_its_own_token(app, client, moderator, socket_client):
    show_id = scheduled_show(app)
    early = client.get(f"/shows/{show_id}").text
    assert 'name="csrf_token"' not in early  # a show not live: no token, no session
    assert "Set-Cookie" not in client.get(f"/shows/{show_id}").headers
    page = watching(socket_client, None, f"show:{show_id}")
    go_live(moderator, show_id)
    pushed = by_target(swaps(page))
    loader = pushed["#vote-token"]["html"]
    assert "data-live-refetch-soon" in loader and 'name="csrf_token"' not in loader
    url = re.search(r'data-live-refetch="([^"]+)"', loader).group(1)
    fetched = client.get(url, headers={"HX-Request": "true"}).text
    assert page_token(fetched)
    assert "hidden" not in re.search(r"<section[^>]*>", pushed["#votes"]["html"]).group(0)


def test_a_burst_of_votes_goes_out_as_its_first_vote_and_then_the_rest_together(
    app, moderator, live_show, call_id, socket_client
):
    app.config["HOTLINE_VOTE_PUSH_SECONDS"] = 0.5
    on_air(moderator, live_show, "call", call_id)
    page = watching(socket_client, None, f"show:{live_show}")
    tallies = []

    def heard():
        for swap in swaps(page):
            if swap["target"] == f"#vote-tally-{call_id}":
                tallies.append(cells(swap["html"], "online")["dissatisfied"])

    for n in range(4):
        assert (
            vote(viewer(app, f"10.8.0.{n}"), live_show, call_id, "dissatisfied").status_code == 303
        )
    heard()
    assert tallies == ["1"]  # the first at once; the others wait for the end of the interval
    deadline = time.monotonic() + 5
    while len(tallies) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        heard()
    assert tallies == ["1", "4"]  # one push carried the other three
    time.sleep(0.7)
    heard()
    assert tallies == ["1", "4"]


def test_a_cached_live_show_page_is_rendered_once_and_gives_each_viewer_a_token(
    app, moderator, live_show, call_id
):
    cache = FragmentCache(seconds=300)
    app.extensions["hotline_fragments"] = cache
    on_air(moderator, live_show, "call", call_id)
    first, second = viewer(app, "10.0.0.1"), viewer(app, "10.0.0.2")
    pages = [c.get(f"/shows/{live_show}").text for c in (first, second, first, second)]
    renders = cache.renders
    assert renders == 2  # the calls, and the page around them, once for all four
    tokens = [page_token(p) for p in pages]
    assert tokens[0] != tokens[1] and "\ufdd0" not in pages[0]
    for c, token in ((first, tokens[0]), (second, tokens[1])):
        response = c.post(
            f"/shows/{live_show}/vote",
            data={"csrf_token": token, "call": call_id, "value": "basic"},
        )
        assert response.status_code == 303
    # Each vote was pushed: a new viewer never gets the old count.
    fresh = viewer(app, "10.0.0.3").get(f"/shows/{live_show}").text
    assert cells(section(fresh, "table", f"vote-tally-{call_id}"), "online")["basic"] == "2"
