"""The crew's back channel (节目组留言) in real headless Chromium against
`python wsgi.py`: two moderators on laptops and a liaison on a phone exchange
notes live while the show is on air; a cue card (主持人提示卡) appears in big
type on the host's console, is taken down from the block pushed to another
desk, and never reaches the overlay or the citizen's page."""

import shutil
import sqlite3

import pytest
from fixtures.browsers import browser_login
from fixtures.servers import free_port, start_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def crew_site(template_databases, tmp_path):
    """The demo served, with a second moderator (导播 周宁) beside the host; yields
    (base URL, the scheduled show's id)."""
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
            "SECRET_KEY": "crew-test",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
        },
        port,
    )
    try:
        yield f"http://127.0.0.1:{port}", show_id
    finally:
        process.terminate()
        process.wait(timeout=10)


def connected(page):
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")


def say(page, show_id, text, cue=False):
    form = page.locator(f"#crew-form-{show_id}")
    form.locator(f"#crew{show_id}-note").fill(text)
    if cue:
        form.locator(f"#crew{show_id}-cue").check()
    form.get_by_role("button", name="发给节目组").click()
    # The sender's form comes back fresh, ready for the next note.
    expect(page.locator(f"#crew{show_id}-note")).to_have_value("")


def test_two_moderators_and_a_liaison_on_a_phone_talk_live(crew_site, contexts):
    base, show_id = crew_site
    host = browser_login(contexts(viewport=LAPTOP), base, "host")
    host.goto(f"{base}/desk/shows/{show_id}")
    connected(host)
    host.locator("button[value=live]").click()
    expect(host.locator("#show-header .live-badge")).to_be_visible()
    connected(host)

    director = browser_login(contexts(viewport=LAPTOP), base, "director")
    director.goto(f"{base}/desk/shows/{show_id}")
    connected(director)
    liaison = browser_login(contexts(viewport=PHONE), base, "housing")
    liaison.goto(f"{base}/desk/department")
    connected(liaison)
    overlay = contexts(viewport={"width": 1920, "height": 1080}).new_page()
    overlay.goto(f"{base}/shows/{show_id}/overlay")
    citizen = contexts(viewport=PHONE).new_page()
    citizen.goto(f"{base}/shows/{show_id}")
    connected(citizen)

    # The host writes; the director and the liaison's phone see it at once, once.
    say(host, show_id, "下一位嘉宾是住建局局长，请准备")
    for page in (host, director, liaison):
        notes = page.locator(f"#crew-notes-{show_id}")
        expect(notes).to_contain_text("下一位嘉宾是住建局局长，请准备")
        expect(notes).to_contain_text("导播 陈晨")
        expect(notes.locator("li.crew-note", has_text="住建局局长，请准备")).to_have_count(1)

    # The liaison answers from the phone (Enter sends); both desks see it, named.
    field = liaison.locator(f"#crew{show_id}-note")
    field.fill("局长已到场，两分钟后可上")
    field.press("Enter")
    expect(field).to_have_value("")
    for page in (host, director):
        notes = page.locator(f"#crew-notes-{show_id}")
        expect(notes.locator("li").first).to_contain_text("局长已到场，两分钟后可上")
        expect(notes.locator("li").first).to_contain_text("住建局联络员 王磊")
    # The phone keeps its width: nothing pans sideways.
    assert liaison.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The director sends a cue card: big on the host's console, not on the liaison's.
    topic_at = host.locator("#topic").bounding_box()
    say(director, show_id, "请追问：整改何时完成？", cue=True)
    card = host.locator(f"#crew-cue-{show_id}")
    expect(card).to_be_visible()
    expect(card).to_contain_text("请追问：整改何时完成？")
    expect(card).to_contain_text("主持人提示卡")
    text_size = "el => parseFloat(getComputedStyle(el).fontSize)"
    size = card.locator(".crew-cue-text").evaluate(text_size)
    assert size >= 32, size
    # It sits over the console: the call form beneath it has not moved.
    assert host.locator("#topic").bounding_box() == topic_at
    expect(director.locator(f"#crew-cue-{show_id}")).to_contain_text("请追问：整改何时完成？")
    expect(liaison.locator(f"#crew-notes-{show_id}")).to_contain_text("请追问：整改何时完成？")
    expect(liaison.locator(f"#crew-cue-{show_id}")).to_have_count(0)

    # The host takes it down with the button the director's action pushed to them.
    card.get_by_role("button", name="已看：撤下提示卡").click()
    expect(card).to_be_hidden()
    expect(director.locator(f"#crew-cue-{show_id}")).to_be_hidden()
    expect(host.locator(f"#crew-notes-{show_id}")).to_contain_text("请追问：整改何时完成？")
    for page in (director, liaison):  # the note says so in every list
        expect(page.locator(f"#crew-notes-{show_id} li").first).to_contain_text("已撤下")
    for page in (host, director, liaison):
        expect(page.locator("#net-error")).to_be_hidden()

    # Neither the overlay nor the citizen ever saw any of it.
    for page in (overlay, citizen):
        text = page.content()
        for secret in ("请追问", "局长已到场", "住建局局长，请准备", "导播 陈晨"):
            assert secret not in text
    overlay.reload()
    citizen.reload()
    for page in (overlay, citizen):
        assert "请追问" not in page.content() and "局长已到场" not in page.content()
