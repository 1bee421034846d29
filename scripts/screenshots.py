"""`make screenshots`: the README's pictures, made from the demo data.

Starts the site (`python wsgi.py`) on a temporary database filled by
`flask setup`, drives headless Chromium through a show (the moderator goes live
and logs a call for the housing department) and writes PNGs into docs/: the
board, the live desk, the liaison's phone, the broadcast overlay and a printed
list. Chinese text needs a CJK font (scripts/ensure-fonts.sh installs one).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from hotline.cli.demo import DEMO_PASSWORD as PASSWORD

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the site did not start: {process.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    process.kill()
    sys.exit("the site did not start within 30 s")


def sign_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page


def shoot(browser, base: str) -> list[Path]:
    made = []

    def save(page, name: str, **kwargs) -> None:
        path = DOCS / name
        page.screenshot(path=str(path), **kwargs)
        made.append(path)

    # The moderator opens show 173, goes live and logs a call for housing.
    desk = browser.new_context(viewport={"width": 1366, "height": 768})
    page = sign_in(desk, base, "host")
    page.goto(f"{base}/desk/")
    page.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(page.locator("#show-header")).to_be_visible()
    if page.locator("button[value=live]").count():
        page.locator("button[value=live]").click()
        expect(page.locator("#show-header .live-badge")).to_be_visible()
    expect(page.locator("#call-form #topic")).to_be_visible()
    show_id = re.search(r"/desk/shows/(\d+)", page.url).group(1)
    page.fill("#topic", "小区电梯停运两周，老人下不了楼")
    housing = page.locator("#department option", has_text="住房").first.get_attribute("value")
    page.select_option("#department", housing)
    page.locator("#topic").press("Enter")
    expect(page.locator("#desk-calls li").first).to_contain_text("电梯")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    save(page, "desk.png")

    # Put the new call on air for the overlay, when the console offers it.
    on_air = page.locator("#desk-calls li").first.locator(".on-air-button")
    if on_air.count():
        on_air.first.click()
        expect(page.locator("#on-air .on-air-now").first).not_to_have_attribute("data-kind", "none")

    public = browser.new_context(viewport={"width": 1280, "height": 900})
    board = public.new_page()
    board.goto(f"{base}/")
    save(board, "public.png")

    overlay = browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = overlay.new_page()
    screen.goto(f"{base}/shows/{show_id}/overlay")
    save(screen, "overlay.png")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    liaison = sign_in(phone, base, "housing")
    liaison.goto(f"{base}/desk/department")
    expect(liaison.locator("body")).to_contain_text("电梯")
    save(liaison, "liaison-phone.png")

    # A list as it prints on A4 (794 px is A4's width at 96 dpi).
    paper = browser.new_context(viewport={"width": 794, "height": 1123})
    sheet = paper.new_page()
    sheet.emulate_media(media="print")
    sheet.goto(f"{base}/lists/assignments")
    save(sheet, "printed-list.png", full_page=True)

    for context in (desk, public, overlay, phone, paper):
        context.close()
    return made


def main() -> None:
    if not os.path.exists(CHROMIUM):
        sys.exit(f"Chromium is not installed at {CHROMIUM} (make browser)")
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hotline-screens-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/hotline.sqlite3",
            "SECRET_KEY": "screenshots",
            "HOTLINE_UPLOAD_DIR": f"{folder}/uploads",
        }
        flask = [sys.executable, "-m", "flask", "--app", "hotline", "setup"]
        subprocess.run(flask, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "wsgi.py"],
            cwd=ROOT,
            env={**env, "HOTLINE_PORT": str(port)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for(port, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
                )
                made = shoot(browser, f"http://127.0.0.1:{port}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in made:
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
