"""Renderers that report back, in a real browser over a real server (`python
wsgi.py`, eventlet): the desk lists the program overlay as showing what is on
air; the renderer's page is closed and the desk flags it; it comes back (the
same browser source, the same id) and the flag clears; a renderer that stops
applying pushes is flagged outdated once the on-air item changes, and the
desk's "Reload" brings it back to what is on air."""

import shutil
import sqlite3

import pytest
from fixtures.browsers import browser_login
from fixtures.servers import free_port, start_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}
WAIT = 20_000  # ms: a functional wait (the desk refetches its list every 4 s), not a benchmark


def _server(db_path, folder, port):
    return start_server(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": "tally-test",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
            "HOTLINE_TALLY_STALE_SECONDS": "8",
            "HOTLINE_TALLY_GRACE_SECONDS": "2",
        },
        port,
    )


def test_the_desk_flags_a_renderer_that_stopped_and_reloads_it(
    browser, contexts, template_databases, tmp_path
):
    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with sqlite3.connect(db_path) as conn:
        show_id = conn.execute("SELECT id FROM shows WHERE status = 'scheduled'").fetchone()[0]
    process = _server(db_path, tmp_path, port)
    try:
        desk = browser_login(contexts(), base, "host")
        desk.goto(f"{base}/desk/shows/{show_id}?lang=en")
        desk.click("button[value=live]")
        expect(desk.locator("#topic")).to_be_visible()
        for topic in ("菜市场排水沟堵塞", "老旧小区加装电梯"):
            desk.fill("#topic", topic)
            desk.press("#topic", "Enter")
            expect(desk.locator("#desk-calls")).to_contain_text(topic)
            expect(desk.locator("#topic")).to_have_value("")
        with sqlite3.connect(db_path) as conn:
            first, second = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM calls WHERE show_id = ? ORDER BY number", (show_id,)
                )
            ]
        desk.click(f'[data-on-air-put="call-{first}"]')
        expect(desk.locator("#on-air")).to_have_attribute("data-on-air", "call")
        tally = desk.locator("#tally")
        expect(tally).to_contain_text("No overlay page has reported yet")

        # The program renderer: an OBS browser source.
        source = contexts(viewport=FULL_HD)
        overlay = source.new_page()
        overlay.goto(f"{base}/shows/{show_id}/overlay?lang=en")
        expect(overlay.locator("#lower-third")).to_contain_text("菜市场排水沟堵塞")
        renderer_id = overlay.evaluate("() => sessionStorage.getItem('hotline-renderer')")
        assert renderer_id
        row = desk.locator(f'#tally [data-renderer="{renderer_id}"]')
        expect(row).to_have_attribute("data-state", "ok", timeout=WAIT)
        expect(row).to_contain_text("lower third")
        expect(tally).to_have_attribute("data-tally-flagged", "0")

        # Killed: the desk flags it.
        overlay.close()
        expect(row).to_have_attribute("data-state", "disconnected", timeout=WAIT)
        expect(tally).to_have_attribute("data-tally-flagged", "1")
        expect(row).to_contain_text("Disconnected")

        # Restored: the same browser source (its id, as OBS keeps it) opens
        # the page again, and the flag clears.
        source.add_init_script(f"sessionStorage.setItem('hotline-renderer', '{renderer_id}')")
        overlay = source.new_page()
        overlay.goto(f"{base}/shows/{show_id}/overlay?lang=en")
        expect(overlay.locator("#lower-third")).to_contain_text("菜市场排水沟堵塞")
        expect(row).to_have_attribute("data-state", "ok", timeout=WAIT)
        expect(tally).to_have_attribute("data-tally-flagged", "0")
        expect(desk.locator("#tally [data-renderer]")).to_have_count(1)

        # It stops applying pushes (a frozen browser source that still beats):
        # once the desk puts another call on air, it is outdated.
        overlay.evaluate("() => window.hotlineLive.socket.off('swap')")
        desk.click(f'[data-on-air-put="call-{second}"]')
        expect(desk.locator("#on-air")).to_contain_text("老旧小区加装电梯")
        expect(row).to_have_attribute("data-state", "outdated", timeout=WAIT)
        expect(overlay.locator("#lower-third")).to_contain_text("菜市场排水沟堵塞")

        # The desk tells it to reload: it shows what is on air, the flag clears.
        desk.click(f'[data-tally-reload="{renderer_id}"]')
        expect(overlay.locator("#lower-third")).to_contain_text("老旧小区加装电梯", timeout=WAIT)
        expect(row).to_have_attribute("data-state", "ok", timeout=WAIT)
        assert overlay.evaluate("() => sessionStorage.getItem('hotline-renderer')") == renderer_id
    finally:
        process.kill()
        process.wait(timeout=10)
