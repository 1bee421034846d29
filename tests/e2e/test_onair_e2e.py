"""The overlay in a real browser over a real server (`python wsgi.py`, eventlet):
the moderator puts a call on air, the lower third shows it, "clear" hides it;
the page is transparent; after the server is killed and restarted the overlay
comes back by itself to what is on air now."""

import shutil
import sqlite3
import struct
import zlib

import pytest
from fixtures.browsers import browser_login
from fixtures.servers import free_port, start_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


def _server(db_path, folder, port):
    return start_server(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": "onair-test",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
        },
        port,
    )


def _stop(process):
    process.kill()
    process.wait(timeout=10)


def pixel_alpha(png: bytes) -> int:
    """The alpha of a 1×1 RGBA screenshot (every PNG filter is the identity there)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        chunk = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert header == (1, 1, 8, 6), header  # 1×1, 8 bits, RGBA
    return zlib.decompress(idat)[4]


def test_the_overlay_follows_the_desk_and_survives_a_restart(
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
            # The list is pushed before the desk's own answer resets the form:
            # type the next call only into the fresh form.
            expect(desk.locator("#topic")).to_have_value("")
        with sqlite3.connect(db_path) as conn:
            first, second = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM calls WHERE show_id = ? ORDER BY number", (show_id,)
                )
            ]

        overlay = contexts(viewport=FULL_HD).new_page()
        overlay.goto(f"{base}/shows/{show_id}/overlay?lang=en")
        card = overlay.locator("#lower-third")
        expect(card).to_have_attribute("data-state", "off")
        expect(card).to_be_hidden()
        expect(overlay.locator('[data-total="calls"]')).to_have_text("2")

        desk.click(f'[data-on-air-put="call-{first}"]')
        expect(desk.locator("#on-air")).to_have_attribute("data-on-air", "call")
        expect(card).to_have_attribute("data-state", "on")
        expect(card).to_be_visible()
        expect(card).to_contain_text("菜市场排水沟堵塞")
        expect(card).to_contain_text("Call #1")

        # Transparent everywhere but the card.
        overlay.wait_for_timeout(600)  # the transition has finished
        corner = overlay.screenshot(
            omit_background=True, clip={"x": 20, "y": 20, "width": 1, "height": 1}
        )
        assert pixel_alpha(corner) == 0
        box = card.bounding_box()
        inside = {"x": box["x"] + box["width"] - 30, "y": box["y"] + 8, "width": 1, "height": 1}
        assert pixel_alpha(overlay.screenshot(omit_background=True, clip=inside)) > 200

        desk.click("#on-air-clear")
        expect(card).to_have_attribute("data-state", "off")
        expect(card).to_be_hidden()

        # On air again; then the server dies, and while it is down the desk's
        # database says the second call is on air (another process, a restore).
        desk.click(f'[data-on-air-put="call-{first}"]')
        expect(card).to_contain_text("菜市场排水沟堵塞")
        _stop(process)
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE on_air SET item_id = ? WHERE show_id = ?", (second, show_id))
        process = _server(db_path, tmp_path, port)
        expect(card).to_contain_text("老旧小区加装电梯", timeout=30_000)
        expect(card).to_have_attribute("data-state", "on")

        # A reload of the browser source shows the same.
        overlay.reload()
        expect(overlay.locator("#lower-third")).to_contain_text("老旧小区加装电梯")
    finally:
        _stop(process)
