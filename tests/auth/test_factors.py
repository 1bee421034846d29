"""Second factors (等级保护 2.0: administrators by two combined factors): an
authenticator app enrolled from a QR code, asked for at every sign-in, wrong
codes refused, limited and recorded; recovery codes good once; a role that
must have a factor sets one up before any staff page opens; the office resets
an account's factors."""

from __future__ import annotations

import re

import pyotp
import pytest
from client_support import DEMO_PASSWORD, app_code, demo_code
from sqlalchemy import select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, RecoveryCode, Role, SecondFactor, StaffSession, User

CODES = re.compile(r"<code>([2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4})</code>")


def password_only(client, username: str):
    """The first step alone: the password."""
    return client.post_form("/auth/login", {"username": username, "password": DEMO_PASSWORD})


def add_app(client, username: str) -> tuple[str, list[str]]:
    """Scan (read the key off the page), type the app's code: (secret, recovery codes)."""
    page = client.get("/auth/factors/app")
    assert page.status_code == 200
    secret = re.search(r'id="app-secret">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    code, _step = app_code(secret, client.last_step(username))
    done = client.post_form("/auth/factors/app", {"code": code, "name": "手机"})
    assert done.status_code == 200, done.text
    return secret, CODES.findall(done.text)


def add_user(app, username: str, role: str = Role.SUPERVISOR) -> int:
    with app.app_context():
        user = User(username=username, display_name=username, role=role)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def trail(app, *actions: str) -> list[tuple[str, str, dict]]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(AuditLog.action.in_(actions)).order_by(AuditLog.id)
        )
        return [(r.action, r.actor_name, r.detail) for r in rows]


def test_an_app_is_enrolled_from_a_qr_code_and_confirmed_with_a_code(app, moderator):
    page = moderator.get("/auth/factors/app")
    assert page.status_code == 200
    # The QR code is in the page itself (no address of its own to leak or cache).
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" id="app-qr"', page.text)
    secret = re.search(r'id="app-secret">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    assert len(secret) == 32
    wrong = moderator.post_form("/auth/factors/app", {"code": "000000", "name": "手机"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.text
    assert secret in wrong.text.replace(" ", "")  # the same QR code, to try again
    done = moderator.post_form("/auth/factors/app", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = CODES.findall(done.text)
    assert len(codes) == 10 and len(set(codes)) == 10  # shown once, here
    with app.app_context():
        factor = db.session.scalar(
            select(SecondFactor).where(SecondFactor.name != "演示身份验证器")
        )
        assert factor.confirmed_at and factor.kind == "totp" and factor.name == "身份验证器应用"
        # Kept encrypted; the recovery codes only as hashes.
        assert factor.secret.startswith("fernet:") and secret not in factor.secret
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & set(hashes)
    # Never shown again.
    listing = moderator.get("/auth/factors").text
    assert "身份验证器应用" in listing and secret not in listing.replace(" ", "")
    assert "还有 10 个未用的恢复码" in listing
    assert [a for a, _n, _d in trail(app, audit.FACTOR_ADDED, audit.RECOVERY_CODES_MADE)] == [
        audit.FACTOR_ADDED,
        audit.RECOVERY_CODES_MADE,
    ]


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(app, client):
    first = password_only(client, "office")
    assert first.status_code == 302 and first.headers["Location"] == "/auth/verify"
    # The password alone opens nothing.
    assert client.get("/followup/").headers["Location"] == "/auth/verify"
    assert client.get("/admin/").headers["Location"] == "/auth/verify"
    page = client.get("/auth/verify")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    wrong = client.post_form("/auth/verify", {"code": "123456"})
    assert wrong.status_code == 400 and "验证码不正确，或已使用过" in wrong.text
    assert client.get("/followup/").status_code == 302
    code, _step = demo_code("office")
    right = client.post_form("/auth/verify", {"code": code})
    assert right.status_code == 302 and right.headers["Location"] == "/followup/"
    assert client.get("/followup/").status_code == 200
    assert trail(app, audit.SIGN_IN, audit.SIGN_IN_FAILED) == [
        (audit.SIGN_IN_FAILED, "office", {"reason": "wrong code"}),
        (audit.SIGN_IN, "office", {"factor": "totp"}),
    ]
    # A code is good once: the same code, seen over a shoulder, opens nothing.
    thief = app.test_client()
    assert password_only(thief, "office").headers["Location"] == "/auth/verify"
    assert thief.post_form("/auth/verify", {"code": code}).status_code == 400


def test_the_second_step_keeps_next_and_a_fresh_session(client):
    response = client.post_form(
        "/auth/login?next=/admin/", {"username": "office", "password": DEMO_PASSWORD}
    )
    assert response.headers["Location"] == "/auth/verify"
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    code, _step = demo_code("office")
    response = client.post_form("/auth/verify", {"code": code})
    assert response.headers["Location"] == "/admin/"
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_recovery_code_works_once(app, login):
    host = login("host")
    _secret, codes = add_app(host, "host")
    host.post_form("/auth/logout")
    assert password_only(host, "host").headers["Location"] == "/auth/verify"
    used = host.post_form("/auth/verify", {"code": codes[3].upper()})  # as typed from paper
    assert used.status_code == 302 and used.headers["Location"] == "/desk/"
    assert "还剩 9 个" in host.get("/desk/").text
    host.post_form("/auth/logout")
    password_only(host, "host")
    again = host.post_form("/auth/verify", {"code": codes[3]})
    assert again.status_code == 400 and host.get("/desk/").status_code == 302
    assert host.post_form("/auth/verify", {"code": codes[4]}).status_code == 302
    assert trail(app, audit.SIGN_IN)[-1][2] == {"factor": "recovery code"}


def test_a_role_that_must_have_a_factor_sets_one_up_before_anything_else(
    app, client, socket_client
):
    add_user(app, "deputy-director")  # a supervisor with no factor yet
    first = password_only(client, "deputy-director")
    assert first.headers["Location"] == "/auth/enrol"
    token, checked = client.csrf(), 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("desk", "followup", "deputy", "admin"):
            continue
        if rule.endpoint == "followup.evidence":
            continue  # public on purpose: evidence is part of the public timeline
        url = rule.build({name: 1 for name in rule.arguments})[1]
        for method in {"GET", "POST"} & rule.methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"] == "/auth/enrol", (method, url)
            checked += 1
    assert checked >= 40
    htmx = client.get("/followup/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/auth/enrol"
    assert not socket_client("/desk", client).is_connected()  # no session yet
    enrol = client.get("/auth/enrol")
    assert enrol.status_code == 200 and "设置第二因素" in enrol.text
    assert 'data-passkey="create"' in enrol.text  # or a passkey
    # Signing out of nothing, or another tab, does not skip it: set one up.
    _secret, codes = add_app(client, "deputy-director")
    assert len(codes) == 10
    assert client.get("/followup/").status_code == 200
    assert client.get("/admin/").status_code == 200
    sign_ins = trail(app, audit.SIGN_IN)
    assert sign_ins == [(audit.SIGN_IN, "deputy-director", {"factor": "totp", "enrolled": True})]


def test_enrolment_is_not_a_way_round_an_existing_factor(app, client):
    # The office has an app: its password alone cannot add another factor.
    password_only(client, "office")
    assert client.get("/auth/enrol").headers["Location"] == "/auth/login"
    password_only(client, "office")
    assert client.get("/auth/factors/app").headers["Location"] == "/auth/login"
    with app.app_context():
        assert len(db.session.scalars(select(SecondFactor)).all()) == 1


def test_wrong_codes_are_limited_per_account(app, client):
    app.config["HOTLINE_2FA_ACCOUNT_LIMIT"] = "3 per 15 minutes"
    password_only(client, "office")
    for _ in range(3):
        assert client.post_form("/auth/verify", {"code": "000000"}).status_code == 400
    code, _step = demo_code("office")
    held = client.post_form("/auth/verify", {"code": code})
    assert held.status_code == 429 and "错误验证码次数过多" in held.text
    assert int(held.headers["Retry-After"]) > 0
    # From another address too: the limit is the account's.
    other = app.test_client()
    password_only(other, "office")
    elsewhere = other.post_form(
        "/auth/verify", {"code": code}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert elsewhere.status_code == 429
    reasons = [d["reason"] for _a, _n, d in trail(app, audit.SIGN_IN_FAILED)]
    assert reasons == ["wrong code"] * 3 + ["too many wrong codes"] * 2


def test_the_office_resets_an_accounts_factors(app, login, supervisor):
    host = login("host")
    secret, _codes = add_app(host, "host")
    with app.app_context():
        host_id = db.session.scalar(select(User.id).where(User.username == "host"))
    listing = supervisor.get("/admin/").text
    assert "重置第二因素" in listing and "尚未设置" not in listing
    laptop = app.test_client()  # a second session, signed in with the app's code
    assert password_only(laptop, "host").headers["Location"] == "/auth/verify"
    code, _step = app_code(secret, laptop.last_step("host"))
    assert laptop.post_form("/auth/verify", {"code": code}).headers["Location"] == "/desk/"
    reset = supervisor.post_form(f"/admin/users/{host_id}/factors/reset")
    assert reset.status_code == 302
    assert host.get("/desk/").status_code == 302  # its sessions have ended
    assert laptop.get("/desk/").status_code == 302
    with app.app_context():
        assert (
            db.session.scalars(select(SecondFactor).where(SecondFactor.user_id == host_id)).all()
            == []
        )
        assert db.session.scalars(select(RecoveryCode)).all() == []
    assert trail(app, audit.FACTORS_RESET) == [(audit.FACTORS_RESET, "office", {"factors": 1})]
    # A moderator needs none: the password signs in again.
    assert password_only(app.test_client(), "host").headers["Location"] == "/desk/"


def test_after_a_reset_a_supervisor_sets_a_factor_up_again(app, supervisor):
    boss = add_user(app, "deputy-director")
    with app.app_context():
        db.session.add(
            SecondFactor(
                user_id=boss, kind="totp", secret="plain:" + "A" * 32, confirmed_at=db.func.now()
            )
        )
        db.session.commit()
    assert password_only(app.test_client(), "deputy-director").headers["Location"] == "/auth/verify"
    assert "尚未设置" not in supervisor.get("/admin/").text
    supervisor.post_form(f"/admin/users/{boss}/factors/reset")
    assert "尚未设置：下次登录时设置" in supervisor.get("/admin/").text
    assert password_only(app.test_client(), "deputy-director").headers["Location"] == "/auth/enrol"


def test_the_command_line_resets_factors(app):
    result = app.test_cli_runner().invoke(args=["user", "reset-factors", "office"])
    assert result.exit_code == 0 and "Removed 1 second factor" in result.output
    assert trail(app, audit.FACTORS_RESET) == [(audit.FACTORS_RESET, "cli", {"factors": 1})]
    assert password_only(app.test_client(), "office").headers["Location"] == "/auth/enrol"


def test_a_role_cannot_remove_its_last_factor(app, supervisor):
    with app.app_context():
        factor_id = db.session.scalar(select(SecondFactor.id))
    supervisor.post_form(f"/auth/factors/{factor_id}/remove")
    assert "请先添加另一个" in supervisor.get("/auth/factors").text
    with app.app_context():
        assert db.session.get(SecondFactor, factor_id) is not None


def test_a_factor_removed_is_no_longer_asked_for(app, login):
    host = login("host")
    add_app(host, "host")
    with app.app_context():
        factor_id = db.session.scalar(select(SecondFactor.id).where(SecondFactor.name == "手机"))
    assert login("office").post_form(f"/auth/factors/{factor_id}/remove").status_code == 404
    host.post_form(f"/auth/factors/{factor_id}/remove")
    with app.app_context():
        assert db.session.get(SecondFactor, factor_id) is None
        assert db.session.scalars(select(RecoveryCode)).all() == []  # they would open nothing
    assert password_only(app.test_client(), "host").headers["Location"] == "/desk/"


def test_a_browser_is_remembered_only_when_configured(app, client):
    password_only(client, "office")
    assert "不再询问" not in client.get("/auth/verify").text  # off by default
    app.config["HOTLINE_2FA_REMEMBER_DAYS"] = 30
    page = client.get("/auth/verify").text
    assert "30 天内在此浏览器上不再询问" in page
    code, _step = demo_code("office")
    response = client.post_form("/auth/verify", {"code": code, "remember": "y"})
    cookie = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("hotline_device=") and "HttpOnly" in c for c in cookie)
    client.post_form("/auth/logout")
    again = password_only(client, "office")
    assert again.headers["Location"] == "/followup/"  # no second step this time
    assert trail(app, audit.SIGN_IN)[-1][2] == {"factor": "remembered device"}
    # Once the office resets the factors, the browser is forgotten with them.
    with app.app_context():
        app.test_cli_runner().invoke(args=["user", "reset-factors", "office"])
    client.post_form("/auth/logout")
    assert password_only(client, "office").headers["Location"] == "/auth/enrol"


def test_a_junk_passkey_answer_is_refused_and_recorded(app, client):
    password_only(client, "office")
    client.get("/auth/verify")
    response = client.post_form("/auth/verify/passkey", {"passkey-credential": '{"id": "x"}'})
    assert response.status_code == 400 and "通行密钥未通过验证" in response.text
    assert client.get("/followup/").status_code == 302
    assert trail(app, audit.SIGN_IN_FAILED) == [
        (audit.SIGN_IN_FAILED, "office", {"reason": "passkey refused"})
    ]


def test_a_session_from_before_a_role_needed_a_factor_is_ended(app, moderator):
    assert moderator.get("/desk/").status_code == 200
    app.config["HOTLINE_2FA_ROLES"] = ["supervisor", "moderator"]
    response = moderator.get("/desk/")
    assert response.headers["Location"] == "/auth/login"
    with app.app_context():
        assert all(s.revoked_at for s in db.session.scalars(select(StaffSession)))
    assert password_only(moderator, "host").headers["Location"] == "/auth/enrol"


def test_with_the_setting_off_a_factor_is_optional_but_still_asked_for(app):
    # Explicitly off (HOTLINE_2FA_ROLES=""): nobody must enrol…
    app.config["HOTLINE_2FA_ROLES"] = []
    add_user(app, "deputy-director")
    assert password_only(app.test_client(), "deputy-director").headers["Location"] == "/followup/"
    # …but an account with a factor always shows it.
    assert password_only(app.test_client(), "office").headers["Location"] == "/auth/verify"


def test_an_app_secret_needs_its_key(app, moderator):
    secret, _codes = add_app(moderator, "host")
    with app.app_context():
        stored = db.session.scalar(select(SecondFactor.secret))
    app.config["HOTLINE_2FA_KEY"] = "another key"
    moderator.post_form("/auth/logout")
    password_only(moderator, "host")
    code, _step = app_code(secret, moderator.last_step("host"))
    assert moderator.post_form("/auth/verify", {"code": code}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(SecondFactor.secret)) == stored


@pytest.mark.parametrize("url", ["/auth/verify", "/auth/enrol"])
def test_the_second_step_without_a_password_first_goes_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_the_set_up_prints_every_demo_login_and_the_offices_second_factor(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    for username in ("office", "host", "housing", "transport", "citymgmt", "water"):
        assert username in result.output
    assert "hotline-demo" in result.output
    secret = re.search(r"office +authenticator app secret ([A-Z2-7]{32})", result.output).group(1)
    assert f"otpauth://totp/Hotline:office%40localhost?secret={secret}" in result.output
    # What it printed is what a newcomer needs to get in.
    client = empty_app.test_client()
    assert password_only(client, "office").headers["Location"] == "/auth/verify"
    signed_in = client.post_form("/auth/verify", {"code": pyotp.TOTP(secret).now()})
    assert signed_in.headers["Location"] == "/followup/"
    # Run again on the filled database, it still says how to sign in.
    again = empty_app.test_cli_runner().invoke(args=["setup"])
    assert "hotline-demo" in again.output and secret in again.output
