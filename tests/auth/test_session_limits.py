"""Staff sessions end by themselves: after the idle timeout (per role) and at
the end of their lifetime, kept in the database row. A desk on a live show
stays signed in through the broadcast by its socket's heartbeat, and not after
the show. One's sessions are listed and can all be ended at once.

`later` comes first in every signature: the clock must be stopped before the
fixtures sign in."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from clock_support import stopped_clock
from desk_support import HOUSING, go_live, scheduled_show
from sqlalchemy import event, select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, StaffSession

EXPIRED = "登录已超时，请重新登录。"


@pytest.fixture
def later(monkeypatch):
    """later(minutes=16): the clock, stopped at 10:00 local, moved forward."""
    return stopped_clock(monkeypatch)


def join(desk, *rooms):
    return desk.emit("join", {"rooms": list(rooms)}, namespace="/desk", callback=True)


def heartbeat(desk):
    return desk.emit("heartbeat", {}, namespace="/desk", callback=True)


def signed_out_as_expired(app, client, url="/desk/"):
    response = client.get(url)
    if response.status_code != 302 or "/auth/login" not in response.headers["Location"]:
        return False
    return EXPIRED in client.get(response.headers["Location"]).text


def test_the_defaults_are_thirty_minutes_and_twelve_hours(app):
    assert app.config["HOTLINE_IDLE_MINUTES"] == 30
    assert app.config["HOTLINE_SESSION_HOURS"] == 12


def test_an_idle_session_expires_and_says_so(later, app, moderator):
    later(minutes=29)
    assert moderator.get("/desk/").status_code == 200
    later(minutes=29)  # 58 minutes after signing in, 29 after the last request
    assert moderator.get("/desk/").status_code == 200
    later(minutes=30)
    assert signed_out_as_expired(app, moderator)
    # And it stays over: coming back does not revive it.
    assert moderator.get("/desk/").status_code == 302


def test_each_role_may_have_its_own_idle_timeout(later, app, moderator, liaison):
    app.config["HOTLINE_IDLE_MINUTES_BY_ROLE"] = {"moderator": 240}
    later(minutes=200)
    assert moderator.get("/desk/").status_code == 200
    assert signed_out_as_expired(app, liaison, "/desk/department")


def test_a_session_ends_at_the_end_of_its_lifetime_however_busy(later, app, moderator):
    app.config["HOTLINE_SESSION_HOURS"] = 1
    for _ in range(2):
        later(minutes=25)
        assert moderator.get("/desk/").status_code == 200
    later(minutes=10)  # 60 minutes after signing in, 10 after the last request
    assert signed_out_as_expired(app, moderator)


def test_expired_answers_json_to_json_and_a_redirect_to_htmx(later, app, moderator):
    later(minutes=31)
    response = moderator.get("/desk/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json["expired"] is True and response.json["status"] == 401
    response = moderator.get("/desk/", headers={"HX-Request": "true"})
    assert response.status_code == 401 and "/auth/login" in response.headers["HX-Redirect"]


@contextmanager
def statements(app):
    """The SQL the block ran, as text."""
    seen = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_request_reads_its_session_in_one_query_and_writes_once_a_minute(later, app, moderator):
    def session_statements():
        with statements(app) as seen:
            assert moderator.get("/followup/").status_code == 200
        return [s for s in seen if "staff_sessions" in s]

    later(seconds=30)
    reads = session_statements()
    assert len(reads) == 1 and reads[0].startswith("SELECT")  # no write: seen 30 s ago
    later(seconds=40)
    found = session_statements()
    assert [s.split()[0] for s in found] == ["SELECT", "UPDATE"]
    assert [s.split()[0] for s in session_statements()] == ["SELECT"]


def test_the_live_desk_keeps_its_session_through_the_show(later, app, moderator, socket_client):
    show_id = go_live(moderator, scheduled_show(app))
    desk = socket_client("/desk", moderator)
    join(desk, f"show:{show_id}")
    for _ in range(4):  # 100 minutes on air without a click
        later(minutes=25)
        assert heartbeat(desk) == {"signed_in": True, "on_air": True}
    assert moderator.get("/desk/").status_code == 200
    # The show ends: the desk no longer keeps the session alive.
    response = moderator.post_form(f"/desk/shows/{show_id}/status", {"action": "end"})
    assert response.status_code == 303
    later(minutes=25)
    assert heartbeat(desk) == {"signed_in": True, "on_air": False}
    later(minutes=6)
    heartbeat(desk)  # expired: told to go to the sign-in page, and disconnected
    assert not desk.is_connected("/desk")
    assert signed_out_as_expired(app, moderator)


def test_a_liaisons_console_stays_fresh_while_their_department_is_on_air(
    later, app, moderator, liaison, socket_client
):
    console = socket_client("/desk", liaison)
    join(console, f"department:{HOUSING}")
    later(minutes=20)
    assert heartbeat(console) == {"signed_in": True, "on_air": False}
    go_live(moderator, scheduled_show(app))  # housing is on this show's panel
    for _ in range(3):
        assert heartbeat(console) == {"signed_in": True, "on_air": True}
        later(minutes=20)
    assert liaison.get("/desk/department").status_code == 200  # 80 minutes after signing in


def test_a_desk_that_joined_nothing_does_not_keep_a_session(later, app, moderator, socket_client):
    go_live(moderator, scheduled_show(app))
    desk = socket_client("/desk", moderator)
    later(minutes=20)
    assert heartbeat(desk) == {"signed_in": True, "on_air": False}
    later(minutes=11)
    assert signed_out_as_expired(app, moderator)


def test_the_sessions_page_lists_where_one_is_signed_in(later, app, login):
    phone = app.test_client()
    phone.environ_base.update(
        {
            "REMOTE_ADDR": "10.20.30.40",
            "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36",
        }
    )
    phone.login("housing")
    laptop = login("housing")
    gone = login("housing")
    gone.post_form("/auth/logout")
    later(minutes=5)
    page = laptop.get("/auth/sessions?lang=en").text
    table = page[page.index('id="sessions"') : page.index("</table>")]
    assert table.count("<tr") == 3  # the header, the phone, this laptop
    assert "Chrome 126 · Android" in table and "10.20.30.40" in table
    assert "Pixel 8" not in table  # only the words needed to recognise it are kept
    assert "(this session)" in table and "2026-05-06 10:05" in table
    with app.app_context():
        row = db.session.scalar(select(StaffSession).where(StaffSession.address == "10.20.30.40"))
        assert row.browser == "Chrome 126 · Android"


def test_signing_out_everywhere_ends_every_session(later, app, login, socket_client):
    phone, laptop = login("housing"), login("housing")
    desk = socket_client("/desk", laptop)
    join(desk, f"department:{HOUSING}")
    assert desk.is_connected("/desk")
    response = phone.post_form("/auth/sessions/end")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert phone.get("/desk/department").status_code == 302
    assert laptop.get("/desk/department").status_code == 302
    assert not desk.is_connected("/desk")  # the other browser's open console too
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditLog.actor_name).where(AuditLog.action == audit.SIGNED_OUT_EVERYWHERE)
            )
            == "housing"
        )
        open_sessions = db.session.scalars(
            select(StaffSession).where(StaffSession.revoked_at.is_(None))
        ).all()
    assert all(row.user_id != desk_user(app) for row in open_sessions)


def desk_user(app) -> int:
    from hotline.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == "housing"))


def test_a_password_change_ends_the_other_sessions_open_consoles_only(
    later, app, login, socket_client
):
    phone, laptop = login("housing"), login("housing")
    phone_desk, laptop_desk = socket_client("/desk", phone), socket_client("/desk", laptop)
    response = laptop.post_form(
        "/auth/password",
        {"current": "hotline-demo", "new": "east-lake-rain-42", "confirm": "east-lake-rain-42"},
    )
    assert response.status_code == 302
    assert not phone_desk.is_connected("/desk")
    assert laptop_desk.is_connected("/desk")
