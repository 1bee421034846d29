"""长辈版 (elder mode) and text that follows the reader, measured in a real
browser on the board, a commitment page and /track, in both languages: elder
mode's smallest main text and its targets, the standard mode's text growing
with the browser's own font-size setting, 44×44 targets on a phone, and the
read-aloud button speaking a commitment through the browser's speech synthesis."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
LANGS = ["zh_CN", "en"]
PHONE, DESKTOP = 390, 1280

# What a reader sees in <main> (text nodes with a box) and what they can press
# (a radio or a check box is pressed through its label).
MEASURE = """() => {
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0
      && style.visibility !== "hidden" && !el.closest(".visually-hidden");
  };
  let smallest = {size: Infinity, text: ""};
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text || !node.parentElement || !visible(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
    if (size < smallest.size) smallest = {size, text: text.slice(0, 40)};
  }
  const targets = [];
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(
      ["header.site", "main", "footer.site"].map(r => r + " :is(" + selector + ")").join(","))) {
    const pressed = ["radio", "checkbox"].includes(el.type) && el.closest("label") || el;
    if (!visible(pressed)) continue;
    const box = pressed.getBoundingClientRect();
    const what = el.tagName + " " + (el.innerText || el.name || el.type || "").trim().slice(0, 30);
    targets.push({what, width: box.width, height: box.height});
  }
  return {smallest, targets};
}"""


@pytest.fixture(scope="module")
def pages(wsgi_server, browser):
    """The board, one commitment found through its link, and /track."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{wsgi_server}/")
    commitment = page.locator("table.board a.pledge").first.get_attribute("href")
    context.close()
    return {"board": "/", "commitment": commitment, "track": "/track"}


def into_elder_mode(page, base: str, lang: str) -> None:
    """As a reader does it: the header's link, which comes back to the page."""
    page.goto(f"{base}/track?lang={lang}")
    page.locator("header.site a.elder-toggle").click()
    expect(page.locator("html")).to_have_class("elder")
    expect(page).to_have_url(f"{base}/track")  # the same page (the language sticks)
    expect(page.locator("header.site a.elder-toggle")).to_have_text(
        "标准版" if lang == "zh_CN" else "Standard version"
    )


def too_small(targets: list[dict], least: float) -> list[str]:
    return [
        f"{t['what']} {t['width']:.0f}×{t['height']:.0f}"
        for t in targets
        if t["width"] < least - 0.01 or t["height"] < least - 0.01
    ]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("lang", LANGS)
def test_elder_mode_text_is_at_least_18px_and_targets_60px(
    wsgi_server, contexts, pages, lang, width
):
    # bypass_csp only so the test can measure; the site's own CSS and CSP decide the layout.
    page = contexts(bypass_csp=True, viewport={"width": width, "height": 900}).new_page()
    into_elder_mode(page, wsgi_server, lang)
    problems = {}
    for name, path in pages.items():
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        expect(page.locator("html")).to_have_class("elder")  # remembered by the browser
        found = page.evaluate(MEASURE)
        assert found["targets"], name
        if found["smallest"]["size"] < 18:
            problems[f"{name} text"] = found["smallest"]
        small = too_small(found["targets"], 60)
        if small:
            problems[f"{name} targets"] = small
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, name
    assert problems == {}


@pytest.mark.parametrize("lang", LANGS)
def test_elder_mode_shows_the_essentials_first(wsgi_server, contexts, pages, lang):
    page = contexts(viewport={"width": PHONE, "height": 900}).new_page()
    into_elder_mode(page, wsgi_server, lang)
    page.goto(f"{wsgi_server}/?lang={lang}")
    row = page.locator("#board-rows tr").first
    expect(row.locator("a.pledge")).to_be_visible()
    expect(row.locator("td.source")).to_be_hidden()  # the show: secondary
    expect(row.locator(".status")).to_be_visible()  # where it stands, in words
    expect(page.locator(".filters-more")).to_be_hidden()
    page.goto(f"{wsgi_server}{pages['commitment']}?lang={lang}")
    expect(page.locator(".share")).to_be_hidden()
    expect(page.locator(".ratings-block")).to_be_hidden()
    # The pledge, then where it stands, then who and by when.
    y = {
        what: page.locator(f"#timeline {what}").first.bounding_box()["y"]
        for what in ("h1", ".current-status", ".facts")
    }
    assert y["h1"] < y[".current-status"] < y[".facts"]
    # And back to the standard version, with one link.
    page.locator("header.site a.elder-toggle").click()
    expect(page.locator("html")).not_to_have_class("elder")
    expect(page.locator(".share")).to_be_visible()


SIZES = """() => Object.fromEntries([
    ["body", "main"], ["pledge", "table.board a.pledge, #timeline h1"],
    ["fact", "#timeline .facts dd, table.board td[data-label]"],
    ["input", "main :is(input[type=search], input[type=text], input[type=url])"],
    ["status", "main .status"], ["label", "main label"],
  ].map(([k, s]) => [k, document.querySelector(s)])
   .filter(([k, el]) => el).map(([k, el]) => [k, parseFloat(getComputedStyle(el).fontSize)]))"""


@pytest.mark.parametrize("lang", LANGS)
def test_standard_text_follows_the_browsers_font_size(wsgi_server, contexts, pages, lang):
    page = contexts(bypass_csp=True, viewport={"width": DESKTOP, "height": 900}).new_page()
    cdp = page.context.new_cdp_session(page)
    for name, path in pages.items():
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16}})
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        before = page.evaluate(SIZES)
        assert before["body"] == 16, name
        # The reader sets Chromium's font size to "very large" (24 px).
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
        page.reload()
        after = page.evaluate(SIZES)
        assert set(after) == set(before) and len(before) >= 3, (name, before)
        for what, size in before.items():
            assert after[what] / size == pytest.approx(1.5, abs=0.03), (name, what, size)


@pytest.mark.parametrize("lang", LANGS)
def test_standard_targets_on_a_phone_are_at_least_44px(wsgi_server, contexts, pages, lang):
    page = contexts(bypass_csp=True, viewport={"width": PHONE, "height": 844}).new_page()
    problems = {}
    for name, path in pages.items():
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        found = page.evaluate(MEASURE)
        assert len(found["targets"]) >= 5, name
        small = too_small(found["targets"], 44)
        if small:
            problems[name] = small
    assert problems == {}


# Observing, not replacing: the real speak() still runs after the words are noted.
RECORD_SPEECH = """
window.spoken = [];
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = u => {
    window.spoken.push({text: u.text, lang: u.lang});
    speak(u);
  };
}
"""


@pytest.mark.parametrize("lang", LANGS)
def test_read_aloud_speaks_the_commitment(wsgi_server, contexts, pages, lang):
    page = contexts(viewport={"width": PHONE, "height": 900}).new_page()  # the site's CSP as served
    page.add_init_script(RECORD_SPEECH)
    into_elder_mode(page, wsgi_server, lang)
    expected_lang = "zh-CN" if lang == "zh_CN" else "en"

    page.goto(f"{wsgi_server}/?lang={lang}")
    row = page.locator("#board-rows tr").first
    pledge = row.locator("a.pledge").inner_text()
    button = row.locator("button.readaloud")
    expect(button).to_be_visible()
    expect(button).to_contain_text("朗读" if lang == "zh_CN" else "Read aloud")
    button.click()
    spoken = page.evaluate("window.spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == expected_lang
    assert pledge in spoken[0]["text"]
    assert row.locator(".status").inner_text().strip() in spoken[0]["text"]
    assert "朗读" not in spoken[0]["text"] and "Read aloud" not in spoken[0]["text"]

    # On the commitment's page: its own button reads the pledge, who and by when.
    page.goto(f"{wsgi_server}{pages['commitment']}?lang={lang}")
    heading = page.locator("#timeline h1").inner_text()
    page.locator("#timeline button.readaloud").click()
    spoken = page.evaluate("window.spoken")
    assert spoken[-1]["lang"] == expected_lang and spoken[-1]["text"].startswith(heading)
    department = page.locator("#timeline .facts dd").first.inner_text()
    assert department in spoken[-1]["text"]

    # The page's button reads the main content, in the standard version too.
    page.locator("header.site a.elder-toggle").click()
    expect(page.locator("html")).not_to_have_class("elder")
    page.locator("button.readaloud[data-readaloud='#main']").click()
    spoken = page.evaluate("window.spoken")
    assert heading in spoken[-1]["text"] and spoken[-1]["lang"] == expected_lang


# WCAG 2.2 target size, and 7:1 contrast (axe's AAA rule, off by default).
AXE_ELDER = """async () => (await axe.run(document, {
    resultTypes: ["violations"],
    rules: {"target-size": {enabled: true}, "color-contrast-enhanced": {enabled: true}},
  })).violations
  .filter(v => ["serious", "critical"].includes(v.impact) || v.id === "color-contrast-enhanced")
  .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))"""


@pytest.mark.parametrize("lang", LANGS)
def test_elder_mode_keeps_axe_clean_with_its_own_contrast(wsgi_server, contexts, pages, lang):
    # bypass_csp only so the test can inject axe-core.
    page = contexts(bypass_csp=True, viewport={"width": PHONE, "height": 900}).new_page()
    into_elder_mode(page, wsgi_server, lang)
    problems = []
    for name, path in pages.items():
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        page.add_script_tag(path=str(AXE))
        problems += [f"{name}: {v}" for v in page.evaluate(AXE_ELDER)]
    assert problems == []
