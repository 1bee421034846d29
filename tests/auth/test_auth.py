"""Sign-in, sessions, role boundaries and CSRF."""

import logging

import pytest

STAFF_PAGES = {
    "/desk/": {"host", "office"},
    "/desk/department": {"housing"},
    "/followup/": {"host", "office", "housing"},
}


def test_login_sends_each_role_home(login, app):
    assert login("host").get("/").status_code == 200
    c = app.test_client()
    assert c.login("host").headers["Location"] == "/desk/"
    c = app.test_client()
    assert c.login("housing").headers["Location"] == "/desk/department"
    c = app.test_client()
    assert c.login("office").headers["Location"] == "/followup/"


def test_wrong_password_is_refused_with_a_message(client):
    response = client.post_form("/auth/login", {"username": "host", "password": "nope"})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/desk/").status_code == 302


def test_login_follows_next_but_never_off_site(client):
    response = client.post_form(
        "/auth/login?next=/followup/", {"username": "host", "password": "hotline-demo"}
    )
    assert response.headers["Location"] == "/followup/"
    client.post_form("/auth/logout")
    response = client.post_form(
        "/auth/login?next=//evil.example/x", {"username": "host", "password": "hotline-demo"}
    )
    assert response.headers["Location"] == "/desk/"


def test_session_starts_fresh_at_login(client):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.login("host")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_ends_the_session(moderator):
    assert moderator.get("/desk/").status_code == 200
    assert moderator.post_form("/auth/logout").status_code == 302
    assert moderator.get("/desk/").status_code == 302


def test_logout_needs_post_with_csrf(moderator):
    assert moderator.get("/auth/logout").status_code == 405
    assert moderator.post("/auth/logout").status_code == 400
    assert moderator.get("/desk/").status_code == 200


def test_disabling_an_account_ends_its_sessions(app, moderator):
    assert moderator.get("/desk/").status_code == 200
    result = app.test_cli_runner().invoke(args=["user", "disable", "host"])
    assert result.exit_code == 0, result.output
    response = moderator.get("/desk/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    refused = app.test_client().post_form(
        "/auth/login", {"username": "host", "password": "hotline-demo"}
    )
    assert refused.status_code == 400


def test_passwords_are_hashed(app):
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "host"))
        assert "hotline-demo" not in user.password_hash
        assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("url,allowed", STAFF_PAGES.items())
def test_role_boundaries(login, client, url, allowed):
    assert client.get(url).status_code == 302  # anonymous → sign in
    for username in ("host", "office", "housing"):
        status = login(username).get(url).status_code
        assert status == (200 if username in allowed else 403), (username, url)


def test_every_staff_route_needs_a_login(app, client):
    """Every desk and follow-up URL, GET or POST, with or without ids."""
    checked = 0
    token = client.csrf()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("desk", "followup", "admin"):
            continue
        if rule.endpoint == "followup.evidence":
            continue  # public on purpose: evidence is part of the public timeline
        url = rule.build({name: 1 for name in rule.arguments})[1]
        for method in {"GET", "POST"} & rule.methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code in (302, 401), (method, url)
            if response.status_code == 302:
                assert "/auth/login" in response.headers["Location"], (method, url)
            checked += 1
    assert checked >= 15


def test_denials_are_logged(login, caplog):
    with caplog.at_level(logging.WARNING, logger="hotline.auth"):
        login("housing").get("/desk/")
    assert any("denied" in r.message and "housing" in r.message for r in caplog.records)


def test_csrf_missing_token_keeps_what_was_typed(client):
    response = client.post(
        "/auth/login",
        data={"username": "typed-name", "password": "S3cret-pass"},
        headers={"Origin": "http://localhost"},  # sent from our own page
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "表单已过期" in body
    assert "typed-name" in body  # the text is offered back
    assert "S3cret-pass" not in body  # but never a password, not even on a studio screen
    assert 'name="csrf_token"' in body  # with a fresh token to resend


def test_csrf_failure_over_htmx_is_a_fragment_with_hidden_keys(moderator):
    response = moderator.post(
        "/desk/shows/4/calls",
        data={"topic": "过期页面上写的诉求", "idem": "key-123"},
        headers={"HX-Request": "true", "Origin": "http://localhost"},
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<html" not in body and "过期页面上写的诉求" in body
    assert '<input type="hidden" name="idem" value="key-123">' in body


def test_htmx_requests_send_csrf_in_a_header(moderator):
    token = moderator.csrf()
    ok = moderator.post("/auth/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert ok.status_code == 302


def test_login_is_rate_limited(client):
    for _ in range(10):
        client.post_form("/auth/login", {"username": "host", "password": "wrong"})
    response = client.post_form("/auth/login", {"username": "host", "password": "wrong"})
    assert response.status_code == 429
    assert "请求过于频繁" in response.get_data(as_text=True)
