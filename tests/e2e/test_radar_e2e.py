"""The radar (上次承诺) in a real browser over `python wsgi.py`, by keyboard
alone: typing the demo's repeat problem on the live console shows the earlier
overdue promise beside the call form; Tab and Enter put it on the overlay and,
once the call is logged, link the call to it. Nothing private on either."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CALLERS = ["张桂芬", "13807110001", "李德明", "13907120002", "孙丽", "13611170008"]


def _tab_to(page, selector: str, most: int = 40) -> None:
    """Press Tab until the element in focus matches `selector` (keyboard only)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_radar_by_keyboard_alone(wsgi_server, contexts, sign_in):
    page = sign_in(contexts(), "host")
    page.goto(f"{wsgi_server}/desk/")
    page.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(page.locator("#show-header")).to_be_visible()
    if page.locator("button[value=live]").count():
        page.locator("button[value=live]").click()
        expect(page.locator("#show-header .live-badge")).to_be_visible()
    topic = page.locator("#call-form input[name=topic]")
    expect(topic).to_be_visible()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(page.locator("#radar")).to_have_attribute("aria-live", "polite")
    expect(topic).to_be_focused()

    page.keyboard.type("菜市场排水沟又堵了")
    page.keyboard.press("Tab")
    page.keyboard.type("凤凰街道")
    first = page.locator("#radar li.radar-hit").first
    expect(first).to_contain_text(re.compile(r"承诺，已逾期\d+天"))
    expect(first).to_contain_text("社区菜市场排水沟堵塞")
    radar_text = page.locator("#radar").inner_text()
    assert not [s for s in CALLERS if s in radar_text]
    assert "/desk/shows/" in page.url  # no page change

    # The earlier promise on the overlay: Tab to its button, Enter.
    _tab_to(page, "#radar [data-on-air-put^=promise-]")
    page.keyboard.press("Enter")
    expect(page.locator("#on-air")).to_have_attribute("data-on-air", "promise")
    overlay = contexts().new_page()
    overlay.goto(f"{page.url.split('/desk/')[0]}{_overlay_path(page)}")
    card = overlay.locator("#lower-third")
    expect(card).to_have_attribute("data-kind", "promise")
    expect(card).to_contain_text(re.compile(r"这个问题在.*承诺过：已逾期\d+天"))
    assert not [s for s in CALLERS if s in overlay.content()]

    # Log the call (Enter in the topic): the radar beside the form now offers to
    # link the call just logged; Tab to the button, Enter.
    topic.focus()
    page.keyboard.press("Enter")
    row = page.locator("#desk-calls li").first
    expect(row).to_contain_text("菜市场排水沟又堵了")
    expect(page.locator("#radar [data-radar-link^=commitment-]").first).to_be_visible()
    topic.focus()
    _tab_to(page, "#radar [data-radar-link^=commitment-]")
    page.keyboard.press("Enter")
    expect(page.locator("#radar")).to_contain_text("已关联为重复反映")
    # The call's editor shows it linked too.
    row.locator("a.handle").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#call-radar")).to_contain_text("已关联为重复反映")


def _overlay_path(page) -> str:
    show_id = re.search(r"/desk/shows/(\d+)", page.url).group(1)
    return f"/shows/{show_id}/overlay?layout=lower-third"
