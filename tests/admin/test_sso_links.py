"""The office links staff accounts to single sign-on identities (and unlinks
them) on its page, each on the audit trail; only when single sign-on is set up.
No identity provider is needed here: linking never asks it anything."""

from __future__ import annotations

import pytest
from conftest import make_app
from sqlalchemy import select

from hotline.changes import audit
from hotline.extensions import db
from hotline.models import AuditLog, User

ISSUER = "https://idp.example.gov.cn/oidc"
SETTINGS = {
    "HOTLINE_OIDC_ISSUER": ISSUER,
    "HOTLINE_OIDC_CLIENT_ID": "hotline",
    "HOTLINE_OIDC_CLIENT_SECRET": "a-secret",
    "HOTLINE_OIDC_CLAIM": "employee_number",
}


@pytest.fixture
def sso_app(template_databases, tmp_path):
    app = make_app(template_databases["demo"], tmp_path, SETTINGS)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def office(sso_app):
    c = sso_app.test_client()
    c.login("office")
    return c


def account(app, username: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def rows(app, action: str) -> list[AuditLog]:
    with app.app_context():
        return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_office_links_and_unlinks_an_account(sso_app, office):
    host = account(sso_app, "host")
    page = office.get("/admin/").get_data(as_text=True)
    assert f'action="/admin/users/{host.id}/sso"' in page
    assert "统一身份认证（employee_number）" in page

    response = office.post_form(f"/admin/users/{host.id}/sso", {"subject": " 10086 "})
    assert response.status_code == 302
    linked = account(sso_app, "host")
    assert (linked.sso_issuer, linked.sso_subject) == (ISSUER, "10086")
    [row] = rows(sso_app, audit.SSO_LINKED)
    assert (row.actor_name, row.target) == ("office", "host")
    assert row.detail == {"issuer": ISSUER, "claim": "employee_number", "value": "10086"}
    assert 'value="10086"' in office.get("/admin/").get_data(as_text=True)

    office.post_form(f"/admin/users/{host.id}/sso", {"subject": ""})
    unlinked = account(sso_app, "host")
    assert (unlinked.sso_issuer, unlinked.sso_subject) == (None, None)
    [row] = rows(sso_app, audit.SSO_UNLINKED)
    assert row.detail == {"issuer": ISSUER, "value": "10086"}
    # The trail names the action in the reader's language.
    assert "取消统一身份认证关联" in office.get("/admin/audit").get_data(as_text=True)


def test_one_identity_opens_one_account(sso_app, office):
    host, housing = account(sso_app, "host"), account(sso_app, "housing")
    office.post_form(f"/admin/users/{host.id}/sso", {"subject": "10086"})
    response = office.post_form(
        f"/admin/users/{housing.id}/sso", {"subject": "10086"}, follow_redirects=True
    )
    assert "10086 已关联到另一个账号" in response.get_data(as_text=True)
    assert account(sso_app, "housing").sso_subject is None
    assert len(rows(sso_app, audit.SSO_LINKED)) == 1


def test_an_identity_is_never_cut_short(sso_app, office):
    host = account(sso_app, "host")
    response = office.post_form(
        f"/admin/users/{host.id}/sso", {"subject": "x" * 256}, follow_redirects=True
    )
    assert "最多 255 个字符" in response.get_data(as_text=True)
    assert account(sso_app, "host").sso_subject is None


def test_only_the_office_links_and_only_people(sso_app, office):
    from hotline.changes import tokens

    host = account(sso_app, "host")
    moderator = sso_app.test_client()
    moderator.login("host")
    assert moderator.post_form(f"/admin/users/{host.id}/sso", {"subject": "1"}).status_code == 403
    assert account(sso_app, "host").sso_subject is None
    with sso_app.app_context():
        token, _secret = tokens.create("telephony", "moderator")
        db.session.commit()
        token_user = token.user_id
    # An API token's account is no person: it never signs in, so it is never linked.
    assert office.post_form(f"/admin/users/{token_user}/sso", {"subject": "2"}).status_code == 404
