"""Renderers that report back (tally): an overlay page reports what it shows
over the public socket; the desk lists every renderer with its layout and a
flag (stale, disconnected, outdated), live; the desk can tell one renderer,
and only that one, to reload. The anonymous socket cannot spoof or crowd it."""

import re
from datetime import timedelta

import pytest
from api_support import bearer, make_token
from cue_support import add_super, cue, press
from desk_support import HOUSING, calls_of, log
from sqlalchemy import update

from hotline import clock
from hotline.extensions import db
from hotline.models import OnAir, Renderer, Role

RID = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
OTHER = "ffeeddccbbaa99887766554433221100"


@pytest.fixture(autouse=True)
def unpaced(app):
    # Every report read and every change pushed at once (the defaults pace them).
    app.config.update(HOTLINE_TALLY_REPORT_SECONDS=0, HOTLINE_TALLY_PUSH_SECONDS=0)


@pytest.fixture
def two_calls(app, moderator, live_show):
    log(moderator, live_show, topic="菜市场排水沟堵塞", department=str(HOUSING))
    log(moderator, live_show, topic="老旧小区加装电梯", department=str(HOUSING))
    return [c.id for c in calls_of(app, live_show)]


def _overlay(client, show_id, layout="lower-third"):
    html = client.get(f"/shows/{show_id}/overlay?layout={layout}&lang=en").get_data(as_text=True)
    token = re.search(r'<meta name="hotline-renderer" content="([^"]+)">', html).group(1)
    region = re.search(r'<div id="overlay"[^>]*>', html).group(0)
    shown = dict(re.findall(r'data-tally-(kind|item|code)="([^"]*)"', region))
    return token, shown


def _renderer(socket_client, client, show_id, rid=RID, layout="lower-third"):
    """A renderer's page: its socket, and a report() that sends what the page shows."""
    sock = socket_client("/live")

    def report(**override):
        token, shown = _overlay(client, show_id, layout)
        return sock.emit(
            "tally",
            {"token": token, "renderer": rid, **shown, **override},
            callback=True,
            namespace="/live",
        )

    return sock, report


def _desk(moderator, show_id):
    html = moderator.get(f"/desk/shows/{show_id}/renderers?lang=en").get_data(as_text=True)
    return dict(re.findall(r'data-renderer="([^"]+)" data-state="([^"]+)"', html)), html


def _put(moderator, show_id, call_id):
    response = moderator.post_form(
        f"/desk/shows/{show_id}/on-air", {"kind": "call", "item": call_id}
    )
    assert response.status_code == 303


def test_the_overlay_says_what_it_shows_and_carries_its_token(
    app, client, moderator, two_calls, live_show
):
    html = client.get(f"/shows/{live_show}/overlay").get_data(as_text=True)
    assert "tally.js" in html and "<script>" not in html  # no inline script
    _token, shown = _overlay(client, live_show)
    assert shown == {"kind": "", "item": "", "code": ""}
    _put(moderator, live_show, two_calls[0])
    _token, shown = _overlay(client, live_show)
    assert shown["kind"] == "call" and shown["item"] == str(two_calls[0])
    assert re.fullmatch(r"[0-9A-Z]{7}", shown["code"])  # the card's verification code
    assert f'data-version-code="{shown["code"]}"' in client.get(
        f"/shows/{live_show}/overlay"
    ).get_data(as_text=True)


def test_a_renderer_reports_and_the_desk_lists_it_live(
    app, client, moderator, socket_client, two_calls, live_show
):
    _put(moderator, live_show, two_calls[0])
    desk = socket_client("/desk", moderator)
    desk.emit("join", {"rooms": [f"show:{live_show}"]}, callback=True, namespace="/desk")
    desk.get_received("/desk")
    sock, report = _renderer(socket_client, client, live_show, layout="ticker")
    assert report() == {"ok": True}
    pushed = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
    assert [p["target"] for p in pushed] == ["#tally"]
    assert f'data-renderer="{RID}" data-state="ok"' in pushed[0]["html"]
    assert "csrf_token" not in pushed[0]["html"]  # pushed HTML belongs to nobody
    states, html = _desk(moderator, live_show)
    assert states == {RID: "ok"}
    assert "ticker" in html and "Showing what is on air" in html
    # The console shows the same block, with the reload button.
    console = moderator.get(f"/desk/shows/{live_show}?lang=en").get_data(as_text=True)
    assert 'id="tally"' in console and f'data-tally-reload="{RID}"' in console
    # Its poll every 4 s must not teach the page the room's number (live.js
    # would drop a push in flight to another region of the room, e.g. a cue card).
    tally_tag = re.search(r'<section id="tally"[^>]*>', console).group(0)
    assert "data-live-seq" not in tally_tag and "data-live-refetch" in tally_tag
    # A heartbeat that changes nothing pushes nothing.
    assert report() == {"ok": True}
    assert [e for e in desk.get_received("/desk") if e["name"] == "swap"] == []


def test_a_renderer_still_showing_the_old_item_is_outdated(
    app, client, moderator, socket_client, two_calls, live_show
):
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 0
    _put(moderator, live_show, two_calls[0])
    sock, report = _renderer(socket_client, client, live_show)
    _token, first = _overlay(client, live_show)
    assert report() == {"ok": True}
    assert _desk(moderator, live_show)[0] == {RID: "ok"}
    _put(moderator, live_show, two_calls[1])
    # It did not update: it still reports the first call.
    assert report(**first) == {"ok": True}
    states, html = _desk(moderator, live_show)
    assert states == {RID: "outdated"} and "1 needs a look" in html
    assert report() == {"ok": True}  # it caught up
    assert _desk(moderator, live_show)[0] == {RID: "ok"}


def test_grace_after_a_change_on_air_before_outdated(
    app, client, moderator, socket_client, two_calls, live_show
):
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 60
    _put(moderator, live_show, two_calls[0])
    _sock, report = _renderer(socket_client, client, live_show)
    _token, first = _overlay(client, live_show)
    assert report() == {"ok": True}
    _put(moderator, live_show, two_calls[1])
    assert report(**first) == {"ok": True}
    assert _desk(moderator, live_show)[0] == {RID: "ok"}  # within the grace


def test_a_closed_renderer_is_disconnected_and_a_silent_one_stale(
    app, client, moderator, socket_client, live_show
):
    desk = socket_client("/desk", moderator)
    desk.emit("join", {"rooms": [f"show:{live_show}"]}, callback=True, namespace="/desk")
    sock, report = _renderer(socket_client, client, live_show)
    other, report_other = _renderer(socket_client, client, live_show, rid=OTHER)
    assert report() == {"ok": True} and report_other() == {"ok": True}
    desk.get_received("/desk")
    sock.disconnect(namespace="/live")
    pushed = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
    assert pushed and f'data-renderer="{RID}" data-state="disconnected"' in pushed[-1]["html"]
    with app.app_context():
        row = db.session.get(Renderer, OTHER)
        row.last_seen -= timedelta(seconds=30)  # its browser froze
        db.session.commit()
    assert _desk(moderator, live_show)[0] == {RID: "disconnected", OTHER: "stale"}
    # Back (the page reloaded: same id, new connection): the flag clears.
    again, report_again = _renderer(socket_client, client, live_show)
    assert report_again() == {"ok": True} and report_other() == {"ok": True}
    assert _desk(moderator, live_show)[0] == {RID: "ok", OTHER: "ok"}


def test_reports_without_a_valid_token_or_id_are_refused(app, client, socket_client, live_show):
    sock, report = _renderer(socket_client, client, live_show)
    token, _shown = _overlay(client, live_show)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert report(token=forged) == {"ok": False, "reason": "invalid"}
    assert report(token=None) == {"ok": False, "reason": "invalid"}
    assert report(renderer="short") == {"ok": False, "reason": "invalid"}
    assert report(kind="<script>") == {"ok": False, "reason": "invalid"}
    assert report(code="not a code") == {"ok": False, "reason": "invalid"}
    assert sock.emit("tally", "nonsense", callback=True, namespace="/live") == {
        "ok": False,
        "reason": "invalid",
    }
    assert sock.emit("tally", callback=True, namespace="/live") == {
        "ok": False,
        "reason": "invalid",
    }
    with app.app_context():
        assert db.session.query(Renderer).count() == 0


def test_a_viewer_cannot_take_over_a_live_renderer_or_report_for_two(
    app, client, moderator, socket_client, live_show
):
    _sock, report = _renderer(socket_client, client, live_show)
    assert report() == {"ok": True}
    # Another connection with the same id while the first is live: refused
    # (a duplicated tab; its page draws a new id).
    _thief, steal = _renderer(socket_client, client, live_show)
    assert steal() == {"ok": False, "reason": "taken"}
    # One connection reports for one renderer only.
    assert report(renderer=OTHER) == {"ok": False, "reason": "one_per_connection"}
    # A token for another show does not move a renderer there.
    with app.app_context():
        other_show = db.session.execute(
            db.text("SELECT id FROM shows WHERE id != :s LIMIT 1"), {"s": live_show}
        ).scalar()
    token, _shown = _overlay(client, other_show)
    assert report(token=token) == {"ok": False, "reason": "taken"}
    assert _desk(moderator, live_show)[0] == {RID: "ok"}


def test_reports_are_paced_per_connection(app, client, socket_client, live_show):
    app.config["HOTLINE_TALLY_REPORT_SECONDS"] = 60
    _sock, report = _renderer(socket_client, client, live_show)
    assert report() == {"ok": True}
    assert report() == {"ok": False, "reason": "too_fast"}


def test_a_show_lists_at_most_so_many_renderers(app, client, moderator, socket_client, live_show):
    app.config["HOTLINE_TALLY_MAX_RENDERERS"] = 2
    ids = [f"{n:032x}" for n in range(1, 5)]
    socks = []
    for rid in ids[:2]:
        sock, report = _renderer(socket_client, client, live_show, rid=rid)
        assert report() == {"ok": True}
        socks.append(sock)
    _sock, third = _renderer(socket_client, client, live_show, rid=ids[2])
    assert third() == {"ok": False, "reason": "full"}
    assert third() == {"ok": False, "reason": "full"}  # not heard for a while: no query
    # One goes away: a new renderer takes the place of the one gone.
    socks[0].disconnect(namespace="/live")
    _sock, fourth = _renderer(socket_client, client, live_show, rid=ids[3])
    assert fourth() == {"ok": True}
    assert _desk(moderator, live_show)[0] == {ids[1]: "ok", ids[3]: "ok"}


def test_the_desk_tells_one_renderer_to_reload(
    app, client, moderator, login, socket_client, live_show
):
    sock, report = _renderer(socket_client, client, live_show)
    other, report_other = _renderer(socket_client, client, live_show, rid=OTHER)
    viewer = socket_client("/live")
    viewer.emit("join", {"rooms": [f"overlay:{live_show}"]}, callback=True, namespace="/live")
    assert report() == {"ok": True} and report_other() == {"ok": True}
    for s in (sock, other, viewer):
        s.get_received("/live")
    url = f"/desk/shows/{live_show}/renderers/{RID}/reload"
    assert moderator.post(url).status_code == 400  # no CSRF token
    assert login("housing").post_form(url).status_code == 403  # a liaison
    assert (
        client.post_form(url).status_code in (302, 303)
        and "login" in client.post_form(url).location
    )
    assert [e for e in sock.get_received("/live") if e["name"] == "reload"] == []
    response = moderator.htmx_post(url)
    assert response.status_code == 200 and 'id="tally"' in response.get_data(as_text=True)
    assert [e["args"][0] for e in sock.get_received("/live") if e["name"] == "reload"] == [
        {"renderer": RID}
    ]
    assert [e for e in other.get_received("/live") if e["name"] == "reload"] == []
    assert [e for e in viewer.get_received("/live") if e["name"] == "reload"] == []
    assert (
        moderator.post_form(f"/desk/shows/{live_show}/renderers/{'0' * 32}/reload").status_code
        == 404
    )


def test_the_desk_forgets_a_renderer_gone_for_good(
    app, client, moderator, socket_client, live_show
):
    sock, report = _renderer(socket_client, client, live_show)
    assert report() == {"ok": True}
    url = f"/desk/shows/{live_show}/renderers/{RID}/forget"
    assert moderator.post_form(url).status_code == 409  # still live
    sock.disconnect(namespace="/live")
    assert moderator.post_form(url).status_code == 303
    assert _desk(moderator, live_show)[0] == {}
    assert "No overlay page has reported yet" in _desk(moderator, live_show)[1]


def test_two_desks_get_the_same_pushed_block_and_each_can_act(
    app, client, login, socket_client, live_show
):
    host, office = login("host"), login("office")
    desks = []
    for person in (host, office):
        d = socket_client("/desk", person)
        d.emit("join", {"rooms": [f"show:{live_show}"]}, callback=True, namespace="/desk")
        d.get_received("/desk")
        desks.append(d)
    sock, report = _renderer(socket_client, client, live_show)
    assert report() == {"ok": True}
    blocks = [
        [e["args"][0]["html"] for e in d.get_received("/desk") if e["name"] == "swap"]
        for d in desks
    ]
    assert blocks[0] == blocks[1] and len(blocks[0]) == 1
    # The pushed form carries no token: each desk's htmx sends its own page's.
    for person in (host, office):
        response = person.htmx_post(f"/desk/shows/{live_show}/renderers/{RID}/reload")
        assert response.status_code == 200
    assert len([e for e in sock.get_received("/live") if e["name"] == "reload"]) == 2


# --- the preview page reports too, compared against the preview (the cue) --------

PVW = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def _preview_renderer(socket_client, client, show_id, rid=PVW):
    """A preview page in OBS (/shows/<id>/preview): its socket, and a report()."""
    sock = socket_client("/live")

    def report(**override):
        html = client.get(f"/shows/{show_id}/preview?lang=en").get_data(as_text=True)
        token = re.search(r'<meta name="hotline-renderer" content="([^"]+)">', html).group(1)
        region = re.search(r'<div id="overlay"[^>]*>', html).group(0)
        shown = dict(re.findall(r'data-tally-(kind|item|code)="([^"]*)"', region))
        return sock.emit(
            "tally",
            {"token": token, "renderer": rid, **shown, **override},
            callback=True,
            namespace="/live",
        )

    return sock, report


def test_a_preview_page_reports_as_preview_and_follows_the_cue_not_program(
    app, client, moderator, socket_client, two_calls, live_show
):
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 0
    first, second = two_calls
    _put(moderator, live_show, first)  # program: the first call
    cue(moderator, live_show, "call", second)  # preview: the second
    _sock, program_report = _renderer(socket_client, client, live_show)
    _psock, preview_report = _preview_renderer(socket_client, client, live_show)
    assert program_report() == {"ok": True} and preview_report() == {"ok": True}
    # Each shows its own item and neither is flagged: the preview page is not
    # held against program.
    states, html = _desk(moderator, live_show)
    assert states == {RID: "ok", PVW: "ok"}
    assert f'data-renderer="{PVW}" data-state="ok" data-role="preview"' in html
    assert f'data-renderer="{RID}" data-state="ok" data-role="program"' in html
    assert "PVW" in html and "PGM" in html
    # A preview page still showing what is on program is outdated (against the preview).
    _token, on_program = _overlay(client, live_show)
    assert preview_report(**on_program) == {"ok": True}
    states, html = _desk(moderator, live_show)
    assert states == {RID: "ok", PVW: "outdated"} and "Outdated: not what is in preview" in html
    # Take: program has the second call, the preview is empty; a page that
    # follows is fine, one stuck on the old preview is flagged.
    assert press(moderator, live_show, "take").status_code == 200
    assert program_report() == {"ok": True} and preview_report() == {"ok": True}
    assert _desk(moderator, live_show)[0] == {RID: "ok", PVW: "ok"}
    assert preview_report(kind="call", item=str(second)) == {"ok": True}
    assert _desk(moderator, live_show)[0] == {RID: "ok", PVW: "outdated"}
    # The API says which is which, and what is in preview.
    headers = bearer(make_token(app, "studio", Role.MODERATOR))
    data = client.get(f"/api/v1/shows/{live_show}/renderers", headers=headers).get_json()["data"]
    assert {r["id"]: r["role"] for r in data["renderers"]} == {RID: "program", PVW: "preview"}
    assert data["on_air"]["item"] == second and data["preview"]["kind"] is None


def test_a_preview_page_is_given_the_grace_after_the_preview_changed(
    app, client, moderator, socket_client, two_calls, live_show
):
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 60
    first, second = two_calls
    cue(moderator, live_show, "call", first)
    _psock, preview_report = _preview_renderer(socket_client, client, live_show)
    assert preview_report() == {"ok": True}
    cue(moderator, live_show, "call", second)
    assert press(moderator, live_show, "take").status_code == 200  # the preview moves on
    assert preview_report(kind="call", item=str(first)) == {"ok": True}  # not yet followed
    assert _desk(moderator, live_show)[0] == {PVW: "ok"}  # within the grace


@pytest.mark.parametrize("kind", ["super", "totals"])
def test_a_program_showing_a_name_super_or_the_totals_is_not_outdated(
    app, client, moderator, socket_client, two_calls, live_show, kind
):
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 0
    _put(moderator, live_show, two_calls[0])
    _sock, report = _renderer(socket_client, client, live_show)
    assert report() == {"ok": True}
    item = add_super(app, live_show) if kind == "super" else None
    cue(moderator, live_show, kind, item)
    assert press(moderator, live_show, "take").status_code == 200
    _token, shown = _overlay(client, live_show)
    assert shown == {"kind": kind, "item": str(item or ""), "code": ""}
    assert report() == {"ok": True}
    states, html = _desk(moderator, live_show)
    assert states == {RID: "ok"} and "Showing what is on air" in html
    # Still showing the call that was on air before: outdated.
    assert report(kind="call", item=str(two_calls[0]), code="") == {"ok": True}
    assert _desk(moderator, live_show)[0] == {RID: "outdated"}


def test_a_renderer_is_given_the_grace_after_an_auto_out(
    app, client, moderator, socket_client, two_calls, live_show
):
    """A name super past its auto-out leaves program at that moment, before the
    sweep's push reaches the renderers: they get their grace from then."""
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 60
    cue(moderator, live_show, "super", add_super(app, live_show))
    assert press(moderator, live_show, "take").status_code == 200
    _sock, report = _renderer(socket_client, client, live_show)
    assert report() == {"ok": True}
    with app.app_context():  # taken two minutes ago, gone a second ago (not swept yet)
        now = clock.utcnow()
        db.session.execute(
            update(OnAir)
            .where(OnAir.show_id == live_show)
            .values(since=now - timedelta(minutes=2), until=now - timedelta(seconds=1))
        )
        db.session.commit()
    assert _desk(moderator, live_show)[0] == {RID: "ok"}
    app.config["HOTLINE_TALLY_GRACE_SECONDS"] = 0
    assert _desk(moderator, live_show)[0] == {RID: "outdated"}
