"""On air: the moderator puts a call, a commitment or a 回音壁 item on the
broadcast overlay and clears it; who may; CSRF; what the overlay and the desks
receive; the state survives in the database."""

import re

import pytest
from desk_support import HOUSING, calls_of, commit, log
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Call, Commitment, OnAir, Show, ShowStatus


def _put(client, show_id, kind, item, **extra):
    return client.post_form(f"/desk/shows/{show_id}/on-air", {"kind": kind, "item": item, **extra})


def _card(client, show_id, layout="lower-third"):
    html = client.get(f"/shows/{show_id}/overlay?layout={layout}&lang=en").get_data(as_text=True)
    section = re.search(r'<section id="lower-third".*?</section>', html, re.S).group(0)
    return html, section


def test_the_overlay_is_its_own_transparent_page(app, client, live_show):
    response = client.get(f"/shows/{live_show}/overlay")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "overlay.css" in html and "live.js" in html and "app.css" not in html
    assert 'class="site"' not in html  # not the site's chrome
    assert "<style" not in html and "<script>" not in html  # the CSP stays strict
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'data-layout="lower-third"' in html
    assert f'data-live-room="overlay:{live_show}"' in html
    assert 'id="lower-third" class="layer card lower-third" data-state="off"' in html
    for layout in ("ticker", "totals", "rundown"):
        page = client.get(f"/shows/{live_show}/overlay?layout={layout}").get_data(as_text=True)
        assert f'data-layout="{layout}"' in page
    bogus = client.get(f"/shows/{live_show}/overlay?layout=<x>").get_data(as_text=True)
    assert 'data-layout="lower-third"' in bogus
    assert client.get("/shows/999999/overlay").status_code == 404
    css = client.get("/static/overlay.css").get_data(as_text=True)
    assert "html, body { background: transparent;" in css


def test_put_a_call_then_its_commitment_on_air_and_clear(app, client, moderator, call_id):
    show_id = calls_of(app, _show_of(app, call_id))[0].show_id
    assert _put(moderator, show_id, "call", call_id).status_code == 303
    html, card = _card(client, show_id)
    assert 'data-state="on"' in card and 'data-kind="call"' in card
    assert "Call #1" in card and "菜市场排水沟堵塞" in card
    assert commit(moderator, call_id).status_code == 303  # the card shows the commitment now
    _, card = _card(client, show_id)
    assert "30天内完成排水沟清淤" in card and "周建华" in card
    with app.app_context():
        commitment_id = db.session.scalar(
            select(Commitment.id).where(Commitment.call_id == call_id)
        )
    assert _put(moderator, show_id, "commitment", commitment_id).status_code == 303
    _, card = _card(client, show_id)
    assert 'data-kind="commitment"' in card and f"Commitment #{commitment_id}" in card
    # Totals and ticker are in the same region.
    assert 'data-total="calls">1<' in html
    assert "30天内完成排水沟清淤" in _card(client, show_id, "ticker")[0]
    # Clear: the card hides itself.
    assert moderator.post_form(f"/desk/shows/{show_id}/on-air/clear").status_code == 303
    _, card = _card(client, show_id)
    assert 'data-state="off"' in card and "菜市场" not in card
    with app.app_context():
        row = db.session.get(OnAir, show_id)
        assert row.kind == "" and row.item_id is None


def _show_of(app, call_id):
    with app.app_context():
        return db.session.get(Call, call_id).show_id


def test_the_console_shows_what_is_on_air(app, moderator, supervisor, call_id):
    show_id = _show_of(app, call_id)
    page = moderator.get(f"/desk/shows/{show_id}?lang=en").get_data(as_text=True)
    assert 'id="on-air"' in page and 'data-on-air="none"' in page
    assert f'data-on-air-put="call-{call_id}"' in page
    response = moderator.htmx_post(
        f"/desk/shows/{show_id}/on-air", {"kind": "call", "item": call_id}
    )
    assert response.status_code == 200 and 'data-on-air="call"' in response.get_data(as_text=True)
    # Another desk (the supervisor) sees it too, and can clear it.
    other = supervisor.get(f"/desk/shows/{show_id}/on-air").get_data(as_text=True)
    assert 'data-on-air="call"' in other and "菜市场排水沟堵塞" in other
    cleared = supervisor.htmx_post(f"/desk/shows/{show_id}/on-air/clear")
    assert 'data-on-air="none"' in cleared.get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "liaison"])
def test_only_the_desk_can_put_things_on_air(app, client, liaison, call_id, who):
    show_id = _show_of(app, call_id)
    c = client if who == "anonymous" else liaison
    put = _put(c, show_id, "call", call_id)
    clear = c.post_form(f"/desk/shows/{show_id}/on-air/clear")
    if who == "anonymous":
        assert put.status_code == 302 and "/auth/login" in put.headers["Location"]
        assert clear.status_code == 302
    else:
        assert put.status_code == 403 and clear.status_code == 403
        assert c.get(f"/desk/shows/{show_id}/on-air").status_code == 403
    with app.app_context():
        assert db.session.get(OnAir, show_id) is None


def test_putting_on_air_needs_the_csrf_token(app, moderator, call_id):
    show_id = _show_of(app, call_id)
    response = moderator.post(
        f"/desk/shows/{show_id}/on-air", data={"kind": "call", "item": call_id}
    )
    assert response.status_code == 400
    assert moderator.post(f"/desk/shows/{show_id}/on-air/clear").status_code == 400
    with app.app_context():
        assert db.session.get(OnAir, show_id) is None


def test_only_this_shows_items_go_on_air(app, moderator, call_id):
    show_id = _show_of(app, call_id)
    with app.app_context():
        other_call = db.session.scalar(select(Call.id).where(Call.show_id != show_id))
        other_commitment = db.session.scalar(
            select(Commitment.id).join(Call).where(Call.show_id != show_id)
        )
    assert _put(moderator, show_id, "call", other_call).status_code == 404
    assert _put(moderator, show_id, "commitment", other_commitment).status_code == 404
    assert _put(moderator, show_id, "bogus", call_id).status_code == 400
    assert _put(moderator, show_id, "call", "x").status_code == 400


def test_an_ended_show_puts_nothing_more_on_air(app, moderator, call_id):
    show_id = _show_of(app, call_id)
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    response = moderator.htmx_post(
        f"/desk/shows/{show_id}/on-air", {"kind": "call", "item": call_id}
    )
    assert response.status_code == 409


def test_on_air_pushes_to_the_overlay_room_and_the_desks(
    app, client, moderator, supervisor, socket_client, call_id
):
    show_id = _show_of(app, call_id)
    viewer = socket_client("/live", client)
    viewer.emit("join", {"rooms": [f"overlay:{show_id}"]}, namespace="/live", callback=True)
    desk = socket_client("/desk", supervisor)
    desk.emit("join", {"rooms": [f"show:{show_id}"]}, namespace="/desk", callback=True)
    viewer.get_received("/live"), desk.get_received("/desk")
    assert _put(moderator, show_id, "call", call_id).status_code == 303
    public = [e["args"][0] for e in viewer.get_received("/live") if e["name"] == "swap"]
    assert [m["target"] for m in public] == ["#overlay"]
    assert 'data-state="on"' in public[0]["html"] and "菜市场排水沟堵塞" in public[0]["html"]
    staff = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
    on_air = [m for m in staff if m["target"] == "#on-air"]
    assert on_air and 'data-on-air="call"' in on_air[0]["html"]
    # Pushed HTML belongs to nobody: no CSRF token in it.
    assert "csrf_token" not in on_air[0]["html"]
    # A logged call pushes the overlay (totals) and a call row whose button has no token.
    log(moderator, show_id, topic="第二个来电", department=str(HOUSING))
    public = [e["args"][0] for e in viewer.get_received("/live") if e["name"] == "swap"]
    assert any('data-total="calls">2<' in m["html"] for m in public)
    rows = [
        e["args"][0]
        for e in desk.get_received("/desk")
        if e["name"] == "swap" and e["args"][0]["target"] == "#desk-calls"
    ]
    assert rows and "data-on-air-put" in rows[0]["html"] and "csrf_token" not in rows[0]["html"]


def test_on_air_survives_a_new_process(app, moderator, call_id, tmp_path):
    """The state is in the database: a fresh app on the same file reads it."""
    show_id = _show_of(app, call_id)
    _put(moderator, show_id, "call", call_id)
    from hotline import create_app

    again = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    with again.test_client() as fresh:
        html = fresh.get(f"/shows/{show_id}/overlay").get_data(as_text=True)
    assert 'data-kind="call"' in html and "菜市场排水沟堵塞" in html


def test_rundown_items_go_on_air_as_a_follow_up_card(app, client, moderator):
    with app.app_context():
        show = db.session.scalar(select(Show).where(Show.status == ShowStatus.SCHEDULED))
        show_id = show.id
    page = moderator.get(f"/shows/{show_id}/rundown?lang=en").get_data(as_text=True)
    ids = re.findall(r'id="rundown-(\d+)"', page)
    assert ids, "the demo's next show has earlier commitments to follow up"
    assert _put(moderator, show_id, "rundown", ids[0], back="rundown").status_code == 303
    html = client.get(f"/shows/{show_id}/overlay?layout=rundown&lang=en").get_data(as_text=True)
    echo = re.search(r'<section id="rundown-card".*?</section>', html, re.S).group(0)
    assert 'data-state="on"' in echo and f"#{ids[0]}" in echo and "Follow-up on air" in echo
    # A commitment not in this show's rundown cannot go on air as one.
    with app.app_context():
        outside = db.session.scalar(
            select(Commitment.id).where(Commitment.id.not_in([int(i) for i in ids]))
        )
    assert _put(moderator, show_id, "rundown", outside).status_code == 404


def test_ending_the_show_takes_its_card_off_air(app, client, moderator, call_id):
    show_id = _show_of(app, call_id)
    assert _put(moderator, show_id, "call", call_id).status_code == 303
    assert 'data-state="on"' in _card(client, show_id)[1]
    moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    assert 'data-state="off"' in _card(client, show_id)[1]  # no stale card after the show
    with app.app_context():
        assert db.session.get(OnAir, show_id).kind == ""
