"""Pages everyone can read, checked in a real browser: axe-core (vendored in
tests/vendor/axe-core) on every public and staff page type (the desk's consoles
of an ended and a live show, the call editor, the dossier, the department's
console, the follow-up, the administration, the deputy's queue, the sign-in
pages) in both languages at phone and desktop widths, with no empty table
header; no public page panning sideways at 320 px; and no word about live
updates when JavaScript is off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from client_support import DEMO_PASSWORD
from fixtures.browsers import browser_login, close_in_time
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
LANGS = ["zh_CN", "en"]
PHONE, DESKTOP = 390, 1366


def first_link(page, prefix: str, pattern: str) -> str:
    """The first link on the page whose address matches, e.g. a commitment."""
    for href in page.locator(f"a[href^='{prefix}']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        if re.fullmatch(pattern, href.split("?")[0]):
            return href.split("?")[0]
    raise AssertionError(f"no link like {pattern} on {page.url}")


DEPUTY = "deputy-a11y"  # a deputy's account, made for this module


@pytest.fixture(scope="module")
def wsgi_server(template_databases, tmp_path_factory):
    """The demo site as production serves it, plus a deputy's account with a
    citizen's message waiting: the deputy's queue is a staff page too."""
    from conftest import make_app
    from fixtures.servers import served
    from sqlalchemy import select

    from hotline.changes import messages
    from hotline.extensions import db
    from hotline.models import Deputy, Role, User

    prepared = tmp_path_factory.mktemp("a11y-data")
    app = make_app(template_databases["demo"], prepared)
    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).where(Deputy.active).order_by(Deputy.id))
        user = User(username=DEPUTY, role=Role.DEPUTY, deputy_id=deputy_id)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        messages.receive(deputy_id, text="村口的路灯坏了三个月", area="东港村", name="", phone="")
        db.session.commit()
        db.session.remove()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    with served(
        prepared / "hotline.sqlite3",
        tmp_path_factory.mktemp("a11y-live"),
        HOTLINE_LOGIN_LIMIT="600 per minute",
        HOTLINE_2FA_LIMIT="600 per minute",
    ) as site:
        yield site[0]


def found(html: str, pattern: str) -> str:
    """The first address in a page's HTML matching `pattern` (one group)."""
    match = re.search(pattern, html)
    assert match, f"no address like {pattern}"
    return match.group(1)


@pytest.fixture(scope="module")
def addresses(wsgi_server, browser):
    """One address of each page type, found by following the site's own links;
    the desk's first show is taken live, so a live console is among them."""
    from fixtures.servers import desk_session, first_show_live, signed_in_session

    context = browser.new_context(bypass_csp=True)  # evaluate_all needs script
    page = context.new_page()
    page.goto(f"{wsgi_server}/")
    commitment = first_link(page, "/commitments/", r"/commitments/\d+")
    page.goto(f"{wsgi_server}/lists/results")
    code = page.locator("[data-version-code]").first.get_attribute("data-version-code")
    page.goto(f"{wsgi_server}/deputies")
    deputy = first_link(page, "/deputies/", r"/deputies/\d+")
    desk, token = desk_session(wsgi_server)
    live = first_show_live(wsgi_server, desk, token)
    page.goto(f"{wsgi_server}/shows")
    ended = next(
        href
        for href in page.locator("a[href^='/shows/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href').split('?')[0])"
        )
        if re.fullmatch(r"/shows/\d+", href) and href != f"/shows/{live}"
    )
    close_in_time(context)
    console = desk.get(f"{wsgi_server}/desk{ended}", timeout=10).text
    call = found(console, r'href="(/desk/calls/\d+)"')
    dossier = desk.get(f"{wsgi_server}/desk{ended}/dossier", timeout=10).text
    dossier_department = found(dossier, r'href="(/desk/shows/\d+/dossier/\d+)"')
    queue = signed_in_session(wsgi_server, DEPUTY).get(f"{wsgi_server}/deputy/", timeout=10).text
    message = found(queue, r'href="(/deputy/messages/\d+)"')
    public = {
        "board": "/",
        "commitment": commitment,
        "shows": "/shows",
        "show": ended,
        "live show": f"/shows/{live}",
        "departments": "/departments",
        "deputies": "/deputies",
        "deputy": deputy,
        "message to a deputy": f"{deputy}/message",
        "lists": "/lists/",
        "list": "/lists/results",
        "report": "/lists/report",
        "hot spots": "/lists/hotspots",
        "track": "/track",
        "overlay": f"{ended}/overlay",
        "rundown": f"{ended}/rundown",
        "verification code": f"/v/{code}",
        "verification code lookup": "/v/",
        "topics": f"{ended}/topics",
        "follow": "/follow",
        "sign-in": "/auth/login",
    }
    account = {"sign-in security": "/auth/factors", "sessions": "/auth/sessions"}
    staff = {
        "host": {
            "desk": "/desk/",
            "desk console, ended show": "/desk" + ended,
            "desk console, live show": f"/desk/shows/{live}",
            "call editor": call,
            "desk topics": "/desk" + ended + "/topics",
            "hot spots for the office": "/followup/hotspots",
            "desk dossier": "/desk" + ended + "/dossier",
            "dossier of a department": dossier_department,
            "own password": "/auth/password",
            **account,
        },
        "housing": {
            "department console": "/desk/department",
            "authenticator app set-up": "/auth/factors/app",
            **account,
        },
        "office": {
            "follow-up dashboard": "/followup/",
            "follow-up item": "/followup" + commitment,
            "admin": "/admin/",
            "audit trail": "/admin/audit",
            "API tokens": "/admin/tokens",
            "response templates": "/admin/replies",
            **account,
        },
        DEPUTY: {"deputy's queue": "/deputy/", "deputy's message": message},
    }
    return public, staff


def at_second_step(context, base: str, username: str):
    """A page at the sign-in's second step (/auth/verify): password given."""
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/verify" in url)
    return page


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


def empty_table_headers(page) -> list[str]:
    """Table header cells with nothing a screen reader could announce."""
    return page.locator("th").evaluate_all(
        """cells => cells.filter(th => !(th.innerText.trim() || th.getAttribute("aria-label")
                                         || th.querySelector("[aria-label], img[alt]")))
                         .map(th => th.closest("table").id || th.closest("table").className)"""
    )


def axe_everywhere(page, base: str, pages: dict[str, str]) -> list[str]:
    """Every page in both languages at a phone's and a desktop's width: axe's
    serious and critical findings, and empty table headers."""
    problems = []
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 800})
        for lang in LANGS:
            for name, path in pages.items():
                page.goto(f"{base}{path}?lang={lang}")
                where = f"{name} ({path}, {lang}, {width} px)"
                problems += [f"{where}: {v}" for v in serious_violations(page)]
                problems += [f"{where}: empty header in {t}" for t in empty_table_headers(page)]
    return problems


# bypass_csp only so the test can inject axe; the site's CSP stays as served.


def test_public_pages_have_no_serious_axe_violations(wsgi_server, contexts, addresses):
    public, _ = addresses
    page = contexts(bypass_csp=True).new_page()
    assert axe_everywhere(page, wsgi_server, public) == []


@pytest.mark.parametrize("username", ["host", "housing", "office", DEPUTY])
def test_staff_pages_have_no_serious_axe_violations(wsgi_server, contexts, addresses, username):
    _, staff = addresses
    page = browser_login(contexts(bypass_csp=True), wsgi_server, username)
    assert axe_everywhere(page, wsgi_server, staff[username]) == []


def test_the_second_step_of_signing_in_has_no_serious_axe_violations(wsgi_server, contexts):
    page = at_second_step(contexts(bypass_csp=True), wsgi_server, "office")
    assert axe_everywhere(page, wsgi_server, {"second step": "/auth/verify"}) == []


NARROWEST = 320  # CSS px: WCAG 1.4.10, reflow without panning sideways


@pytest.mark.parametrize("lang", LANGS)
def test_no_public_page_pans_sideways_at_320_px(wsgi_server, contexts, addresses, lang):
    public, _ = addresses
    # bypass_csp lets the test read scrollWidth; layout does not depend on the CSP.
    page = contexts(bypass_csp=True, viewport={"width": NARROWEST, "height": 740}).new_page()
    too_wide = {}
    for name, path in public.items():
        if name == "overlay":  # a 1920×1080 picture for the broadcast, not a page
            continue
        page.goto(f"{wsgi_server}{path}?lang={lang}")
        width = page.locator("html").evaluate("html => html.scrollWidth")
        if width > NARROWEST:
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
