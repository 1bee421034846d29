"""Topics chosen with voters, in real headless Chromium against `python wsgi.py`:
a citizen proposes a topic from a phone and supports another; the moderator
publishes the proposal and puts it on the agenda; the show's page, already open,
shows it without a reload."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TOPIC = "浏览器：社区缺少老年食堂"


def test_a_citizen_proposes_and_the_moderator_publishes_and_chooses(wsgi_server, contexts, sign_in):
    citizen = contexts(viewport=PHONE).new_page()
    citizen.goto(f"{wsgi_server}/shows")
    citizen.get_by_role("link", name=re.compile("第173期")).first.click()
    citizen.wait_for_url(re.compile(r"/shows/\d+$"))
    show_id = re.search(r"/shows/(\d+)", citizen.url).group(1)
    citizen.get_by_role("link", name="为本期节目提出和支持议题").click()
    expect(citizen.locator("h1")).to_have_text("节目议题征集")

    # Propose: held for the office, not yet on the page.
    citizen.locator("#topic").fill(TOPIC)
    citizen.locator("#area").fill("古楼街道")
    citizen.get_by_role("button", name="提交").click()
    expect(citizen.locator(".flash-success")).to_contain_text("经办公室审核后才会在此显示")
    expect(citizen.locator("#topics")).not_to_contain_text(TOPIC)

    # Support another topic: counted at once, and only once.
    school = citizen.locator("#topics li", has_text="学校门口上下学时段交通拥堵")
    expect(school).to_contain_text("7人支持")
    school.get_by_role("button", name="支持").click()
    expect(school).to_contain_text("8人支持")
    expect(school).to_contain_text("您已支持该议题")
    expect(school.get_by_role("button", name="支持")).to_have_count(0)

    # The show's page stays open on the citizen's phone.
    show_page = contexts(viewport=PHONE).new_page()
    show_page.goto(f"{wsgi_server}/shows/{show_id}")
    expect(show_page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(show_page.locator("#show-topics")).not_to_contain_text(TOPIC)

    # The moderator publishes it and puts it on the agenda.
    desk = sign_in(contexts(), "host")
    desk.goto(f"{wsgi_server}/desk/shows/{show_id}/topics")
    proposal = desk.locator("#waiting .topic-moderation").filter(
        has=desk.locator("textarea", has_text=TOPIC)
    )
    expect(proposal).to_have_count(1)
    proposal.get_by_role("button", name="公开").click()
    expect(desk.locator(".flash-success")).to_contain_text("议题已公开")
    row = desk.locator("#ranking tr", has_text=TOPIC)
    row.get_by_role("button", name="列入本期议题").click()
    expect(desk.locator("#agenda")).to_contain_text(TOPIC)

    # The show's page shows the agenda with it, pushed; the topic page lists it.
    expect(show_page.locator("#agenda")).to_contain_text(TOPIC)
    citizen.reload()
    expect(citizen.locator("#topics li", has_text=TOPIC)).to_contain_text("已列入本期议题")
