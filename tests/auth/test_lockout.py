"""Failed sign-ins lock the username, whatever the address: the right password
is refused until the time passes or the office unlocks, an unknown username
answers exactly as a known one, and every failure, lock and unlock is in the
audit trail."""

from __future__ import annotations

import re

import pytest
from clock_support import stopped_clock
from sqlalchemy import select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, User

DEMO_PASSWORD = "hotline-demo"
ADDRESSES = ["10.1.0.1", "10.2.0.2", "10.3.0.3", "10.4.0.4"]


@pytest.fixture
def later(monkeypatch):
    """later(minutes=16): the clock, stopped at 10:00 local, moved forward."""
    return stopped_clock(monkeypatch)


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(app, username, password, address="10.9.9.9"):
    response = from_address(app, address).post_form(
        "/auth/login?lang=en", {"username": username, "password": password}
    )
    errors = re.findall(r'class="error-text"[^>]*>([^<]*)<', response.text)
    return response.status_code, errors


def fail_five_times(app, username):
    """Five wrong passwords from four addresses; the answers."""
    return [sign_in(app, username, f"wrong-guess-{i}", ADDRESSES[i % 4]) for i in range(5)]


def trail(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id))
        return [(r.action, r.actor_name, r.detail) for r in rows]


def test_five_failures_from_four_addresses_lock_the_account(app, later):
    answers = fail_five_times(app, "host")
    wrong = "Wrong username or password, or the account is disabled."
    assert answers[:4] == [(400, [wrong])] * 4
    status, errors = answers[4]
    assert status == 400 and errors[0].startswith("Too many failed sign-ins with this username.")
    assert errors[0].endswith("Try again at 10:15.")  # local time (the clock stands at 10:00)
    # The right password, from yet another address, is refused while the lock holds.
    assert sign_in(app, "host", DEMO_PASSWORD, "10.5.0.5") == answers[4]
    later(minutes=14)
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 400
    later(minutes=2)
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 302


def test_the_time_to_try_again_is_rounded_up_and_dated_when_not_today(app, later):
    later(seconds=20)
    assert fail_five_times(app, "host")[4][1][0].endswith("Try again at 10:16.")
    later(hours=13, minutes=40)  # 23:40:20 local; a second lock in a row lasts 30 minutes
    assert fail_five_times(app, "host")[4][1][0].endswith("Try again at 2026-05-07 00:11.")


def test_an_unknown_username_answers_exactly_like_a_known_one(app, later):
    known = fail_five_times(app, "host")
    unknown = fail_five_times(app, "no-such-person")
    assert unknown == known
    assert sign_in(app, "no-such-person", DEMO_PASSWORD) == sign_in(app, "host", DEMO_PASSWORD)


def test_the_username_is_counted_whatever_its_case(app, later):
    for name in ("host", "HOST", "Host", " host", "hOsT"):
        sign_in(app, name, "wrong-guess")
    assert sign_in(app, "host", DEMO_PASSWORD)[1][0].startswith("Too many failed sign-ins")


def test_a_successful_sign_in_starts_the_count_over(app):
    for _ in range(4):
        sign_in(app, "host", "wrong-guess")
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 302
    for _ in range(4):
        sign_in(app, "host", "wrong-guess")
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 302


def test_each_lock_in_a_row_lasts_longer(app, later):
    fail_five_times(app, "host")
    later(minutes=16)
    fail_five_times(app, "host")  # the second lock: 30 minutes
    later(minutes=29)
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 400
    later(minutes=2)
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 302
    # Signed in: the next lock is a first one again.
    fail_five_times(app, "host")
    later(minutes=16)
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 302


def test_the_office_unlocks_from_the_accounts_page(app, supervisor):
    fail_five_times(app, "host")
    with app.app_context():
        host_id = db.session.scalar(select(User.id).where(User.username == "host"))
    page = supervisor.get("/admin/?lang=en").text
    row = page[page.index(f'id="user-{host_id}"') :]
    row = row[: row.index("</tr>")]
    assert "Sign-in locked until" in row and f"/admin/users/{host_id}/unlock" in row
    response = supervisor.post_form(f"/admin/users/{host_id}/unlock")
    assert response.status_code == 302
    assert "/unlock" not in supervisor.get("/admin/").text
    assert sign_in(app, "host", DEMO_PASSWORD)[0] == 302
    unlocked = [row for row in trail(app) if row[0] == audit.ACCOUNT_UNLOCKED]
    assert len(unlocked) == 1 and unlocked[0][1] == "office"


def test_the_command_line_unlocks_too(app, runner):
    fail_five_times(app, "office")  # the office itself may be the one locked out
    result = runner.invoke(args=["user", "unlock", "office"])
    assert result.exit_code == 0 and "Unlocked office" in result.output
    assert sign_in(app, "office", DEMO_PASSWORD)[0] == 302
    result = runner.invoke(args=["user", "unlock", "office"])
    assert "was not locked" in result.output


def test_every_failure_lock_and_refusal_is_in_the_audit_trail(app):
    fail_five_times(app, "host")
    sign_in(app, "host", DEMO_PASSWORD)
    rows = [row for row in trail(app) if row[0] != audit.SIGN_IN]
    failed = (audit.SIGN_IN_FAILED, "host", {"reason": "wrong password"})
    assert rows[:5] == [failed] * 5
    action, actor, detail = rows[5]
    assert (action, actor) == (audit.SIGN_IN_LOCKED, "host")
    assert detail == {"minutes": 15, "failures": 5}
    assert rows[6] == (audit.SIGN_IN_FAILED, "host", {"reason": "locked"})
    assert len(rows) == 7
    with app.app_context():
        addresses = list(
            db.session.scalars(
                select(AuditLog.address)
                .where(AuditLog.action == audit.SIGN_IN_FAILED)
                .order_by(AuditLog.id)
            )
        )
    assert addresses[:4] == ADDRESSES


def test_the_lock_words_are_translated(app):
    fail_five_times(app, "host")
    response = from_address(app, "10.6.0.6").post_form(
        "/auth/login", {"username": "host", "password": DEMO_PASSWORD}
    )
    assert "登录失败次数过多" in response.text


def test_the_labels_of_the_new_actions_are_translated(app, supervisor):
    fail_five_times(app, "host")
    page = supervisor.get("/admin/audit").text
    assert "多次登录失败，已锁定" in page
