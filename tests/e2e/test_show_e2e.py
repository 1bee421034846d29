"""A show run by its whole crew at once, in one headless Chromium against
`python wsgi.py` (eventlet, as in production), each person in a context of
their own: the host and the director on laptops (the director also watches
the preview page), two panel liaisons on phones, a citizen on the show page,
and the program and preview renderers as OBS browser sources.

The citizen asks; the director approves it for the wall; the citizen sees it
and upvotes; both desks see the count. The host cues a name super, the
director's preview shows it, the director takes it with F8 and program shows
it until its auto-out; the QR code goes on. The crew talk on the back channel
(desks and phones, never the citizen or the overlay). The program renderer is
closed and the desk flags it; it comes back and the flag clears. Every staff
block pushed by one person's action is used by another (no CSRF failure)."""

import shutil
import sqlite3

import pytest
from fixtures.browsers import browser_login
from fixtures.servers import free_port, start_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
FULL_HD = {"width": 1920, "height": 1080}
WAIT = 20_000  # ms: a functional wait (the desk refetches its renderer list every 4 s)
QUESTION = "冬天供暖不达标，能不能上门测温？"
SUPER = "李明 · 市人大代表 · 第3席"
SECRETS = ("住建局局长，请准备", "局长已到场", "请追问：测温何时上门？", "钱多多", "13700000088")


@pytest.fixture
def show_site(template_databases, tmp_path):
    """The demo served, with a director (导播 周宁: a second moderator) beside
    the host; yields (base URL, the scheduled show's id)."""
    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    with sqlite3.connect(db_path) as conn:
        show_id = conn.execute("SELECT id FROM shows WHERE status = 'scheduled'").fetchone()[0]
        conn.execute(
            "INSERT INTO users (username, display_name, password_hash, role, active, "
            "session_token, created_at) SELECT 'director', '导播 周宁', password_hash, role, "
            "active, lower(hex(randomblob(32))), created_at FROM users WHERE username = 'host'"
        )
    port = free_port()
    process = start_server(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": "show-test",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
            "HOTLINE_CUE_AUTO_OUT": "super=5",
            "HOTLINE_TALLY_STALE_SECONDS": "8",
            "HOTLINE_TALLY_GRACE_SECONDS": "2",
            "HOTLINE_LOGIN_LIMIT": "600 per minute",
        },
        port,
    )
    try:
        yield f"http://127.0.0.1:{port}", show_id
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except Exception:
            process.kill()


def connected(page):
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")


def say(page, show_id, text, cue=False):
    form = page.locator(f"#crew-form-{show_id}")
    form.locator(f"#crew{show_id}-note").fill(text)
    if cue:
        form.locator(f"#crew{show_id}-cue").check()
    form.get_by_role("button", name="Send to the crew").click()
    expect(page.locator(f"#crew{show_id}-note")).to_have_value("")


def renderer_id(page) -> str:
    return page.evaluate("() => sessionStorage.getItem('hotline-renderer')")


def test_the_crew_runs_a_show_together(show_site, contexts):
    base, show_id = show_site
    console = f"{base}/desk/shows/{show_id}?lang=en"

    # Before the show: the host writes a name super and takes the show live.
    host = browser_login(contexts(viewport=LAPTOP), base, "host")
    host.goto(f"{base}/desk/shows/{show_id}/supers?lang=en")
    host.fill("#name", "李明")
    host.fill("#line", "市人大代表 · 第3席")
    host.click("#super-form button[type=submit]")
    expect(host.locator("#supers")).to_contain_text("第3席")
    host.goto(console)
    connected(host)
    host.click("button[value=live]")
    expect(host.locator("#show-header .live-badge")).to_be_visible()
    connected(host)

    # The rest of the crew, the renderers and a citizen.
    director = browser_login(contexts(viewport=LAPTOP), base, "director")
    director.goto(console)
    connected(director)
    monitor = director.context.new_page()  # the director's preview page
    monitor.goto(f"{base}/shows/{show_id}/preview?lang=en")
    expect(monitor.locator("#preview-mark")).to_be_visible()
    liaisons = []
    for name in ("housing", "transport"):  # both departments are on the show's panel
        phone = browser_login(contexts(viewport=PHONE), base, name)
        phone.goto(f"{base}/desk/department?lang=en")
        connected(phone)
        liaisons.append(phone)
    obs = contexts(viewport=FULL_HD)
    program = obs.new_page()
    program.goto(f"{base}/shows/{show_id}/overlay?lang=en")
    preview = contexts(viewport=FULL_HD).new_page()
    preview.goto(f"{base}/shows/{show_id}/preview?lang=en")
    citizen = contexts(viewport=PHONE).new_page()
    citizen.goto(f"{base}/shows/{show_id}?lang=en")
    connected(citizen)

    # Every renderer reports in, each with its role; nothing is flagged.
    tally = host.locator("#tally")
    expect(tally.locator("[data-renderer]")).to_have_count(3, timeout=WAIT)
    expect(tally.locator('[data-role="program"]')).to_have_count(1)
    expect(tally.locator('[data-role="preview"]')).to_have_count(2)
    expect(tally).to_have_attribute("data-tally-flagged", "0", timeout=WAIT)

    # --- the question wall ---------------------------------------------------------
    asker = citizen.context.new_page()
    asker.goto(f"{base}/shows/{show_id}/ask?lang=en")
    asker.fill("#question", QUESTION)
    asker.fill("#area", "古楼街道")
    asker.fill("#name", "钱多多")
    asker.fill("#phone", "13700000088")
    asker.get_by_role("button", name="Send").click()
    expect(asker.locator(".flash")).to_contain_text("with the show's moderator")
    asker.close()
    for desk in (host, director):
        expect(desk.locator("#questions")).to_contain_text(QUESTION)
    # The director approves it from the queue block the citizen's question pushed.
    queued = director.locator("#questions .question", has_text=QUESTION)
    queued.get_by_role("button", name="Approve for the wall").click()
    entries = [d.locator("#desk-wall li", has_text=QUESTION) for d in (host, director)]
    for entry in entries:
        expect(entry.locator(".wall-count")).to_have_text("0 upvotes")
    wall = citizen.locator("#wall")
    expect(wall).to_contain_text(QUESTION)
    wall.get_by_role("button", name="Upvote").click()
    expect(wall).to_contain_text("You upvoted this.")
    for entry in entries:
        expect(entry.locator(".wall-count")).to_have_text("1 upvote")
    # The host highlights it from the panel the citizen's upvote pushed.
    entries[0].get_by_role("button", name="Highlight").click()
    expect(entries[1]).to_have_attribute("data-state", "highlighted")
    expect(wall).to_contain_text("Highlighted by the moderator")

    # --- cue → preview → take: a name super with its auto-out -------------------------
    host.select_option("#cue-super", label=SUPER)
    host.click('[data-cue-add="super"]')
    expect(director.locator("#cue-list")).to_contain_text("李明")
    for page in (monitor, preview):
        expect(page.locator("#lower-third")).to_have_attribute("data-state", "on")
        expect(page.locator("#lower-third")).to_contain_text("第3席")
    card = program.locator("#lower-third")
    expect(card).to_have_attribute("data-state", "off")
    # The preview renderers show what is in preview: not flagged against program.
    previews = tally.locator('[data-role="preview"]')
    for n in range(2):
        expect(previews.nth(n)).to_contain_text("Name super", timeout=WAIT)
    expect(tally).to_have_attribute("data-tally-flagged", "0")
    # The director takes it with F8 (the cue block the host's action pushed).
    director.locator("#topic").focus()
    director.keyboard.press("F8")
    for desk in (host, director):
        expect(desk.locator("#on-air")).to_have_attribute("data-on-air", "super")
    expect(card).to_have_attribute("data-state", "on")
    expect(card).to_have_attribute("data-kind", "super")
    expect(card).to_contain_text("李明")
    row = tally.locator('[data-role="program"]')
    expect(row).to_contain_text("Name super", timeout=WAIT)
    expect(row).to_have_attribute("data-state", "ok")
    # Its auto-out (5 s here): program hides it and every desk hears so.
    expect(card).to_have_attribute("data-state", "off", timeout=15_000)
    for desk in (host, director):
        expect(desk.locator("#on-air")).to_have_attribute("data-on-air", "none", timeout=15_000)

    # --- the QR code: the director cues it, the host takes it ---------------------------
    director.click('[data-cue-add="qr"]')
    expect(preview.locator("#qr-bug")).to_have_attribute("data-state", "on")
    expect(host.locator("#cue-list")).to_contain_text("QR code")
    host.locator("#topic").focus()
    host.keyboard.press("F8")
    bug = program.locator("#qr-bug")
    expect(bug).to_have_attribute("data-state", "on")
    expect(bug).to_be_visible()
    expect(bug).to_contain_text("Scan to ask")

    # --- the back channel ---------------------------------------------------------------
    crew = (host, director, *liaisons)
    say(host, show_id, "下一位嘉宾是住建局局长，请准备")
    for page in crew:
        notes = page.locator(f"#crew-notes-{show_id}")
        note = notes.locator("li.crew-note", has_text="住建局局长，请准备")
        expect(note).to_have_count(1, timeout=WAIT)
    field = liaisons[1].locator(f"#crew{show_id}-note")
    field.fill("局长已到场，两分钟后可上")
    field.press("Enter")
    expect(field).to_have_value("")
    for page in crew:
        expect(page.locator(f"#crew-notes-{show_id} li").first).to_contain_text("局长已到场")
    for page in liaisons:  # the phones keep their width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A cue card from the director; the host takes it down with the pushed button.
    say(director, show_id, "请追问：测温何时上门？", cue=True)
    cue_card = host.locator(f"#crew-cue-{show_id}")
    expect(cue_card).to_contain_text("请追问：测温何时上门？", timeout=WAIT)
    cue_card.get_by_role("button", name="Done: take the card down").click()
    expect(cue_card).to_be_hidden()
    expect(director.locator(f"#crew-cue-{show_id}")).to_be_hidden()
    for page in liaisons:
        expect(page.locator(f"#crew-notes-{show_id}")).to_contain_text("请追问：测温何时上门？")

    # --- a renderer stops: the desk flags it ------------------------------------------
    program_id, preview_id = renderer_id(program), renderer_id(preview)
    rows = [d.locator(f'#tally [data-renderer="{program_id}"]') for d in (host, director)]
    program.close()
    for desk, row in zip((host, director), rows, strict=True):
        expect(row).to_have_attribute("data-state", "disconnected", timeout=WAIT)
        expect(desk.locator("#tally")).to_have_attribute("data-tally-flagged", "1")
    # The director reloads the preview source from the block the disconnect pushed.
    preview.evaluate("() => { window.beforeReload = true; }")
    director.locator(f'[data-tally-reload="{preview_id}"]').click()
    preview.wait_for_function("() => window.beforeReload === undefined", timeout=WAIT)
    expect(preview.locator("#preview-mark")).to_be_visible()
    # Restored: the same browser source opens the page again; the flag clears.
    obs.add_init_script(f"sessionStorage.setItem('hotline-renderer', '{program_id}')")
    program = obs.new_page()
    program.goto(f"{base}/shows/{show_id}/overlay?lang=en")
    expect(program.locator("#qr-bug")).to_have_attribute("data-state", "on")
    for desk, row in zip((host, director), rows, strict=True):
        expect(row).to_have_attribute("data-state", "ok", timeout=WAIT)
        expect(desk.locator("#tally")).to_have_attribute("data-tally-flagged", "0", timeout=WAIT)
    expect(tally.locator("[data-renderer]")).to_have_count(3)

    # No session met a CSRF failure or a network error on the way.
    for page in crew:
        expect(page.locator("#net-error")).to_be_hidden()
        expect(page.locator("#resubmit")).to_have_count(0)
    # Nothing of the back channel, nor who asked, reached the public pages.
    for page in (citizen, program, preview):
        text = page.content()
        for secret in (*SECRETS, "导播 周宁"):
            assert secret not in text, secret
