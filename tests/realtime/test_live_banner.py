"""The 直播中 banner is never missed by a page loaded as the show goes live.

A page embeds its rooms' numbers; live.js, joining a room whose number has
moved on, fetches the page's live regions again (data-live-refetch). So the
banner and a show's status line are such regions, and a page reads its room's
number before what it shows (live.pin): read after, the number could already
count the show going live while the page still shows it scheduled, and the
page would never catch up. Here live.js's part is played by hand: the page,
then the show going live, then the join and the refetches it leads to."""

import re
import threading

from desk_support import go_live, scheduled_show
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Show, ShowStatus


def _seqs(html: str) -> dict[str, int]:
    return {
        room: int(seq)
        for room, seq in re.findall(r'data-live-room="([^"]+)" data-live-seq="(\d+)"', html)
    }


def _catch_up(client, socket_client, html: str, room: str) -> str:
    """What live.js does on joining: the regions fetched again when the room
    is ahead of the page (their HTML, joined), else nothing."""
    sock = socket_client("/live", client)
    ack = sock.emit("join", {"rooms": [room]}, namespace="/live", callback=True)
    if ack[room] <= _seqs(html)[room]:
        return ""
    urls = re.findall(r'data-live-refetch="([^"]+)"', html)
    return "".join(client.get(url, headers={"HX-Request": "true"}).text for url in urls)


def _banner(html: str) -> str:
    found = re.search(r'<div id="on-air-banner"[^>]*>(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_a_board_loaded_before_the_show_goes_live_gets_the_banner_on_joining(
    app, client, moderator, socket_client
):
    show_id = scheduled_show(app)
    board = client.get("/").text
    assert f'href="/shows/{show_id}"' not in _banner(board)
    go_live(moderator, show_id)  # pushed to the board's room before the page joined it

    fetched = _catch_up(client, socket_client, board, "board")
    assert f'href="/shows/{show_id}"' in _banner(fetched)


def test_a_show_page_loaded_before_the_show_goes_live_gets_banner_and_status(
    app, client, moderator, socket_client
):
    show_id = scheduled_show(app)
    page = client.get(f"/shows/{show_id}").text
    assert "未开始" in re.search(r'<p id="show-status".*?</p>', page, re.S).group(0)
    go_live(moderator, show_id)

    fetched = _catch_up(client, socket_client, page, f"show:{show_id}")
    assert f'href="/shows/{show_id}"' in _banner(fetched)
    status = re.search(r'<p id="show-status".*?</p>', fetched, re.S).group(0)
    assert 'class="live-badge">直播中' in status


def test_a_page_rendered_while_the_show_goes_live_is_behind_its_room(
    app, client, moderator, socket_client, monkeypatch
):
    """The show goes live (committed and pushed by the moderator's request)
    after this page read the show and before it finished rendering."""
    from hotline.public import shows

    show_id = scheduled_show(app)
    load = shows._show_or_404

    def read_then_go_live(wanted: int):
        item = load(wanted)
        moderator_request = threading.Thread(target=go_live, args=(moderator, show_id))
        moderator_request.start()
        moderator_request.join()
        return item

    monkeypatch.setattr(shows, "_show_or_404", read_then_go_live)
    page = client.get(f"/shows/{show_id}").text
    monkeypatch.undo()
    with app.app_context():
        assert db.session.scalar(select(Show.status).where(Show.id == show_id)) == ShowStatus.LIVE
    assert 'class="live-badge"' not in re.search(r'<p id="show-status".*?</p>', page, re.S)[0]

    # The page embeds the number from before the change, so joining catches up.
    fetched = _catch_up(client, socket_client, page, f"show:{show_id}")
    assert 'class="live-badge">直播中' in re.search(r'<p id="show-status".*?</p>', fetched, re.S)[0]
