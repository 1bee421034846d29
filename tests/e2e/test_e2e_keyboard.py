"""Logging calls by keyboard alone, and the screens the crew works on: the
console on a 1366×768 laptop and a 1920×1080 desk screen, the header on phones."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def live_console(page, base_url):
    page.goto(f"{base_url}/desk/")
    page.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(page.locator("#show-header")).to_be_visible()
    if page.locator("button[value=live]").count():
        page.locator("button[value=live]").click()
        expect(page.locator("#show-header .live-badge")).to_be_visible()
    expect(page.locator("#call-form input[name=topic]")).to_be_visible()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")


def test_three_calls_logged_by_keyboard_enter_from_each_field(wsgi_server, contexts, sign_in):
    page = sign_in(contexts(), "host")
    live_console(page, wsgi_server)
    topic = page.locator("#topic")
    expect(topic).to_be_focused()

    # 1: Enter in the area field.
    page.keyboard.type("键盘一：路灯不亮")
    page.keyboard.press("Tab")
    page.keyboard.type("东湖街道")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-calls li").first).to_contain_text("键盘一：路灯不亮")
    expect(topic).to_be_focused()
    expect(topic).to_have_value("")

    # 2: Tab to the category, Enter there.
    page.keyboard.type("键盘二：井盖缺失")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("市政设施")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-calls li").first).to_contain_text("键盘二：井盖缺失")
    expect(topic).to_be_focused()

    # 3: Tab to the department list, pick with the arrow keys, Enter saves.
    page.keyboard.type("键盘三：积水")
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.locator("#department")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    first = page.locator("#desk-calls li").first
    expect(first).to_contain_text("键盘三：积水")
    expect(first).not_to_contain_text("暂未交办")  # routed to the department picked
    expect(topic).to_be_focused()


def in_viewport(page, selector) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_console_fits_the_screen_without_scrolling(wsgi_server, contexts, sign_in, size, lang):
    page = sign_in(contexts(viewport={"width": size[0], "height": size[1]}), "host")
    live_console(page, wsgi_server)
    page.goto(page.url.split("?")[0] + f"?lang={lang}")
    expect(page.locator("#desk-calls li").first).to_be_visible()
    for selector in (
        "#call-form #topic",
        "#call-form button[type=submit]",
        "#desk-calls li",
        "#panel h2",
        "#questions h2",
    ):
        assert in_viewport(page, selector), f"{selector} is off screen at {size} ({lang})"


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_phone_header_shows_every_destination(wsgi_server, contexts, sign_in, width, lang):
    page = sign_in(contexts(viewport={"width": width, "height": 800}), "housing")
    page.goto(f"{wsgi_server}/desk/department?lang={lang}")
    links = page.locator("header.site nav a")
    assert links.count() >= 6  # the public pages, the department console, follow-up
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        name = links.nth(i).inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name} is cut off"
    expect(page.locator("header.site nav a[href='/desk/department']")).to_be_visible()
    page_box = page.locator("main").bounding_box()
    assert page_box["x"] + page_box["width"] <= width
