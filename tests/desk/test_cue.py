"""Cue → preview → take on the desk: cue items, the preview renderer, take and
next, auto-out (stored, so it holds with no desk open and across processes),
the panic "clear all", the running order's lock (unlocking deliberate and on
the audit trail), name supers and the QR bug; who may; CSRF; what every desk
and both renderers receive, and that pushed blocks belong to nobody."""

import re
from datetime import timedelta

import pytest
from cue_support import (
    add_super,
    audit_actions,
    cue,
    cued,
    on_air,
    press,
    preview,
    program,
    section,
    state,
)
from desk_support import calls_of, log
from sqlalchemy import update

from hotline import clock
from hotline.extensions import db
from hotline.models import CueState, NameSuper, OnAir


@pytest.fixture
def two_calls(app, moderator, live_show):
    log(moderator, live_show, topic="菜市场排水沟堵塞")
    log(moderator, live_show, topic="老旧小区加装电梯")
    return [c.id for c in calls_of(app, live_show)]


def test_cue_preview_then_take_to_program(app, client, moderator, live_show, two_calls):
    first, second = two_calls
    super_id = add_super(app, live_show)
    assert cue(moderator, live_show, "super", super_id).status_code == 303
    assert cue(moderator, live_show, "call", first).status_code == 303
    # The first item cued is in preview at once; program is untouched.
    shown = preview(client, live_show)
    assert 'data-preview="yes"' in shown and "PREVIEW" in shown
    assert 'data-live-room="preview:' in shown
    card = section(shown, "lower-third")
    assert 'data-state="on"' in card and 'data-kind="super"' in card and "李明" in card
    assert 'data-state="off"' in section(program(client, live_show), "lower-third")
    assert "PREVIEW" not in program(client, live_show)

    answer = press(moderator, live_show, "take")
    assert answer.status_code == 200 and 'id="cue"' in answer.text
    # The console's on-air block comes with it (out of band), naming the super.
    assert 'id="on-air" hx-swap-oob="true"' in answer.text and 'data-on-air="super"' in answer.text
    assert "李明" in moderator.get(f"/desk/shows/{live_show}/on-air").text
    card = section(program(client, live_show), "lower-third")
    assert 'data-kind="super"' in card and "李明" in card and "市人大代表" in card
    assert "data-out-ms=" in card  # the page hides it by itself at its auto-out
    # The preview moved on to the next cued item: the call.
    card = section(preview(client, live_show), "lower-third")
    assert 'data-kind="call"' in card and "菜市场排水沟堵塞" in card
    press(moderator, live_show, "take")
    card = section(program(client, live_show), "lower-third")
    assert 'data-kind="call"' in card and "菜市场排水沟堵塞" in card and "data-out-ms" not in card
    assert 'data-state="off"' in section(preview(client, live_show), "lower-third")
    # Nothing left to take: refused, program unchanged.
    assert press(moderator, live_show, "take").status_code == 409
    assert on_air(app, live_show).item_id == first


def test_next_takes_the_cued_items_in_order(app, client, moderator, live_show, two_calls):
    first, second = two_calls
    for call in (first, second):
        cue(moderator, live_show, "call", call)
    cue(moderator, live_show, "totals")
    assert press(moderator, live_show, "next").status_code == 200
    assert on_air(app, live_show).item_id == first
    press(moderator, live_show, "next")
    assert on_air(app, live_show).item_id == second
    press(moderator, live_show, "next")
    card = section(program(client, live_show), "lower-third")
    assert 'data-kind="totals"' in card and 'data-card-total="calls">2<' in card
    assert press(moderator, live_show, "next").status_code == 409  # all taken
    assert all(item.taken_at for item in cued(app, live_show))


def test_reordering_changes_what_next_takes(app, moderator, live_show, two_calls):
    first, second = two_calls
    cue(moderator, live_show, "call", first)
    cue(moderator, live_show, "call", second)
    last = cued(app, live_show)[-1].id
    assert press(moderator, live_show, f"{last}/move", step="up").status_code == 200
    assert [i.item_id for i in cued(app, live_show)] == [second, first]
    press(moderator, live_show, "next")
    assert on_air(app, live_show).item_id == second


def test_a_name_super_leaves_program_after_its_auto_out(
    app, client, moderator, live_show, two_calls
):
    super_id = add_super(app, live_show)
    cue(moderator, live_show, "super", super_id)
    press(moderator, live_show, "take")
    row = on_air(app, live_show)
    assert row.until is not None
    assert 7 <= (row.until - row.since).total_seconds() <= 9  # 8 s by default
    # Time passes (the deadline is in the database): with no desk open, a
    # fresh read of the program shows nothing any more ...
    with app.app_context():
        past = clock.utcnow() - timedelta(seconds=1)
        db.session.execute(update(OnAir).where(OnAir.show_id == live_show).values(until=past))
        db.session.commit()
    assert 'data-state="off"' in section(program(client, live_show), "lower-third")
    assert on_air(app, live_show).kind == "super"  # ... the row is cleared on the next write
    moderator.get(f"/desk/shows/{live_show}/cue")  # the desk's refetch at the deadline
    assert on_air(app, live_show).kind == ""


def test_the_auto_out_of_each_kind_is_a_setting(app, moderator, live_show, two_calls):
    app.config["HOTLINE_CUE_AUTO_OUT"] = "super=3,call=20,nonsense"
    cue(moderator, live_show, "super", add_super(app, live_show))
    cue(moderator, live_show, "call", two_calls[0])
    press(moderator, live_show, "take")
    row = on_air(app, live_show)
    assert 2 <= (row.until - row.since).total_seconds() <= 4
    press(moderator, live_show, "take")
    row = on_air(app, live_show)
    assert 19 <= (row.until - row.since).total_seconds() <= 21
    # A card put on air directly stays until cleared.
    moderator.post_form(f"/desk/shows/{live_show}/on-air", {"kind": "call", "item": two_calls[1]})
    assert on_air(app, live_show).until is None


def test_the_qr_bug_sits_beside_the_lower_third(app, client, moderator, live_show, two_calls):
    cue(moderator, live_show, "call", two_calls[0])
    press(moderator, live_show, "take")
    cue(moderator, live_show, "qr")
    assert 'data-state="on"' in section(preview(client, live_show), "qr-bug")
    press(moderator, live_show, "take")
    html = program(client, live_show)
    bug = section(html, "qr-bug")
    assert 'data-state="on"' in bug and f"/shows/{live_show}/ask/qr.svg" in bug
    assert "Scan to ask" in bug
    assert "菜市场排水沟堵塞" in section(html, "lower-third")  # the card stays
    assert 'data-state="on"' in section(program(client, live_show, "qr"), "qr-bug")
    assert client.get(f"/shows/{live_show}/ask/qr.svg").status_code == 200
    press(moderator, live_show, "bug-off")
    assert 'data-state="off"' in section(program(client, live_show), "qr-bug")


def test_clear_all_empties_program_and_preview(app, client, moderator, live_show, two_calls):
    first, second = two_calls
    cue(moderator, live_show, "call", first)
    cue(moderator, live_show, "call", second)
    cue(moderator, live_show, "qr")
    press(moderator, live_show, "next")
    press(moderator, live_show, "take")  # the preview moved on to the second call ...
    assert press(moderator, live_show, "clear").status_code == 200
    html = program(client, live_show)
    assert 'data-state="off"' in section(html, "lower-third")
    assert 'data-state="off"' in section(html, "qr-bug")
    assert 'data-state="off"' in section(preview(client, live_show), "lower-third")
    assert state(app, live_show).preview_id is None and not state(app, live_show).bug_on


def test_a_locked_running_order_does_not_move_and_unlocking_is_audited(
    app, moderator, live_show, two_calls
):
    first, second = two_calls
    cue(moderator, live_show, "call", first)
    cue(moderator, live_show, "call", second)
    items = cued(app, live_show)
    locked = press(moderator, live_show, "lock", lock="on")
    assert locked.status_code == 200 and 'data-cue-locked="yes"' in locked.text
    assert press(moderator, live_show, f"{items[1].id}/move", step="up").status_code == 409
    assert press(moderator, live_show, f"{items[0].id}/remove").status_code == 409
    assert [i.id for i in cued(app, live_show)] == [i.id for i in items]
    # Adding appends (nothing reorders), and take and next still work.
    cue(moderator, live_show, "totals")
    assert len(cued(app, live_show)) == 3
    assert press(moderator, live_show, "next").status_code == 200
    # Unlocking is deliberate: without the ticked box it is refused.
    assert press(moderator, live_show, "lock", lock="off").status_code == 422
    assert state(app, live_show).locked
    unlocked = press(moderator, live_show, "lock", lock="off", confirm="yes")
    assert 'data-cue-locked="no"' in unlocked.text and not state(app, live_show).locked
    actions = audit_actions(app)
    assert actions.index("rundown_locked") < actions.index("rundown_unlocked")
    assert press(moderator, live_show, f"{items[1].id}/move", step="up").status_code == 200


def test_pushed_cue_blocks_belong_to_nobody(
    app, client, login, socket_client, live_show, two_calls
):
    """Two moderators on the same show: the block one's action pushes carries
    no CSRF token, and the other's page works with it (its own token)."""
    one, two = login("host"), login("host")
    desk = socket_client("/desk", two)
    desk.emit("join", {"rooms": [f"show:{live_show}"]}, namespace="/desk", callback=True)
    viewer = socket_client("/live", client)
    viewer.emit(
        "join",
        {"rooms": [f"preview:{live_show}", f"overlay:{live_show}"]},
        namespace="/live",
        callback=True,
    )
    desk.get_received("/desk"), viewer.get_received("/live")
    cue(one, live_show, "call", two_calls[0])
    pushed = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
    blocks = [m for m in pushed if m["target"] == "#cue"]
    assert blocks and "菜市场排水沟堵塞" in blocks[-1]["html"]
    assert "csrf_token" not in blocks[-1]["html"] and "hx-swap-oob" not in blocks[-1]["html"]
    public = [e["args"][0] for e in viewer.get_received("/live") if e["name"] == "swap"]
    assert [m["room"].split("|")[0] for m in public] == [f"preview:{live_show}"]
    assert "PREVIEW" in public[0]["html"] and "菜市场排水沟堵塞" in public[0]["html"]
    # The other moderator presses Take from the pushed block: it works.
    assert 'id="cue-take"' in blocks[-1]["html"]
    assert press(two, live_show, "take").status_code == 200
    public = [e["args"][0] for e in viewer.get_received("/live") if e["name"] == "swap"]
    program_push = [m for m in public if m["room"].startswith(f"overlay:{live_show}")]
    assert program_push and "菜市场排水沟堵塞" in program_push[0]["html"]
    pushed = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
    assert {"#cue", "#on-air"} <= {m["target"] for m in pushed}
    assert not any("csrf_token" in m["html"] for m in pushed)


@pytest.mark.parametrize("who", ["anonymous", "liaison"])
def test_only_the_desk_cues_and_takes(app, client, liaison, live_show, two_calls, who):
    c = client if who == "anonymous" else liaison
    added = cue(c, live_show, "call", two_calls[0])
    taken = c.post_form(f"/desk/shows/{live_show}/cue/take")
    supers = c.get(f"/desk/shows/{live_show}/supers")
    if who == "anonymous":
        assert added.status_code == 302 and taken.status_code == 302
    else:
        assert added.status_code == 403 and taken.status_code == 403 and supers.status_code == 403
    assert cued(app, live_show) == []


def test_cueing_needs_the_csrf_token_and_an_item_of_this_show(app, moderator, live_show, two_calls):
    url = f"/desk/shows/{live_show}/cue"
    assert moderator.post(url, data={"kind": "call", "item": two_calls[0]}).status_code == 400
    assert moderator.post(f"{url}/take").status_code == 400
    assert cue(moderator, live_show, "bogus", 1).status_code == 400
    assert cue(moderator, live_show, "call", 999999).status_code == 404
    assert cue(moderator, live_show, "super", 999999).status_code == 404
    assert cued(app, live_show) == []


def test_an_ended_show_takes_nothing_more(app, client, moderator, live_show, two_calls):
    cue(moderator, live_show, "qr")
    press(moderator, live_show, "take")
    cue(moderator, live_show, "call", two_calls[0])
    moderator.post_form(f"/desk/shows/{live_show}/status", {"action": "end"})
    assert 'data-state="off"' in section(program(client, live_show), "qr-bug")  # gone with it
    assert press(moderator, live_show, "take").status_code == 409
    assert press(moderator, live_show, "next").status_code == 409


def test_name_supers_come_from_the_panel_and_are_edited_before_the_show(app, client, moderator):
    from desk_support import scheduled_show

    show_id = scheduled_show(app)
    page = moderator.get(f"/desk/shows/{show_id}/supers?lang=en")
    assert page.status_code == 200 and "No name supers yet." in page.text
    assert moderator.post_form(f"/desk/shows/{show_id}/supers/fill").status_code == 303
    with app.app_context():
        from hotline.models import Show

        show = db.session.get(Show, show_id)
        deputies = [(d.name, d.title) for d in show.deputies]
        made = db.session.scalars(
            db.select(NameSuper).where(NameSuper.show_id == show_id).order_by(NameSuper.position)
        ).all()
        rows = [(s.name, s.line, s.deputy_id, s.department_id) for s in made]
    assert [(name, line) for name, line, deputy, _ in rows if deputy] == deputies
    officials = [r for r in rows if r[3]]
    assert officials, "the demo's panel departments have officials who pledged before"
    assert all(r[0] and r[1] for r in officials)  # a name, and department and title
    # Filling again adds nobody twice.
    moderator.post_form(f"/desk/shows/{show_id}/supers/fill")
    with app.app_context():
        assert db.session.query(NameSuper).filter_by(show_id=show_id).count() == len(rows)
    # Edit one: the desk's form.
    first_id = made[0].id
    edited = moderator.post_form(
        f"/desk/shows/{show_id}/supers/{first_id}", {"name": "王芳", "line": "市人大代表 · 第3席"}
    )
    assert edited.status_code == 303
    assert "第3席" in moderator.get(f"/desk/shows/{show_id}/supers").text
    assert moderator.post_form(f"/desk/shows/{show_id}/supers", {"name": ""}).status_code == 422
    # Cued, previewed, then deleted: gone from the cue and the preview too.
    cue(moderator, show_id, "super", first_id)
    assert "王芳" in preview(client, show_id)
    moderator.post_form(f"/desk/shows/{show_id}/supers/{first_id}/delete")
    assert cued(app, show_id) == [] and "王芳" not in preview(client, show_id)


def test_the_console_has_the_cue_panel_and_the_preview_monitor(moderator, live_show, two_calls):
    page = moderator.get(f"/desk/shows/{live_show}?lang=en").text
    # The console's monitor is no broadcast renderer: it does not report (tally).
    assert 'id="cue"' in page and f'src="/shows/{live_show}/preview?monitor=1"' in page
    monitor = moderator.get(f"/shows/{live_show}/preview?monitor=1").text
    assert "PREVIEW" in monitor and "hotline-renderer" not in monitor
    assert f'data-cue-put="call-{two_calls[0]}"' in page
    assert 'aria-keyshortcuts="F8"' in page and 'aria-keyshortcuts="F9"' in page
    # The preview page may be framed by the site's own pages, and only by them.
    framed = moderator.get(f"/shows/{live_show}/preview")
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    program_page = moderator.get(f"/shows/{live_show}/overlay")
    assert "frame-ancestors 'none'" in program_page.headers["Content-Security-Policy"]


def test_the_cue_survives_a_new_process(app, moderator, live_show, two_calls):
    cue(moderator, live_show, "call", two_calls[0])
    cue(moderator, live_show, "qr")
    press(moderator, live_show, "lock", lock="on")
    from hotline import create_app

    again = create_app(dict(app.config))
    with again.test_client() as fresh:
        html = fresh.get(f"/shows/{live_show}/preview?lang=en").get_data(as_text=True)
    assert "菜市场排水沟堵塞" in html
    with app.app_context():
        assert db.session.get(CueState, live_show).locked


def test_the_direct_on_air_and_clear_buttons_move_the_cue_panels_program_mark(
    app, login, socket_client, live_show, two_calls
):
    """Two moderators: one puts a cued call on air with the desk's own "On air"
    button (not the cue's Take) and clears it; the other's cue panel follows
    (PGM on, then off), and a button of the block pushed to it works there."""
    first, second = two_calls
    host, director = login("host"), login("host")
    cue(host, live_show, "call", first)
    cue(host, live_show, "call", second)
    desk = socket_client("/desk", director)
    desk.emit("join", {"rooms": [f"show:{live_show}"]}, namespace="/desk", callback=True)
    desk.get_received("/desk")

    def pushed_panel() -> str:
        swaps = [e["args"][0] for e in desk.get_received("/desk") if e["name"] == "swap"]
        panels = [m["html"] for m in swaps if m["target"] == "#cue"]
        assert panels, [m["target"] for m in swaps]
        return panels[-1]

    items = cued(app, live_show)
    on = host.htmx_post(f"/desk/shows/{live_show}/on-air", {"kind": "call", "item": first})
    assert on.status_code == 200
    panel = pushed_panel()
    row = re.search(rf'<li [^>]*id="cue-item-{items[0].id}".*?</li>', panel, re.S).group(0)
    assert "is-program" in row and "PGM" in row
    assert "csrf_token" not in panel
    # The director previews the second item from the pushed block: it works.
    button = f'data-cue-preview="{items[1].id}"'
    assert button in panel
    assert press(director, live_show, f"{items[1].id}/preview").status_code == 200
    desk.get_received("/desk")

    assert host.htmx_post(f"/desk/shows/{live_show}/on-air/clear").status_code == 200
    panel = pushed_panel()
    assert "is-program" not in panel and "PGM" not in panel
    # And from this block too, the director takes the item in preview.
    assert 'id="cue-take"' in panel
    assert press(director, live_show, "take").status_code == 200
    assert on_air(app, live_show).item_id == second


def test_every_desk_asking_at_an_auto_out_hears_that_program_is_clear(
    app, login, live_show, two_calls
):
    """Both desks ask for the cue panel at the super's deadline: the one whose
    request did not sweep gets the on-air block too (the sweeper's push would
    otherwise be taken as seen by its page, and its on-air block stay stale)."""
    host, director = login("host"), login("host")
    cue(host, live_show, "super", add_super(app, live_show))
    press(host, live_show, "take")
    with app.app_context():
        past = clock.utcnow() - timedelta(seconds=1)
        db.session.execute(update(OnAir).where(OnAir.show_id == live_show).values(until=past))
        db.session.commit()
    for desk in (host, director):  # the first sweeps, the second finds it done
        answer = desk.get(f"/desk/shows/{live_show}/cue", headers={"HX-Request": "true"}).text
        assert 'id="on-air" hx-swap-oob="true"' in answer and 'data-on-air="none"' in answer
