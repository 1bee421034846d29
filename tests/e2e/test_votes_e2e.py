"""Viewers' votes (网友投票) in real browsers over a real server (`python
wsgi.py`, eventlet, votes paced as in production): a viewer watching the show
page sees the voting box arrive when the desk puts a call on air and votes
from it; a second viewer votes with JavaScript off; the overlay, open in
another browser, shows the online count beside the studio's placards as it
grows, and so does the first viewer's page. The open box reads well on a
phone (axe, as in test_a11y.py) and is no wider than one."""

import sqlite3

import pytest
from fixtures.servers import desk_session, first_show_live, served
from playwright.sync_api import expect
from test_a11y import serious_violations

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


def _desk_post(desk, base: str, token: str, path: str, data: dict) -> None:
    response = desk.post(f"{base}{path}", data={**data, "csrf_token": token}, timeout=10)
    assert response.status_code == 200, (path, response.status_code)  # after the redirect


def test_a_viewer_votes_and_the_overlay_shows_it_beside_the_placards(
    browser, contexts, template_databases, tmp_path
):
    with served(template_databases["demo"], tmp_path) as (base, db_path, _process):
        desk, token = desk_session(base)
        show_id = first_show_live(base, desk, token)
        topic = "菜市场排水沟堵塞"
        _desk_post(desk, base, token, f"/desk/shows/{show_id}/calls", {"topic": topic})
        with sqlite3.connect(db_path) as conn:
            call_id, version = conn.execute(
                "SELECT id, version FROM calls WHERE show_id = ? AND topic = ?", (show_id, topic)
            ).fetchone()
        placards = {"satisfied": "12", "basic": "3", "dissatisfied": "1"}
        _desk_post(
            desk,
            base,
            token,
            f"/desk/calls/{call_id}/placard",
            {f"placard-{k}": v for k, v in placards.items()}
            | {"placard-version": str(version), "placard-idem": "p1"},
        )

        watcher = contexts().new_page()
        watcher.goto(f"{base}/shows/{show_id}?lang=en")
        box = watcher.locator("#votes")
        expect(box).to_contain_text("No answer is on air right now")
        expect(watcher.locator("#live-status")).to_have_attribute("data-state", "connected")

        _desk_post(
            desk, base, token, f"/desk/shows/{show_id}/on-air", {"kind": "call", "item": call_id}
        )
        overlay = contexts(viewport=FULL_HD).new_page()
        overlay.goto(f"{base}/shows/{show_id}/overlay?lang=en")
        strip = overlay.locator(f"#overlay-votes-{call_id}")
        expect(strip).to_be_visible()
        expect(strip).to_contain_text("Studio placards")
        expect(strip).to_contain_text("Online viewers")
        for value, count in placards.items():
            expect(strip.locator(f'[data-placard="{value}"] b')).to_have_text(count)
        expect(strip.locator('[data-online="satisfied"] b')).to_have_text("0")

        # The box came with the push; its form takes the page's own token.
        expect(box).to_contain_text(topic)
        box.get_by_role("button", name="Satisfied", exact=True).click()
        expect(box).to_contain_text("You voted: Satisfied. Thank you.")
        expect(strip.locator('[data-online="satisfied"] b')).to_have_text("1")
        expect(strip.locator('[data-placard="satisfied"] b')).to_have_text("12")

        # Another viewer at home, JavaScript off: a plain form, back to the page.
        plain = contexts(java_script_enabled=False, user_agent="Viewer without scripts").new_page()
        plain.goto(f"{base}/shows/{show_id}?lang=en")
        plain.locator("#vote-form").get_by_role("button", name="Dissatisfied").click()
        expect(plain.locator(".flash")).to_contain_text("Thank you: your vote has been counted.")
        expect(plain.locator(f'#vote-tally-{call_id} [data-online="dissatisfied"]')).to_have_text(
            "1"
        )

        # Both reach the overlay and the first viewer's page as they come in.
        expect(strip.locator('[data-online="dissatisfied"] b')).to_have_text("1")
        tally = watcher.locator(f"#vote-tally-{call_id}")
        expect(tally.locator('[data-online="dissatisfied"]')).to_have_text("1")
        expect(tally.locator('[data-online="satisfied"]')).to_have_text("1")
        expect(tally.locator('[data-placard="satisfied"]')).to_have_text("12")
        with sqlite3.connect(db_path) as conn:
            placard_now = conn.execute(
                "SELECT placard_satisfied, placard_basic, placard_dissatisfied FROM calls"
                " WHERE id = ?",
                (call_id,),
            ).fetchone()
        assert placard_now == (12, 3, 1)  # the studio's count is the studio's

        for lang in ("zh_CN", "en"):  # the box open, on a narrow phone
            phone = contexts(bypass_csp=True, viewport={"width": 360, "height": 800}).new_page()
            phone.goto(f"{base}/shows/{show_id}?lang={lang}")
            expect(phone.locator("#vote-form")).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360
            assert serious_violations(phone) == [], lang
