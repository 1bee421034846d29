"""Passwords where staff set them: one's own change (which ends the account's
other sessions), the office's reset and new account, the command line; and
hashes of an older method upgraded at the next sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, User

DEMO_PASSWORD = "hotline-demo"
NEW = "east-lake-rain-42"
COMMON_MESSAGE = "This password is too common"


def user(app, username) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def change(client, current, new, confirm=None):
    return client.post_form(
        "/auth/password?lang=en",
        {"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )


def test_changing_ones_password_ends_the_other_sessions_only(app, login):
    phone, laptop = login("housing"), login("housing")
    response = change(laptop, DEMO_PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/sessions"
    assert laptop.get("/desk/department").status_code == 200  # this session goes on
    assert phone.get("/desk/department").status_code == 302  # the other one ended
    assert audit.PASSWORD_CHANGED in actions(app)
    fresh = app.test_client()
    assert (
        fresh.post_form("/auth/login", {"username": "housing", "password": NEW}).status_code == 302
    )
    refused = app.test_client().post_form(
        "/auth/login", {"username": "housing", "password": DEMO_PASSWORD}
    )
    assert refused.status_code == 400


@pytest.mark.parametrize(
    "current,new,confirm,message",
    [
        ("not-my-password", NEW, NEW, "This is not your current password."),
        (DEMO_PASSWORD, "short-1", "short-1", "at least 10 characters"),
        (DEMO_PASSWORD, "Woaini1314!", "Woaini1314!", COMMON_MESSAGE),
        (DEMO_PASSWORD, "housing-2026-x", "housing-2026-x", "must not contain the username"),
        (DEMO_PASSWORD, NEW, NEW + "x", "The two new passwords are not the same."),
        (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, "other than the current one"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(app, login, current, new, confirm, message):
    client = login("housing")
    before = user(app, "housing").password_hash
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    assert message in response.text
    assert new not in response.text  # a password is never written back into the page
    assert user(app, "housing").password_hash == before
    assert client.get("/desk/department").status_code == 200


def test_the_change_page_needs_a_session(client):
    response = client.get("/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_office_reset_and_new_account_follow_the_policy(app, supervisor):
    housing = user(app, "housing")
    response = supervisor.post_form(
        f"/admin/users/{housing.id}/password?lang=en", {"password": "qwerty123456"}
    )
    assert response.status_code == 422 and COMMON_MESSAGE in response.text
    response = supervisor.post_form(
        f"/admin/users/{housing.id}/password?lang=en", {"password": "Housing-Liaison-9"}
    )
    assert response.status_code == 422 and "must not contain the username" in response.text
    assert user(app, "housing").password_hash == housing.password_hash
    response = supervisor.post_form(
        "/admin/users?lang=en",
        {"username": "newone", "role": "moderator", "password": "newone-at-the-desk"},
    )
    assert response.status_code == 422 and "must not contain the username" in response.text
    assert user(app, "newone") is None


def test_the_command_line_follows_the_policy_with_the_same_words(app, runner):
    result = runner.invoke(
        args=["user", "create", "mod2", "--role", "moderator", "--password", "1qaz2wsx!@#$"]
    )
    assert result.exit_code != 0 and COMMON_MESSAGE in result.output
    result = runner.invoke(args=["user", "password", "host", "--password", "host-of-the-show"])
    assert result.exit_code != 0 and "must not contain the username" in result.output
    result = runner.invoke(args=["user", "password", "host", "--password", NEW])
    assert result.exit_code == 0, result.output
    assert audit.PASSWORD_RESET in actions(app)
    app.test_client().login("host", NEW)
    result = runner.invoke(args=["user", "password", "nobody", "--password", NEW])
    assert result.exit_code != 0 and "No user" in result.output


@pytest.mark.parametrize("method", ["pbkdf2:sha256:600000", "scrypt"])
def test_an_older_hash_signs_in_and_is_upgraded(app, method):
    with app.app_context():
        host = db.session.scalar(select(User).where(User.username == "host"))
        host.password_hash = generate_password_hash(DEMO_PASSWORD, method=method)
        db.session.commit()
    app.test_client().login("host")
    upgraded = user(app, "host").password_hash
    assert upgraded.startswith("$argon2id$")
    # Upgraded, not changed: the same password, and no session was ended for it.
    app.test_client().login("host")


def test_a_wrong_password_leaves_an_older_hash_as_it_is(app, client):
    old = generate_password_hash(DEMO_PASSWORD, method="pbkdf2:sha256:600000")
    with app.app_context():
        host = db.session.scalar(select(User).where(User.username == "host"))
        host.password_hash = old
        db.session.commit()
    client.post_form("/auth/login", {"username": "host", "password": "wrong-guess-1"})
    assert user(app, "host").password_hash == old
