"""The integration API against `python wsgi.py`, with real browsers watching:
the office makes a token in the admin, another system posts progress with a
photo (multipart/form-data, Bearer token), and a citizen's open page shows it
without a reload, as when a liaison posts it on the follow-up page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_progress_posted_through_the_api_reaches_an_open_public_page(
    wsgi_server, contexts, sign_in
):
    office = sign_in(contexts(), "office")
    office.goto(f"{wsgi_server}/admin/tokens")
    office.fill("#token-name", "12345 system")
    office.select_option("#token-role", "supervisor")
    office.locator("#token-name").press("Enter")
    secret = office.locator("#token-secret code").inner_text().strip()
    assert secret

    api = contexts().request  # another system: no browser session, only the token
    listed = api.get(f"{wsgi_server}/api/v1/commitments?status=due&per_page=1").json()
    commitment_id = listed["data"][0]["id"]

    public = contexts().new_page()
    public.goto(f"{wsgi_server}/commitments/{commitment_id}")
    # (wait_for_function would need eval, which the site's CSP forbids)
    expect(public.locator("#live-status")).to_have_attribute("data-state", "connected")

    url = f"{wsgi_server}/api/v1/commitments/{commitment_id}/progress"
    headers = {"Authorization": f"Bearer {secret}"}
    stale = api.post(url, headers=headers, data={"note": "x", "version": "0"})
    assert stale.status == 409  # the current record tells the version
    version = stale.json()["current"]["version"]
    sent = api.post(
        url,
        headers={**headers, "Idempotency-Key": "e2e-progress-1"},
        multipart={
            "note": "接口：已清理排水沟，附现场照片",
            "percent": "60",
            "version": str(version),
            "evidence": {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG},
        },
    )
    assert sent.status == 200, sent.text()
    assert sent.json()["data"]["version"] == version + 1

    timeline = public.locator("#timeline")
    expect(timeline).to_contain_text("接口：已清理排水沟，附现场照片")  # pushed live
    photo = timeline.locator("a", has_text="现场照片.png")
    expect(photo).to_have_attribute("href", re.compile(r"^/followup/evidence/\d+$"))
    assert api.get(wsgi_server + photo.get_attribute("href")).body() == PNG
