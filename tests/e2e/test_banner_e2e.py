"""The 直播中 banner in a real browser over a real server: the board and the
show page, loaded while the show was still scheduled, connect only after it
went live (the push long gone): joining, they see their room has moved on,
fetch their live regions again, and the banner (and the show's status line)
appear."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SOCKET = re.compile(r".*/socket\.io/\?EIO=")


def test_pages_that_connect_after_the_show_went_live_show_the_banner(
    wsgi_server, contexts, sign_in
):
    desk = sign_in(contexts(), "host")
    desk.goto(f"{wsgi_server}/desk/")
    desk.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(desk.locator("button[value=live]")).to_be_visible()
    show_url = desk.url.replace("/desk/shows/", "/shows/").split("?")[0]
    title = desk.locator("#show-header h1").inner_text().replace("未开始", "").strip()

    viewer = contexts()
    viewer.route(SOCKET, lambda route: route.abort())  # no live connection yet
    board, show = viewer.new_page(), viewer.new_page()
    board.goto(wsgi_server)
    show.goto(show_url)
    for page in (board, show):
        expect(page.locator("#on-air-banner")).not_to_contain_text(title)
    expect(show.locator("#show-status")).to_contain_text("未开始")

    desk.locator("button[value=live]").click()  # pushed now: nobody on the viewer's side hears it
    expect(desk.locator("#show-header .live-badge")).to_be_visible()
    viewer.unroute(SOCKET)  # socket.io's next try connects and joins

    for page in (board, show):
        expect(page.locator("#live-status")).to_have_attribute(
            "data-state", "connected", timeout=20_000
        )
        expect(page.locator("#on-air-banner")).to_contain_text(title)
    expect(show.locator("#show-status .live-badge")).to_have_text("直播中")
