"""Second factors in real headless Chromium against `python wsgi.py`: the
office signs in with its authenticator app's code (a wrong one refused); a
liaison adds a passkey (the DevTools virtual authenticator) and signs in with
password + passkey; a new supervisor sets up a passkey right after the password,
before any staff page opens.

WebAuthn takes a domain, never an IP address, as the relying party: the
passkey tests use http://localhost (a secure context, as 127.0.0.1 is)."""

import re

import pytest
from client_support import DEMO_PASSWORD
from fixtures.browsers import browser_login
from fixtures.servers import desk_session, next_demo_code
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def on_localhost(base: str) -> str:
    return base.replace("127.0.0.1", "localhost")


def virtual_authenticator(context, page) -> tuple:
    """A platform authenticator in this tab (a phone's fingerprint, say)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, made["authenticatorId"]


def password_step(page, base: str, username: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_the_office_signs_in_with_its_app_code(wsgi_server, contexts):
    page = contexts().new_page()
    password_step(page, wsgi_server, "office")
    page.wait_for_url(re.compile(r"/auth/verify$"))
    expect(page.locator("h1")).to_have_text("第二步验证")
    # Nothing staff-only opens yet.
    page.goto(f"{wsgi_server}/admin/")
    page.wait_for_url(re.compile(r"/auth/verify$"))
    page.fill("#code", "000000")
    page.click("#code-sign-in button[type=submit]")
    expect(page.locator("#code-error")).to_contain_text("验证码不正确")
    page.fill("#code", next_demo_code(wsgi_server, "office"))
    page.click("#code-sign-in button[type=submit]")
    page.wait_for_url(re.compile(r"/followup/$"))
    page.goto(f"{wsgi_server}/admin/")
    expect(page.locator("h1")).to_have_text("系统管理")


def test_a_passkey_is_added_and_signs_in(wsgi_server, contexts):
    base = on_localhost(wsgi_server)
    context = contexts()
    page = browser_login(context, base, "water")
    cdp, authenticator = virtual_authenticator(context, page)

    page.goto(f"{base}/auth/factors")
    expect(page.locator("#passkey-add button[type=submit]")).to_be_visible()
    page.fill("#name", "浏览器虚拟密钥")
    page.click("#passkey-add button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.click("#codes-saved")
    expect(page.locator("#factors")).to_contain_text("浏览器虚拟密钥")
    expect(page.locator("#factors")).to_contain_text("通行密钥")

    # Sign out; the password alone is not enough any more.
    page.get_by_role("button", name="退出").click()
    expect(page.locator(".flash")).to_contain_text("已退出登录")
    password_step(page, base, "water")
    page.wait_for_url(re.compile(r"/auth/verify$"))
    passkey = page.locator("#passkey-sign-in button[type=submit]")
    expect(passkey).to_be_visible()
    passkey.click()
    page.wait_for_url(re.compile(r"/desk/department$"))
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["signCount"] >= 1


def test_a_new_supervisor_sets_up_a_passkey_before_anything_else(wsgi_server, contexts):
    base = on_localhost(wsgi_server)
    office = browser_login(contexts(), base, "office")
    office.goto(f"{base}/admin/")
    office.fill("#new-username", "office3")
    office.select_option("#new-role", "supervisor")
    office.fill("#new-password", "a-long-password-3")
    office.click("#new-user button[type=submit]")
    expect(office.locator("#users")).to_contain_text("尚未设置：下次登录时设置")

    context = contexts()
    page = context.new_page()
    virtual_authenticator(context, page)
    page.goto(f"{base}/auth/login")
    page.fill("#username", "office3")
    page.fill("#password", "a-long-password-3")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/enrol$"))
    page.goto(f"{base}/followup/")
    page.wait_for_url(re.compile(r"/auth/enrol$"))  # every staff page waits
    page.fill("#name", "办公室电脑")
    page.click("#passkey-add button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.click("#codes-saved")
    page.wait_for_url(re.compile(r"/followup/$"))
    expect(page.locator("h1")).to_be_visible()


def test_the_served_sign_in_helper_passes_the_second_step(wsgi_server):
    """desk_session (tests/fixtures/servers.py) signs the office in over HTTP."""
    session, token = desk_session(wsgi_server, "office")
    assert token
    assert session.get(f"{wsgi_server}/admin/", timeout=10).status_code == 200
