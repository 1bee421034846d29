"""The moderator's and the liaison's consoles, and the broadcast overlay, run a
show without a single Content-Security-Policy violation or console error, also in a browser whose
extensions (or a tool such as Playwright's screenshots) touch the inputs' style
through the CSSOM, which the CSP allows, leaving style="" behind: htmx must
never copy that attribute onto the fresh copy of what it swaps."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COLLECT = """window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(
  `${e.violatedDirective} ${e.sourceFile}:${e.lineNumber} "${e.sample}"`));"""

# What a password manager does to the fields it decorates, and Playwright's
# screenshots to hide the caret: a style set and taken off again.
TOUCH = """() => document.querySelectorAll("input, select, textarea, button").forEach((el) => {
  el.style.setProperty("caret-color", "transparent");
  el.style.removeProperty("caret-color");
})"""

# The same on the overlay (no fields there): every element of its stage.
TOUCH_ALL = TOUCH.replace("input, select, textarea, button", "main, main *")


def watched(context, sign_in, username):
    context.add_init_script(COLLECT)
    page = sign_in(context, username)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def assert_clean(page, errors):
    assert page.evaluate("window.violations") == []
    assert errors == []


def test_the_consoles_log_no_csp_violation_and_no_error(wsgi_server, contexts, sign_in):
    desk, desk_errors = watched(contexts(), sign_in, "host")
    liaison, liaison_errors = watched(contexts(), sign_in, "housing")
    desk.goto(f"{wsgi_server}/desk/")
    desk.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(desk.locator("#show-header")).to_be_visible()
    desk.locator("button[value=live]").click()
    expect(desk.locator("#show-header .live-badge")).to_be_visible()
    expect(desk.locator("#live-status")).to_have_attribute("data-state", "connected")
    liaison.goto(f"{wsgi_server}/desk/department")
    expect(liaison.locator("#live-status")).to_have_attribute("data-state", "connected")
    desk.evaluate(TOUCH)
    liaison.evaluate(TOUCH)

    # Calls logged (the form swapped each time), one of them routed to housing:
    # pushed to the liaison's console.
    for topic in ("没有违规一：路灯不亮", "没有违规二：井盖缺失", "没有违规三：楼道漏水"):
        desk.locator("#topic").fill(topic)
        desk.locator("#department").select_option(label="市住房和城乡建设局")
        desk.locator("#topic").press("Enter")
        expect(desk.locator("#desk-calls li", has_text=topic)).to_have_count(1)
        desk.evaluate(TOUCH)
    row = liaison.locator("#dept-calls li", has_text="没有违规三：楼道漏水")
    expect(row).to_have_count(1)

    # The overlay (its own page, not base.html), touched the same way.
    overlay, overlay_errors = contexts(), []
    overlay.add_init_script(COLLECT)
    overlay = overlay.new_page()
    overlay.on("console", lambda m: overlay_errors.append(m.text) if m.type == "error" else None)
    overlay.on("pageerror", lambda e: overlay_errors.append(str(e)))
    show_id = re.search(r"/desk/shows/(\d+)", desk.url)[1]
    overlay.goto(f"{wsgi_server}/shows/{show_id}/overlay?layout=lower-third")
    overlay.wait_for_function("() => window.hotlineLive && window.hotlineLive.socket.connected")
    card = overlay.locator("#lower-third")
    expect(card).to_have_attribute("data-state", "off")
    overlay.evaluate(TOUCH_ALL)

    # On air and off again (pushed to the overlay, which swaps its stage); a
    # call's editor opened and an answer saved there.
    desk.locator("#desk-calls li", has_text="没有违规一").locator(".on-air-button").click()
    expect(desk.locator("#on-air-clear")).to_be_visible()
    expect(card).to_have_attribute("data-state", "on")
    expect(card).to_contain_text("没有违规一")
    desk.evaluate(TOUCH)
    overlay.evaluate(TOUCH_ALL)
    desk.locator("#on-air-clear").click()
    expect(desk.locator("#on-air-clear")).to_have_count(0)
    expect(card).to_have_attribute("data-state", "off")
    desk.locator("#desk-calls li", has_text="没有违规二").locator(".handle").click()
    expect(desk.locator("#call-editor")).to_be_visible()
    desk.evaluate(TOUCH)
    desk.locator("#answer-answer_text").fill("已安排维修，本周内修复。")
    desk.locator("#answer-answered_by").fill("市住建局 周建华")
    desk.get_by_role("button", name="保存答复").click()
    expect(desk.locator("#call-editor .flash-success")).to_be_visible()

    row.locator(".handle").click()
    expect(liaison.locator("#call-editor")).to_be_visible()
    liaison.evaluate(TOUCH)
    liaison.locator("#answer-answer_text").fill("楼道漏水已联系物业当天处理。")
    liaison.locator("#answer-answered_by").fill("市住建局 王磊")
    liaison.get_by_role("button", name="保存答复").click()
    expect(liaison.locator("#call-editor .flash-success")).to_be_visible()
    expect(row).to_contain_text("现场答复")  # the liaison's list, pushed again

    assert_clean(desk, desk_errors)
    assert_clean(liaison, liaison_errors)
    assert_clean(overlay, overlay_errors)
