"""The live desk in real headless Chromium against `python wsgi.py`: what a
moderator logs appears on the public page and the liaison's console without a
reload, even when the network drops or WebSockets are blocked."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_live_console(page, base_url, title_part="第173期"):
    page.goto(f"{base_url}/desk/")
    page.locator("#desk-shows").get_by_role("link", name=re.compile(title_part)).click()
    expect(page.locator("#call-form")).to_be_visible()
    take_live = page.locator("button[value=live]")
    if take_live.count():
        take_live.click()
    expect(page.locator("#show-header .live-badge")).to_be_visible()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    return page.url.rsplit("/", 1)[-1]


def test_call_logged_at_the_desk_appears_for_the_public_and_the_liaison(
    wsgi_server, contexts, sign_in
):
    desk = sign_in(contexts(), "host")
    show_id = open_live_console(desk, wsgi_server)

    public = contexts().new_page()
    public.goto(f"{wsgi_server}/shows/{show_id}")
    expect(public.locator("#show-status .live-badge")).to_be_visible()
    expect(public.locator("#live-status")).to_have_attribute("data-state", "connected")

    liaison = sign_in(contexts(), "housing")
    liaison.goto(f"{wsgi_server}/desk/department")
    expect(liaison.locator("#live-status")).to_have_attribute("data-state", "connected")

    # Keyboard only: type the topic, tab to the department, Enter to save.
    desk.locator("#topic").fill("浏览器：小区门口积水")
    desk.locator("#department").select_option(label="市住房和城乡建设局")
    desk.locator("#topic").press("Enter")

    expect(desk.locator("#desk-calls li").first).to_contain_text("浏览器：小区门口积水")
    expect(desk.locator("#topic")).to_have_value("")  # ready for the next call
    expect(public.locator("#call-list")).to_contain_text("浏览器：小区门口积水")
    new_row = liaison.locator("#dept-calls li", has_text="浏览器：小区门口积水")
    expect(new_row).to_have_class(re.compile("live-new"))

    # The liaison commits from their phone; the desk and the public see it.
    new_row.get_by_role("link").click()
    editor = liaison.locator("#call-editor")
    editor.locator("#commit-pledge").fill("七天内完成排水改造")
    editor.locator("#commit-official_name").fill("周建华")
    editor.locator("input[name=commit-deadline_preset][value='7']").check()
    editor.get_by_role("button", name="保存承诺").click()
    expect(editor).to_contain_text("承诺事项已保存")
    row = desk.locator("#desk-calls li", has_text="浏览器：小区门口积水")
    expect(row).to_contain_text("七天内完成排水改造")
    expect(public.locator("#call-list")).to_contain_text("承诺限期办")
    assert desk.locator("#desk-calls li", has_text="浏览器：小区门口积水").count() == 1


def test_a_logged_call_shows_once_whether_its_answer_or_its_push_comes_first(
    wsgi_server, contexts, sign_in
):
    """The answer to a logged call inserts the new row, and so does the push to
    every desk on the show, this one included: whichever arrives second
    replaces the first, so the row is there once, and the count is right."""
    desk = sign_in(contexts(), "host")
    other = sign_in(contexts(), "host")
    open_live_console(desk, wsgi_server)
    show_url = desk.url
    other.goto(show_url)
    expect(other.locator("#live-status")).to_have_attribute("data-state", "connected")
    heading = desk.locator("#calls-heading")
    before = int(re.search(r"\((\d+)\)", heading.inner_text())[1])

    desk.locator("#topic").fill("先到的是回答")
    desk.locator("#topic").press("Enter")
    row = desk.locator("#desk-calls li", has_text="先到的是回答")
    expect(row).to_have_count(1)
    expect(other.locator("#desk-calls li", has_text="先到的是回答")).to_have_count(1)

    # Hold this desk's answer until the push has reached it (the other desk
    # has it by then; both are in the same rooms).
    def late(route):
        response = route.fetch()
        expect(other.locator("#desk-calls li", has_text="先到的是推送")).to_have_count(1)
        route.fulfill(response=response)

    desk.route(re.compile(r".*/calls$"), late)
    desk.locator("#topic").fill("先到的是推送")
    desk.locator("#topic").press("Enter")
    expect(desk.locator("#topic")).to_have_value("")  # the answer came
    expect(desk.locator("#desk-calls li", has_text="先到的是推送")).to_have_count(1)
    expect(heading).to_contain_text(f"({before + 2})")
    numbers = desk.locator("#desk-calls li .num").all_inner_texts()
    assert len(numbers) == len(set(numbers))


def test_a_failed_save_keeps_the_text_and_a_retry_logs_once(wsgi_server, contexts, sign_in):
    desk = sign_in(contexts(), "host")
    open_live_console(desk, wsgi_server)
    fail_once = {"left": 1}

    def drop(route):
        if fail_once["left"]:
            fail_once["left"] -= 1
            route.abort("internetdisconnected")
        else:
            route.continue_()

    desk.route(re.compile(r".*/calls$"), drop)
    desk.locator("#topic").fill("断网时登记的来电")
    desk.locator("#topic").press("Enter")
    expect(desk.locator("#net-error")).to_be_visible()
    expect(desk.locator("#net-error")).to_contain_text("网络已断开")
    expect(desk.locator("#topic")).to_have_value("断网时登记的来电")

    desk.locator("#topic").press("Enter")  # the retry
    expect(desk.locator("#net-error")).to_be_hidden()
    expect(desk.locator("#desk-calls li", has_text="断网时登记的来电")).to_have_count(1)


def test_live_updates_work_with_websockets_blocked(wsgi_server, contexts, sign_in):
    desk = sign_in(contexts(), "host")
    show_id = open_live_console(desk, wsgi_server)
    public = contexts().new_page()
    # Every WebSocket is closed at once: socket.io must stay on long-polling.
    public.route_web_socket(re.compile(".*"), lambda ws: ws.close())
    public.goto(f"{wsgi_server}/shows/{show_id}")
    expect(public.locator("#live-status")).to_have_attribute("data-state", "connected")
    desk.locator("#topic").fill("没有WebSocket也能看到")
    desk.locator("#topic").press("Enter")
    expect(public.locator("#call-list")).to_contain_text("没有WebSocket也能看到")


def test_console_works_with_javascript_off(wsgi_server, contexts, sign_in):
    context = contexts(java_script_enabled=False)
    desk = sign_in(context, "host")
    desk.goto(f"{wsgi_server}/desk/")
    desk.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(desk.locator("#call-form")).to_be_visible()
    if desk.locator("button[value=live]").count():
        desk.locator("button[value=live]").click()
    desk.locator("#topic").fill("不用脚本也能登记")
    desk.get_by_role("button", name="登记", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("来电已登记")
    expect(desk.locator("#desk-calls")).to_contain_text("不用脚本也能登记")
