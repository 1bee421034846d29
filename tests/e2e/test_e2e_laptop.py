"""A whole show on the studio laptop (1366×768): ten calls logged by keyboard,
and after each save the topic has the focus, the topic and the on-air Clear
are on screen without scrolling, the code just given is in its one box and
the earlier ones a click away; text typed while a save is answered is kept;
and nothing on the console is cut off, in Chinese or in English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
CODE = r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}"

# Counts the pushes the page has received (after live.js has handled each).
COUNT_PUSHES = """() => { window.pushes = 0;
  window.hotlineLive.socket.on("swap", () => { window.pushes += 1; }); }"""


def open_live_console(page, base, lang="zh_CN"):
    page.goto(f"{base}/desk/")
    page.locator("#desk-shows").get_by_role("link", name=re.compile("第173期")).click()
    expect(page.locator("#show-header")).to_be_visible()
    if page.locator("button[value=live]").count():
        with page.expect_navigation():  # the answer reloads the page (HX-Refresh)
            page.locator("button[value=live]").click()
        expect(page.locator("#show-header .live-badge")).to_be_visible()
    page.goto(page.url.split("?")[0] + f"?lang={lang}")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    page.evaluate(COUNT_PUSHES)


def on_screen(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= LAPTOP["width"]
        and box["y"] + box["height"] <= LAPTOP["height"]
    )


def test_a_ten_call_show_by_keyboard_keeps_the_desk_in_one_screen(wsgi_server, contexts, sign_in):
    desk = sign_in(contexts(viewport=LAPTOP), "host")
    open_live_console(desk, wsgi_server)
    other = sign_in(contexts(viewport=LAPTOP), "host")  # a second desk, for the overlay
    topic, latest = desk.locator("#topic"), desk.locator("#refcode-latest")
    address = f"{wsgi_server}/track"
    expect(topic).to_be_focused()
    codes, place = [], None
    for i in range(1, 11):
        pushes = desk.evaluate("window.pushes")
        desk.keyboard.type(f"第{i}通：路灯不亮")
        desk.keyboard.press("Tab")
        desk.keyboard.type("凤凰街道")
        desk.keyboard.press("Tab")
        desk.keyboard.type("市政设施")
        desk.keyboard.press("Tab")
        expect(desk.locator("#department")).to_be_focused()
        desk.keyboard.press("ArrowDown")  # the first department of the panel
        desk.keyboard.press("Tab")
        expect(desk.locator("#deputy")).to_be_focused()
        desk.keyboard.press("Enter")  # from the last field of the form

        row = desk.locator("#desk-calls li", has_text=f"第{i}通：路灯不亮")
        expect(row).to_have_count(1)
        number = row.locator(".num").inner_text()
        expect(latest).to_have_attribute("data-call", number.lstrip("#"))
        said = " ".join(latest.inner_text().split())  # what the moderator reads out
        assert re.fullmatch(rf"{number} 查询码 {CODE} · 打开 {re.escape(address)} 输入", said), said
        desk.wait_for_function("n => window.pushes > n", arg=pushes)  # the desk's list pushed too
        if i == 1:  # put on air from the other desk: the push brings Clear here
            other.goto(desk.url)
            other.locator("#desk-calls li:has-text('第1通') .on-air-button").click()
            expect(desk.locator("#on-air-clear")).to_be_visible()

        expect(topic).to_be_focused()
        expect(topic).to_have_value("")
        expect(row).to_have_count(1)
        assert desk.evaluate("window.scrollY") == 0
        assert on_screen(desk, "#topic"), f"the topic is off screen after call {i}"
        assert on_screen(desk, "#on-air-clear"), f"Clear is off screen after call {i}"
        assert on_screen(desk, "#refcode-latest")
        # One box that does not grow: the form stays where it was.
        where = (topic.bounding_box()["y"], desk.locator("#on-air-clear").bounding_box()["y"])
        place = place or where
        assert where == place, f"the console moved after call {i}"
        codes.insert(0, f"{number} {re.search(CODE, latest.inner_text())[0]}")
        listed = desk.locator("#refcode-list li[data-call]").all_text_contents()
        assert [" ".join(t.split()[:2]) for t in listed] == codes  # every code, newest first

    # The earlier codes are a click away, over the form, on screen.
    desk.get_by_text("全部查询码").click()
    listed = desk.locator("#refcode-list li[data-call]")
    expect(listed).to_have_count(10)
    for i in range(10):
        expect(listed.nth(i)).to_be_visible()
    assert on_screen(desk, "#refcode-list")
    assert topic.bounding_box()["y"] == place[0]
    # The code read out is the caller's: /track finds the call with it.
    first = codes[-1].split()[1]
    citizen = contexts().new_page()
    citizen.goto(f"{wsgi_server}/track")
    citizen.fill("#track-code", first)
    citizen.press("#track-code", "Enter")
    expect(citizen.locator("#tracked")).to_contain_text("第1通：路灯不亮")


def test_typing_on_while_a_save_is_answered_loses_nothing(wsgi_server, contexts, sign_in):
    desk = sign_in(contexts(viewport=LAPTOP), "host")
    open_live_console(desk, wsgi_server)
    held = []
    desk.route(re.compile(r".*/calls$"), lambda route: held.append((route, route.fetch())))
    pushes = desk.evaluate("window.pushes")
    desk.keyboard.type("先存的这一通")
    desk.keyboard.press("Enter")
    desk.wait_for_function("n => window.pushes > n", arg=pushes)  # saved and pushed
    # The row waits for the desk's own answer (which is held back here).
    expect(desk.locator("#desk-calls li", has_text="先存的这一通")).to_have_count(0)
    desk.keyboard.type("接着打的下一通")
    desk.keyboard.press("Tab")
    desk.keyboard.type("东湖街道")
    route, response = held.pop()
    route.fulfill(response=response)

    expect(desk.locator("#desk-calls li", has_text="先存的这一通")).to_have_count(1)
    expect(desk.locator("#refcode-latest")).to_contain_text("查询码")
    expect(desk.locator("#topic")).to_have_value("接着打的下一通")
    expect(desk.locator("#area")).to_have_value("东湖街道")
    expect(desk.locator("#area")).to_be_focused()  # still where the typing is
    desk.unroute(re.compile(r".*/calls$"))
    desk.keyboard.press("Enter")
    expect(desk.locator("#desk-calls li", has_text="接着打的下一通")).to_contain_text("东湖街道")
    expect(desk.locator("#topic")).to_be_focused()
    expect(desk.locator("#topic")).to_have_value("")


# What is cut off: a box that hides part of what it holds, anything past the
# window's right edge, a list whose chosen option does not fit.
CLIPPED = """() => {
  const cut = [], width = document.documentElement.clientWidth;
  const name = (el) => `${el.tagName}#${el.id} ${(el.textContent || "").trim().slice(0, 30)}`;
  document.querySelectorAll("main *").forEach((el) => {
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (!box.width || el.closest(".visually-hidden, details:not([open]) > :not(summary)")) return;
    if (box.right > width + 0.5) cut.push("past the edge: " + name(el));
    const hides = style.overflowX !== "visible";
    if (hides && el.scrollWidth > el.clientWidth + 1) cut.push("cut: " + name(el));
  });
  const ctx = document.createElement("canvas").getContext("2d");
  document.querySelectorAll("main select").forEach((el) => {
    const style = getComputedStyle(el), arrow = 20;
    ctx.font = style.font;
    const text = ctx.measureText(el.options[el.selectedIndex].text).width;
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    if (text > el.clientWidth - padding - arrow) cut.push("option cut: " + name(el));
  });
  return cut;
}"""


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_nothing_on_the_console_is_cut_off(wsgi_server, contexts, sign_in, lang):
    desk = sign_in(contexts(viewport=LAPTOP), "host")
    open_live_console(desk, wsgi_server, lang)
    headings = desk.locator("#panel th")
    assert headings.count() >= 5
    for i in range(headings.count()):
        cell = headings.nth(i)
        fits = cell.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert fits, f"heading cut: {cell.inner_text()}"
    panel = desk.locator("#panel")
    assert panel.evaluate("el => el.scrollWidth <= el.clientWidth"), "the panel's table is cut"
    right = panel.bounding_box()["x"] + panel.bounding_box()["width"]
    for i in range(headings.count()):
        box = headings.nth(i).bounding_box()
        assert box["x"] + box["width"] <= right + 0.5
    if lang == "en":  # each short heading names its whole column
        expect(desk.locator("#panel thead abbr").first).to_have_attribute(
            "title", "Waiting for an answer"
        )
    assert desk.evaluate(CLIPPED) == []
    desk.locator(".refcode-earlier summary").click()  # the list of codes, open
    assert desk.evaluate(CLIPPED) == []


def test_the_radar_shows_its_first_result_while_the_topic_is_typed(wsgi_server, contexts, sign_in):
    """Typing the demo's repeat problem: the earlier promise is read in full on
    the laptop's one screen, with the topic and Clear still there, nothing moved
    and the page no taller."""
    desk = sign_in(contexts(viewport=LAPTOP), "host")
    open_live_console(desk, wsgi_server)
    desk.keyboard.type("先来的一通")
    desk.keyboard.press("Enter")
    desk.locator("#desk-calls li", has_text="先来的一通").locator(".on-air-button").click()
    expect(desk.locator("#on-air-clear")).to_be_visible()
    topic = desk.locator("#topic")
    topic.focus()
    before = (topic.bounding_box()["y"], desk.locator("#on-air-clear").bounding_box()["y"])
    height = desk.evaluate("document.documentElement.scrollHeight")
    desk.keyboard.type("菜市场排水沟又堵了")
    desk.keyboard.press("Tab")
    desk.keyboard.type("凤凰街道")
    first = desk.locator("#radar li.radar-hit").first
    expect(first).to_contain_text("社区菜市场排水沟堵塞")
    expect(desk.locator("#area")).to_be_focused()  # still typing
    assert desk.evaluate("window.scrollY") == 0
    assert on_screen(desk, "#radar li.radar-hit"), desk.locator("#radar").bounding_box()
    assert on_screen(desk, "#topic")
    assert on_screen(desk, "#on-air-clear")
    after = (topic.bounding_box()["y"], desk.locator("#on-air-clear").bounding_box()["y"])
    assert after == before, "the radar moved the form"
    assert desk.evaluate("document.documentElement.scrollHeight") <= height
