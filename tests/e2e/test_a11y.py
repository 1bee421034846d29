"""Pages everyone can read, checked in a real browser: axe-core (vendored in
tests/vendor/axe-core) on every public and staff page type in both languages at
phone and desktop widths, no public page wider than a 360 px phone, and no
word about live updates when JavaScript is off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures.browsers import browser_login, close_in_time
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
LANGS = ["zh_CN", "en"]
PHONE, DESKTOP = 390, 1280


def first_link(page, prefix: str, pattern: str) -> str:
    """The first link on the page whose address matches, e.g. a commitment."""
    for href in page.locator(f"a[href^='{prefix}']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        if re.fullmatch(pattern, href.split("?")[0]):
            return href.split("?")[0]
    raise AssertionError(f"no link like {pattern} on {page.url}")


@pytest.fixture(scope="module")
def addresses(wsgi_server, browser):
    """One address of each page type, found by following the site's own links."""
    context = browser.new_context(bypass_csp=True)  # evaluate_all needs script
    page = context.new_page()
    page.goto(f"{wsgi_server}/")
    commitment = first_link(page, "/commitments/", r"/commitments/\d+")
    page.goto(f"{wsgi_server}/shows")
    show = first_link(page, "/shows/", r"/shows/\d+")
    page.goto(f"{wsgi_server}/deputies")
    deputy = first_link(page, "/deputies/", r"/deputies/\d+")
    page.goto(f"{wsgi_server}/lists/results")
    code = page.locator("[data-version-code]").first.get_attribute("data-version-code")
    close_in_time(context)
    public = {
        "board": "/",
        "commitment": commitment,
        "shows": "/shows",
        "show": show,
        "departments": "/departments",
        "deputies": "/deputies",
        "deputy": deputy,
        "lists": "/lists/",
        "list": "/lists/results",
        "report": "/lists/report",
        "track": "/track",
        "overlay": f"{show}/overlay",
        "verification code": f"/v/{code}",
        "verification code lookup": "/v/",
        "topics": f"{show}/topics",
    }
    staff = {
        "host": {
            "desk": "/desk/",
            "desk console": "/desk" + show,
            "desk topics": "/desk" + show + "/topics",
            "desk dossier": "/desk" + show + "/dossier",
        },
        "housing": {
            "department console": "/desk/department",
            "sign-in security": "/auth/factors",
            "authenticator app set-up": "/auth/factors/app",
        },
        "office": {
            "follow-up dashboard": "/followup/",
            "follow-up item": "/followup" + commitment,
            "admin": "/admin/",
            "sign-in security": "/auth/factors",
        },
    }
    return public, staff


def signed_in(context, base: str, username: str | None):
    if username:
        return browser_login(context, base, username)  # the office's second step too
    return context.new_page()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            // target-size (WCAG 2.2 AA, 24 px) is off in axe's defaults: turn it on.
            const result = await axe.run(document, {
              resultTypes: ["violations"], rules: {"target-size": {enabled: true}},
            });
            return result.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }"""
    )
    return found


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("lang", LANGS)
def test_no_serious_or_critical_axe_violations(wsgi_server, browser, addresses, lang, width):
    public, staff = addresses
    problems = []
    groups = [(None, public), *staff.items()]
    for username, pages in groups:
        # bypass_csp only so the test can inject axe; the site's CSP stays as served.
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
        page = signed_in(context, wsgi_server, username)
        for name, path in pages.items():
            page.goto(f"{wsgi_server}{path}?lang={lang}")
            problems += [f"{name} ({path}): {v}" for v in serious_violations(page)]
        close_in_time(context)
    assert problems == []


PHONE_NARROW = 360


@pytest.mark.parametrize("lang", LANGS)
def test_no_public_page_is_wider_than_a_phone(wsgi_server, contexts, addresses, lang):
    public, _ = addresses
    # bypass_csp lets the test read scrollWidth; layout does not depend on the CSP.
    page = contexts(bypass_csp=True, viewport={"width": PHONE_NARROW, "height": 740}).new_page()
    too_wide = {}
    for name, path in public.items():
        if name == "overlay":  # a 1920×1080 picture for the broadcast, not a page
            continue
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        width = page.locator("html").evaluate("html => html.scrollWidth")
        if width > PHONE_NARROW:
            too_wide[name] = width
    assert too_wide == {}


@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_no_page_talks_of_live_updates(wsgi_server, contexts, addresses, lang):
    public, _ = addresses
    page = contexts(java_script_enabled=False).new_page()
    words = ["实时", "连接", "live updates", "connect"]
    for name in ("board", "commitment", "show"):
        page.goto(f"{wsgi_server}{public[name]}?lang={lang}")
        status = page.locator("#live-status")
        if status.count():
            text = status.inner_text().lower()
            assert not any(w in text for w in words), f"{name}: {text!r}"
        expect(page.locator("main")).to_be_visible()


def test_the_report_chart_is_readable_on_a_phone(wsgi_server, contexts):
    # bypass_csp lets the test measure the drawing; it changes nothing on screen.
    page = contexts(bypass_csp=True, viewport={"width": PHONE, "height": 800}).new_page()
    page.goto(f"{wsgi_server}/lists/report?lang=en")
    chart = page.locator(".chart svg")
    expect(chart).to_be_visible()
    smallest = chart.evaluate(
        """svg => Math.min(...Array.from(svg.querySelectorAll("text"))
              .map(t => parseFloat(getComputedStyle(t).fontSize)
                        * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width))"""
    )
    assert smallest >= 12
    # Overdue is hatched, not a second shade of red beside "met late".
    assert chart.locator("rect.bar-overdue").first.get_attribute("fill") == "url(#hatch-overdue)"
    # The chart scrolls inside its own region and keyboard users can reach it.
    expect(page.locator(".chart-scroll")).to_have_attribute("tabindex", "0")


def pdf_text(page) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(page.pdf(format="A4")))
    return "\n".join(p.extract_text() for p in reader.pages)


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_report_keeps_satisfaction_and_its_address(wsgi_server, contexts, lang):
    page = contexts().new_page()
    page.goto(f"{wsgi_server}/lists/report?lang={lang}")
    from hotline.rules.reports import COLUMNS

    satisfaction = page.locator("#report thead th").nth(1 + COLUMNS.index("satisfaction"))
    satisfaction = satisfaction.inner_text()
    page.emulate_media(media="print")
    expect(page.locator(".print-url")).to_be_visible()
    expect(page.locator(".print-qr")).to_be_visible()
    text = pdf_text(page)
    flat = "".join(text.split())
    assert "".join(satisfaction.split()) in flat
    assert f"{wsgi_server}/lists/report".replace("http://", "") in flat


def test_printed_lists_keep_the_address_and_whole_dates(wsgi_server, contexts):
    page = contexts().new_page()
    page.goto(f"{wsgi_server}/lists/assignments?lang=en")
    page.emulate_media(media="print")
    text = pdf_text(page)
    assert f"{wsgi_server}/lists/assignments".replace("http://", "") in "".join(text.split())
    dates = page.locator("#list td.date")
    assert dates.count() > 0
    iso = re.compile(r"\d{4}-\d{2}-\d{2}")
    lines = text.splitlines()
    for value in dates.all_inner_texts()[:5]:
        assert any(iso.search(line) and value in line for line in lines), value
