"""Single sign-on against a real OpenID Connect provider (oidc-provider on
loopback, tests/fixtures/oidc.py): the office links an account to an IdP
identity; the person signs in on the IdP's own login form; Hotline signs in
that account, with the role Hotline gave it, and records whether the IdP
already asked for a second factor. Everyone else is refused, on the record."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import make_app
from fixtures.oidc import idp_answer, idp_login
from fixtures.servers import free_port

from hotline.rules.sso import second_factor_done

MFA_ACR = "urn:hotline:test:mfa"
ACCOUNTS = {
    # Password and a one-time code at the IdP: two factors.
    "zhang.wei": {"claims": {"name": "张伟"}, "amr": ["pwd", "otp"]},
    # Password only.
    "li.na": {"claims": {"name": "李娜"}, "amr": ["pwd"]},
    # The IdP names the level, not the methods.
    "wang.fang": {"claims": {"name": "王芳"}, "acr": MFA_ACR},
    # Says it is the office; Hotline does not take roles from the IdP.
    "chen.jie": {
        "claims": {"name": "陈杰", "employee_number": 31337, "roles": ["supervisor"]},
        "amr": ["pwd"],
    },
}


def link(app, username: str, subject: str) -> None:
    """The office links `username` to the IdP identity `subject`, on its page."""
    office = app.test_client()
    office.login("office")
    user_id = user(app, username).id
    response = office.post_form(f"/admin/users/{user_id}/sso", {"subject": subject})
    assert response.status_code == 302


def user(app, username: str):
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.models import User

    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def audit_rows(app, action: str):
    """The audit rows of single sign-on (the office's own password sign-in aside)."""
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.models import AuditLog

    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        )
        return [row for row in rows if row.detail.get("via") == "oidc"]


@pytest.fixture(scope="module")
def provider(oidc_provider):
    return oidc_provider(ACCOUNTS)


@pytest.fixture
def sso(sso_app, provider):
    return sso_app(provider)


def test_without_settings_nothing_changes(client, supervisor):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "sso-start" not in page and "/auth/sso" not in page
    assert client.get("/auth/sso/start").status_code == 404
    assert client.get("/auth/sso/callback?code=x&state=y").status_code == 404
    admin = supervisor.get("/admin/").get_data(as_text=True)
    assert "/sso" not in admin
    assert supervisor.post_form("/admin/users/1/sso", {"subject": "x"}).status_code == 404


@pytest.mark.parametrize(
    "settings",
    [
        {"HOTLINE_OIDC_ISSUER": "https://idp.example.gov.cn"},  # no client id or secret
        {  # plain http to another host
            "HOTLINE_OIDC_ISSUER": "http://idp.example.gov.cn",
            "HOTLINE_OIDC_CLIENT_ID": "hotline",
            "HOTLINE_OIDC_CLIENT_SECRET": "secret",
        },
        {  # plain http to loopback, without the test-only setting
            "HOTLINE_OIDC_ISSUER": "http://127.0.0.1:9",
            "HOTLINE_OIDC_CLIENT_ID": "hotline",
            "HOTLINE_OIDC_CLIENT_SECRET": "secret",
        },
    ],
)
def test_a_wrong_setting_stops_the_start(template_databases, tmp_path, settings):
    with pytest.raises(RuntimeError):
        make_app(template_databases["empty"], tmp_path, settings)


def test_sign_in_page_offers_the_idp_by_its_label(sso):
    client = sso.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    assert "使用政务统一身份认证登录" in page
    page = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert "Sign in with 政务统一身份认证" in page


def test_the_request_carries_state_nonce_and_pkce(sso, provider):
    start = sso.test_client().get("/auth/sso/start")
    assert start.status_code == 302
    url = urlsplit(start.headers["Location"])
    assert f"{url.scheme}://{url.netloc}" == provider.issuer
    query = parse_qs(url.query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/auth/sso/callback"]
    assert "openid" in query["scope"][0].split()


def test_linked_account_signs_in_after_the_idps_two_factors(sso):
    link(sso, "host", "zhang.wei")
    client = sso.test_client()
    assert client.get("/desk/").status_code == 302  # not signed in yet
    response = idp_login(client, "zhang.wei")
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    [row] = audit_rows(sso, "sign_in")
    assert row.actor_name == "host"
    assert row.detail == {"factor": "idp", "via": "oidc", "second_factor_done": True}


def test_a_password_alone_at_the_idp_is_not_a_second_factor(sso, monkeypatch):
    from hotline.auth import sso as routes

    received = []
    sign_in = routes._sign_in

    def spy(user, second_factor_done):
        received.append((user.username, second_factor_done))
        return sign_in(user, second_factor_done)

    monkeypatch.setattr(routes, "_sign_in", spy)
    link(sso, "housing", "li.na")
    client = sso.test_client()
    response = idp_login(client, "li.na")
    assert response.headers["Location"] == "/desk/department"
    assert received == [("housing", False)]
    [row] = audit_rows(sso, "sign_in")
    assert row.detail == {"via": "oidc", "second_factor_done": False}


def test_without_two_factors_at_the_idp_hotline_asks_for_its_own(sso):
    """The office must sign in with two factors: a password alone at the IdP
    leads to Hotline's own second step, not to the desk; two factors at the
    IdP sign in at once."""
    link(sso, "office", "li.na")
    client = sso.test_client()
    response = idp_login(client, "li.na")
    assert response.headers["Location"] in ("/auth/verify", "/auth/enrol")
    assert client.get("/admin/").status_code == 302  # not signed in yet
    assert audit_rows(sso, "sign_in") == []

    link(sso, "office", "zhang.wei")
    client = sso.test_client()
    response = idp_login(client, "zhang.wei")
    assert response.headers["Location"] not in ("/auth/verify", "/auth/enrol")
    assert client.get("/admin/").status_code == 200
    [row] = audit_rows(sso, "sign_in")
    assert row.detail == {"factor": "idp", "via": "oidc", "second_factor_done": True}


def test_an_acr_counts_only_when_the_office_configured_it(sso_app, provider):
    for setting, expected in (([MFA_ACR], True), ([], False)):
        app = sso_app(provider, HOTLINE_OIDC_MFA_ACR=setting)
        link(app, "host", "wang.fang")
        assert idp_login(app.test_client(), "wang.fang").headers["Location"] == "/desk/"
        [row] = audit_rows(app, "sign_in")
        assert row.detail["second_factor_done"] is expected


def test_roles_stay_hotlines_own(sso):
    # The IdP calls chen.jie a supervisor; the office made the account a liaison.
    link(sso, "housing", "chen.jie")
    client = sso.test_client()
    assert idp_login(client, "chen.jie").headers["Location"] == "/desk/department"
    assert client.get("/admin/").status_code == 403
    assert user(sso, "housing").role == "liaison"


def test_an_identity_nobody_linked_is_refused_on_the_record(sso):
    client = sso.test_client()
    response = idp_login(client, "stranger")
    assert response.status_code == 403
    assert "没有与您的政务统一身份认证身份关联的" in response.get_data(as_text=True)
    assert client.get("/desk/").status_code == 302
    [row] = audit_rows(sso, "sign_in_failed")
    assert row.actor_name == "stranger"
    assert row.detail == {
        "via": "oidc",
        "reason": "no linked account",
        "claim": "preferred_username",
    }
    assert audit_rows(sso, "sign_in") == []


def test_the_same_name_is_not_a_link(sso):
    # The IdP has a "host" too: without the office's link it opens nothing,
    # or anyone the IdP lets pick a name could take a Hotline account.
    client = sso.test_client()
    response = idp_login(client, "host")
    assert response.status_code == 403
    assert client.get("/desk/").status_code == 302


def test_a_disabled_account_is_refused_on_the_record(sso):
    link(sso, "housing", "li.na")
    office = sso.test_client()
    office.login("office")
    office.post_form(f"/admin/users/{user(sso, 'housing').id}/active", {"active": "0"})
    client = sso.test_client()
    response = idp_login(client, "li.na")
    assert response.status_code == 403
    assert "已停用" in response.get_data(as_text=True)
    assert client.get("/desk/department").status_code == 302
    [row] = audit_rows(sso, "sign_in_failed")
    assert row.actor_name == "housing"
    assert row.detail["reason"] == "disabled"


def test_the_claim_can_come_from_userinfo(oidc_provider, sso_app):
    # oidc-provider's default: profile claims only at /userinfo, not in the ID token.
    app = sso_app(oidc_provider(ACCOUNTS, id_token_claims=False))
    link(app, "host", "zhang.wei")
    client = app.test_client()
    assert idp_login(client, "zhang.wei").headers["Location"] == "/desk/"


def test_another_claim_can_match(sso_app, provider):
    app = sso_app(provider, HOTLINE_OIDC_CLAIM="employee_number")
    link(app, "housing", "31337")
    assert idp_login(app.test_client(), "chen.jie").headers["Location"] == "/desk/department"
    # Someone without that claim matches nothing, whatever their name.
    link(app, "host", "zhang.wei")
    response = idp_login(app.test_client(), "zhang.wei")
    assert response.status_code == 403


def test_a_forged_or_replayed_callback_signs_in_nobody(sso):
    link(sso, "host", "zhang.wei")
    client = sso.test_client()
    assert client.get("/auth/sso/callback?code=made-up&state=made-up").status_code == 400
    # The IdP's real answer to one browser, taken to another (whose session
    # never started that sign-in): refused, so nobody can be signed in as
    # someone else's identity by a link.
    answer = idp_answer(sso.test_client(), "zhang.wei")
    assert client.get(answer).status_code == 400
    assert client.get("/desk/").status_code == 302
    # In the browser that started it, it works once; replayed, it does not.
    own = sso.test_client()
    answer = idp_answer(own, "zhang.wei")
    assert own.get(answer).status_code == 302
    own.post_form("/auth/logout")
    assert own.get(answer).status_code == 400
    assert len(audit_rows(sso, "sign_in")) == 1


def test_an_unreachable_idp_is_a_clear_message(template_databases, tmp_path):
    settings = {
        "HOTLINE_OIDC_ISSUER": f"http://127.0.0.1:{free_port()}",  # nobody listens
        "HOTLINE_OIDC_CLIENT_ID": "hotline",
        "HOTLINE_OIDC_CLIENT_SECRET": "secret",
        "HOTLINE_OIDC_ALLOW_LOCAL_HTTP": True,
    }
    client = make_app(template_databases["empty"], tmp_path, settings).test_client()
    response = client.get("/auth/sso/start")
    assert response.status_code == 502
    assert "暂时无法连接统一身份认证" in response.get_data(as_text=True)


def test_a_discovery_document_for_another_issuer_is_refused(sso_app, provider):
    # Discovery fetched from the provider, but the settings name another issuer:
    # its tokens would not be the configured IdP's, so nobody is sent there.
    app = sso_app(
        provider,
        HOTLINE_OIDC_ISSUER=provider.issuer + "/elsewhere",
        HOTLINE_OIDC_DISCOVERY_URL=provider.issuer + "/.well-known/openid-configuration",
    )
    assert app.test_client().get("/auth/sso/start").status_code == 502


def test_a_cancelled_sign_in_is_a_clear_message(sso):
    client = sso.test_client()
    response = client.get("/auth/sso/callback?error=access_denied&state=x")
    assert response.status_code == 400
    assert "未完成" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "amr, acr, expected",
    [
        (["pwd", "otp"], None, True),
        (["pin", "hwk"], None, True),
        (["pwd", "mfa"], None, True),
        (["mfa"], None, True),
        (["fpt", "swk"], None, True),
        (["pwd"], None, False),
        (["sms"], None, False),  # 手机号 + 短信验证码: one factor
        (["otp"], None, False),
        (["hwk", "user"], None, False),
        (["pwd", "pin", "kba"], None, False),  # three things known: one kind
        ([], None, False),
        (None, None, False),
        ("pwd otp", None, False),  # not a list
        ([1, 2], None, False),
        (None, MFA_ACR, True),
        (["pwd"], MFA_ACR, True),
        (None, "urn:other", False),
        (None, ["urn:hotline:test:mfa"], False),  # not a string
    ],
)
def test_what_counts_as_a_second_factor(amr, acr, expected):
    assert second_factor_done(amr, acr, [MFA_ACR]) is expected
