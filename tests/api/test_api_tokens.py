"""API tokens: created and revoked by the office, shown once, stored hashed;
missing, wrong, revoked and expired tokens are a JSON 401; cookies never
authenticate the token API; the rate limit counts per token."""

from datetime import date, datetime, time

from api_support import api_post, make_token
from sqlalchemy import func, select

from hotline.changes import tokens
from hotline.clock import local_to_utc
from hotline.extensions import db
from hotline.models import AuditLog, Role


def test_office_creates_a_token_shown_once_and_stored_hashed(app, supervisor):
    response = supervisor.post_form("/admin/tokens", {"name": "phone system", "role": "moderator"})
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    secret = html.split('id="token-secret"')[1].split("<code>")[1].split("</code>")[0]
    assert secret.startswith(tokens.PREFIX)
    with app.app_context():
        token = db.session.scalar(select(tokens.ApiToken))
        assert token.digest == tokens.digest(secret) and secret not in token.digest
        assert token.role == Role.MODERATOR and token.last_used_at is None
        assert token.user.username == "api:phone system"
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == tokens.CREATED))
        assert audit.actor_name == "office"
    # Shown once: the list does not carry it.
    assert secret not in supervisor.get("/admin/tokens").get_data(as_text=True)
    # Not listed among the people's accounts.
    assert "api:phone system" not in supervisor.get("/admin/").get_data(as_text=True)


def test_a_liaison_token_needs_a_department(supervisor):
    response = supervisor.post_form("/admin/tokens", {"name": "x", "role": "liaison"})
    assert response.status_code == 422


def test_only_the_office_manages_tokens(moderator):
    assert (
        moderator.post_form("/admin/tokens", {"name": "x", "role": "moderator"}).status_code == 403
    )


def test_missing_wrong_revoked_and_expired_tokens_are_401(app, supervisor, live_show):
    url = f"/api/v1/shows/{live_show}/on-air/clear"
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.post(url, headers=headers)
        assert response.status_code == 401 and response.is_json
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    expired = make_token(app, "old", "moderator", expired=True)
    assert api_post(app, url, expired).status_code == 401
    good = make_token(app, "desk", "moderator")
    assert api_post(app, url, good).status_code == 200
    with app.app_context():
        token = tokens.by_secret(good)
        assert token.last_used_at is not None
        token_id = token.id
    supervisor.post_form(f"/admin/tokens/{token_id}/revoke")
    response = api_post(app, url, good)
    assert response.status_code == 401 and response.json["status"] == 401


def test_a_signed_in_browser_cannot_use_the_token_api(moderator, live_show):
    # A cookie is no credential here (and so CSRF cannot be abused through it).
    response = moderator.post(f"/api/v1/shows/{live_show}/on-air/clear")
    assert response.status_code == 401


def test_a_role_outside_the_scope_is_403(app, live_show):
    housing = make_token(app, "housing", "liaison", department_id=1)
    response = api_post(app, f"/api/v1/shows/{live_show}/on-air/clear", housing)
    assert response.status_code == 403 and response.is_json


def test_rate_limited_per_token(app, live_show):
    app.config["HOTLINE_API_RATE_LIMIT"] = "2 per minute"
    first, second = make_token(app, "a", "moderator"), make_token(app, "b", "moderator")
    url = f"/api/v1/shows/{live_show}/on-air/clear"
    assert [api_post(app, url, first).status_code for _ in range(3)] == [200, 200, 429]
    assert api_post(app, url, second).status_code == 200


def test_office_registers_a_webhook_in_the_admin(app, supervisor):
    bad = supervisor.post_form(
        "/admin/webhooks", {"url": "http://example.com/x", "events": "call.logged"}
    )
    assert bad.status_code == 422
    made = supervisor.post_form(
        "/admin/webhooks", {"url": "https://12345.example.gov.cn/hook", "events": "call.logged"}
    )
    assert made.status_code == 201
    from hotline.integration import webhooks

    with app.app_context():
        hook = db.session.scalar(select(webhooks.Webhook))
        assert hook.events == ["call.logged"] and hook.secret in made.get_data(as_text=True)
    page = supervisor.get("/admin/tokens").get_data(as_text=True)
    assert "12345.example.gov.cn" in page and hook.secret not in page


def test_a_token_account_is_not_managed_as_a_person(app, supervisor):
    make_token(app, "phones", "moderator")
    with app.app_context():
        user_id = db.session.scalar(select(tokens.ApiToken.user_id))
    assert (
        supervisor.post_form(f"/admin/users/{user_id}/active", {"active": "1"}).status_code == 404
    )
    response = supervisor.post_form(
        f"/admin/users/{user_id}/password", {"password": "a-new-long-password-1"}
    )
    assert response.status_code == 404


def test_the_token_form_refuses_each_bad_field_beside_it(app, supervisor):
    make_token(app, "phones", "moderator")
    cases = [
        ({"name": "", "role": "moderator"}, "name", "Give the token a name"),
        ({"name": "x" * 41, "role": "moderator"}, "name", "Give the token a name"),
        ({"name": "phones", "role": "moderator"}, "name", "This name is taken."),
        ({"name": "new", "role": "wizard"}, "role", "Choose a role."),
        ({"name": "new", "role": "liaison"}, "department_id", "active department"),
        ({"name": "new", "role": "moderator", "expires": "soon"}, "expires", "as a date"),
    ]
    supervisor.get("/admin/tokens?lang=en")
    for data, field, message in cases:
        response = supervisor.post_form("/admin/tokens", data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html and message in html, data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(tokens.ApiToken)) == 1


def test_a_token_works_until_the_end_of_its_last_day(app, supervisor):
    response = supervisor.post_form(
        "/admin/tokens", {"name": "until", "role": "moderator", "expires": "2031-05-06"}
    )
    assert response.status_code == 201
    with app.app_context():
        token = db.session.scalar(select(tokens.ApiToken).where(tokens.ApiToken.name == "until"))
        expected = local_to_utc(datetime.combine(date(2031, 5, 6), time.max))
        assert token.expires_at == expected


def test_the_token_form_needs_the_csrf_token(app, supervisor):
    response = supervisor.post("/admin/tokens", data={"name": "forged", "role": "supervisor"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(tokens.ApiToken.id)) is None


def test_failed_token_attempts_are_limited_per_address_not_a_working_token(app, live_show, caplog):
    """150 guessed tokens from one address: the first 20 (the default limit) are
    401s, the rest 429s with Retry-After and one log line for the burst; a
    working token from that address still works, and another address is not
    held back."""
    import secrets

    url = f"/api/v1/shows/{live_show}/on-air/clear"
    good = make_token(app, "desk", "moderator")
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    caplog.set_level("WARNING", logger="hotline.api")
    answers = [
        guesser.post(url, headers={"Authorization": f"Bearer hl_{secrets.token_urlsafe(32)}"})
        for _ in range(150)
    ]
    assert [r.status_code for r in answers] == [401] * 20 + [429] * 130
    limited = answers[-1]
    assert limited.is_json and limited.json["status"] == 429 and limited.json["error"]
    assert int(limited.headers["Retry-After"]) > 0
    lines = [r.getMessage() for r in caplog.records if r.name == "hotline.api"]
    assert len([line for line in lines if "limited" in line]) == 1
    assert len(lines) <= 21
    # The integration behind the same address is not locked out by the guesses.
    assert guesser.post(url, headers={"Authorization": f"Bearer {good}"}).status_code == 200
    # Another address is counted on its own.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    assert other.post(url, headers={"Authorization": "Bearer hl_nope"}).status_code == 401


def test_a_token_whose_account_is_disabled_is_a_json_401_without_a_cookie(app, live_show):
    url = f"/api/v1/shows/{live_show}/on-air/clear"
    secret = make_token(app, "desk", "moderator")
    with app.app_context():
        tokens.by_secret(secret).user.active = False
        db.session.commit()
    response = api_post(app, url, secret)
    assert response.status_code == 401 and response.is_json
    assert response.json["status"] == 401 and response.json["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers
