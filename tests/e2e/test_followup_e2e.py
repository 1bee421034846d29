"""The follow-up in real headless Chromium against `python wsgi.py`: boosted
forms with a file upload, a refused input shown beside the field with the text
kept, and the public page updating live when the office verifies."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_progress_with_evidence_extension_refused_then_completion_verified_live(
    wsgi_server, contexts, sign_in, tmp_path
):
    liaison = sign_in(contexts(), "housing")
    liaison.goto(f"{wsgi_server}/followup/")
    first = liaison.locator("#later a, #due-soon a, #overdue a").first
    first.click()
    expect(liaison.locator("#form-progress")).to_be_visible()
    commitment_id = re.search(r"/commitments/(\d+)", liaison.url).group(1)

    public = contexts().new_page()
    public.goto(f"{wsgi_server}/commitments/{commitment_id}")
    # (wait_for_function would need eval, which the site's CSP forbids)
    expect(public.locator("#live-status")).to_have_attribute("data-state", "connected")

    # Progress with a photo, through the boosted multipart form.
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    liaison.fill("#progress-note", "浏览器：已完成一半")
    liaison.fill("#progress-percent", "50")
    liaison.set_input_files("#progress-evidence", str(photo))
    liaison.locator("#form-progress button[type=submit]").click()
    expect(liaison.locator(".flash-success")).to_be_visible()
    expect(liaison.locator(".timeline")).to_contain_text("浏览器：已完成一半")
    expect(liaison.locator(".evidence a")).to_contain_text("现场.png")
    expect(public.locator("#timeline")).to_contain_text("浏览器：已完成一半")  # pushed live

    # An extension to a date that is not later: refused beside the field, text kept.
    liaison.fill("#extension-new_deadline", "2000-01-01")
    liaison.fill("#extension-reason", "浏览器：需要更多时间")
    liaison.locator("#form-extension button[type=submit]").click()
    expect(liaison.locator("#form-extension .error-text")).to_be_visible()
    expect(liaison.locator("#extension-reason")).to_have_value("浏览器：需要更多时间")

    # Completion, then the office verifies: the public page changes without a reload.
    liaison.fill("#completion-note", "浏览器：已办结")
    liaison.locator("#form-completion button[type=submit]").click()
    expect(liaison.locator(".flash-success")).to_be_visible()
    expect(public.locator(".current-status [data-status]")).to_have_attribute(
        "data-status", "reported"
    )

    office = sign_in(contexts(), "office")
    office.goto(f"{wsgi_server}/followup/commitments/{commitment_id}")
    office.locator("#form-verify button[type=submit]").click()
    expect(office.locator(".flash-success")).to_be_visible()
    expect(public.locator(".current-status [data-status]")).to_have_attribute(
        "data-status", re.compile(r"^met_")
    )
