"""Cue → preview → take in a real browser over a real server (`python wsgi.py`,
eventlet): the moderator writes a name super before the show, cues it, the
preview renderer (its own page, and the monitor in the console) shows it
marked PREVIEW, F8 takes it to the program page, and it leaves program by
itself at its auto-out (and the desk hears so); then the QR code goes on."""

import shutil
import sqlite3

import pytest
from fixtures.browsers import browser_login
from fixtures.servers import free_port, start_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


def test_a_name_super_is_cued_previewed_taken_and_leaves_by_itself(
    browser, contexts, template_databases, tmp_path
):
    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with sqlite3.connect(db_path) as conn:
        show_id = conn.execute("SELECT id FROM shows WHERE status = 'scheduled'").fetchone()[0]
    process = start_server(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": "cue-test",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
            "HOTLINE_CUE_AUTO_OUT": "super=5",
        },
        port,
    )
    try:
        desk = browser_login(contexts(), base, "host")
        # Before the show: the name super, on the desk's small form.
        desk.goto(f"{base}/desk/shows/{show_id}/supers?lang=en")
        desk.fill("#name", "李明")
        desk.fill("#line", "市人大代表 · 第3席")
        desk.click("#super-form button[type=submit]")
        expect(desk.locator("#supers")).to_contain_text("第3席")

        desk.goto(f"{base}/desk/shows/{show_id}?lang=en")
        desk.click("button[value=live]")
        expect(desk.locator("#topic")).to_be_visible()

        program = contexts(viewport=FULL_HD).new_page()
        program.goto(f"{base}/shows/{show_id}/overlay?lang=en")
        preview = contexts(viewport=FULL_HD).new_page()
        preview.goto(f"{base}/shows/{show_id}/preview?lang=en")
        expect(preview.locator("#preview-mark")).to_be_visible()
        expect(preview.locator("#lower-third")).to_have_attribute("data-state", "off")

        # Cue it: the preview renderer shows it, marked; program does not.
        desk.select_option("#cue-super", label="李明 · 市人大代表 · 第3席")
        desk.click('[data-cue-add="super"]')
        expect(desk.locator("#cue-list")).to_contain_text("李明")
        expect(preview.locator("#lower-third")).to_have_attribute("data-state", "on")
        expect(preview.locator("#lower-third")).to_contain_text("李明")
        expect(preview.locator("#lower-third")).to_contain_text("第3席")
        monitor = desk.frame_locator(".cue-monitor iframe")
        expect(monitor.locator("#lower-third")).to_contain_text("李明")
        expect(monitor.locator("#preview-mark")).to_have_text("PREVIEW")
        card = program.locator("#lower-third")
        expect(card).to_have_attribute("data-state", "off")

        # One key takes it to program.
        desk.locator("#topic").focus()
        desk.keyboard.press("F8")
        expect(desk.locator("#on-air")).to_have_attribute("data-on-air", "super")
        expect(card).to_have_attribute("data-state", "on")
        expect(card).to_have_attribute("data-kind", "super")
        expect(card).to_contain_text("李明")
        # Its auto-out (5 s here): program hides it, the desk's state clears.
        expect(card).to_have_attribute("data-state", "off", timeout=15_000)
        expect(card).to_be_hidden()  # (visible while on: the transparency test's business)
        expect(desk.locator("#on-air")).to_have_attribute("data-on-air", "none", timeout=15_000)
        with sqlite3.connect(db_path) as conn:
            assert (
                conn.execute("SELECT kind FROM on_air WHERE show_id = ?", (show_id,)).fetchone()[0]
                == ""
            )
        # A reload of the program after the deadline shows nothing either.
        program.reload()
        expect(program.locator("#lower-third")).to_have_attribute("data-state", "off")

        # The QR code: cued, in preview, taken; it stays in its corner.
        desk.click('[data-cue-add="qr"]')
        expect(preview.locator("#qr-bug")).to_have_attribute("data-state", "on")
        # The director takes it once the desk's own cue list shows it in preview.
        expect(desk.locator("#cue-list")).to_contain_text("QR code")
        desk.locator("#topic").focus()
        desk.keyboard.press("F8")
        bug = program.locator("#qr-bug")
        expect(bug).to_have_attribute("data-state", "on")
        expect(bug).to_be_visible()
        expect(bug).to_contain_text("Scan to ask")
        loaded = bug.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded
        box = bug.bounding_box()
        assert box["x"] >= 192 and box["y"] >= 108  # inside the title-safe area

        # Panic: Shift+F8 clears program and preview.
        desk.keyboard.press("Shift+F8")
        expect(bug).to_have_attribute("data-state", "off")
        expect(preview.locator("#qr-bug")).to_have_attribute("data-state", "off")
    finally:
        process.kill()
        process.wait(timeout=10)
