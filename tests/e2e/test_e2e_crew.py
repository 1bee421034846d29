"""A show run by a crew, in real headless Chromium against `python wsgi.py`: two
desks on one live show, a liaison on a phone and a citizen. HTML pushed to the
room works for every recipient, whoever's action rendered it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOW = "第173期"  # the demo's scheduled show


def open_console(page, base_url):
    page.goto(f"{base_url}/desk/")
    page.locator("#desk-shows").get_by_role("link", name=re.compile(SHOW)).click()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    return page.url.rsplit("/", 1)[-1]


def send_question(page, base_url, show_id, text):
    page.goto(f"{base_url}/shows/{show_id}/ask")
    page.locator("#question").fill(text)
    page.locator("#area").fill("古楼街道")
    page.locator("#name").fill("欧阳修")
    page.locator("#phone").fill("13912345678")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash-success")).to_be_visible()


def test_two_desks_a_liaison_and_a_citizen_run_one_show(wsgi_server, contexts, sign_in):
    desk_a = sign_in(contexts(), "host")
    desk_b = sign_in(contexts(), "office")
    show_id = open_console(desk_a, wsgi_server)
    open_console(desk_b, wsgi_server)
    expect(desk_b.locator("#call-form")).to_contain_text("开始直播后即可登记来电")

    liaison = sign_in(contexts(viewport={"width": 390, "height": 844}), "housing")
    liaison.goto(f"{wsgi_server}/desk/department")
    expect(liaison.locator("#live-status")).to_have_attribute("data-state", "connected")

    citizen = contexts(viewport={"width": 390, "height": 844}).new_page()
    citizen.goto(f"{wsgi_server}/shows/{show_id}")
    expect(citizen.locator("#live-status")).to_have_attribute("data-state", "connected")

    # Desk A takes the show live: desk B's header and call form follow with no
    # reload, and the form it gets is its own (it logs a call with it).
    desk_a.locator("button[value=live]").click()
    expect(desk_b.locator("#show-header .live-badge")).to_be_visible()
    expect(desk_b.locator("#call-form input[name=topic]")).to_be_visible()
    expect(citizen.locator("#show-status .live-badge")).to_be_visible()
    expect(citizen.locator("#on-air-banner")).to_contain_text(SHOW)
    desk_b.locator("#topic").fill("导播登记：路灯不亮")
    desk_b.locator("#topic").press("Enter")
    expect(desk_a.locator("#desk-calls")).to_contain_text("导播登记：路灯不亮")

    # The citizen sends two questions (the ask page is a real page of its own).
    asker = citizen.context.new_page()
    send_question(asker, wsgi_server, show_id, "东湖花园的暖气片一直不热，找谁？")
    send_question(asker, wsgi_server, show_id, "与本期无关的问题")
    for desk in (desk_a, desk_b):
        expect(desk.locator("#questions")).to_contain_text("东湖花园的暖气片一直不热，找谁？")
        expect(desk.locator("#questions")).to_contain_text("与本期无关的问题")

    # Desk A airs the first (writing its public summary); desk B declines the
    # second from the queue block that the citizen's request rendered.
    first = desk_a.locator("#questions .question", has_text="东湖花园的暖气片")
    first.get_by_role("link", name="作为来电上线").click()
    editor = desk_a.locator("#question-editor")
    expect(editor).to_contain_text("欧阳修")  # the desk sees who sent it (private)
    editor.locator("#topic").fill("东湖花园暖气不热")
    editor.get_by_role("button", name="作为来电上线").click()
    expect(desk_b.locator("#desk-calls")).to_contain_text("东湖花园暖气不热")
    expect(citizen.locator("#call-list")).to_contain_text("东湖花园暖气不热")
    expect(citizen.locator("#call-list")).not_to_contain_text("找谁")

    second = desk_b.locator("#questions .question", has_text="与本期无关的问题")
    second.get_by_role("button", name="不采用").click()
    for desk in (desk_a, desk_b):
        expect(desk.locator("#questions")).not_to_contain_text("与本期无关的问题")
        expect(desk.locator("#questions")).not_to_contain_text("东湖花园的暖气片一直不热，找谁？")
    expect(desk_b.locator("#net-error")).to_be_hidden()
    expect(desk_b.locator("#resubmit")).to_have_count(0)

    # Desk B ends the show from the header desk A's action pushed to it.
    desk_b.once("dialog", lambda dialog: dialog.accept())
    desk_b.locator("button[value=end]").click()
    expect(desk_a.locator("#show-header")).to_contain_text("已结束")
    expect(desk_a.locator("#call-form")).to_contain_text("直播已结束")
    expect(citizen.locator("#show-status")).to_contain_text("已结束")
    expect(citizen.locator("#show-ask")).not_to_contain_text("提问")
    expect(citizen.locator("#on-air-banner")).not_to_contain_text(SHOW)
    expect(liaison.locator("#on-air-banner")).not_to_contain_text(SHOW)
    page_text = citizen.content()
    assert "欧阳修" not in page_text and "13912345678" not in page_text
