"""The question wall (提问墙) in real browsers over a real server (`python
wsgi.py`, eventlet, upvotes paced as in production): a citizen asks from their
phone, the moderator approves the question at the desk, a viewer watching the
show page sees it arrive and upvotes it, the desk's wall panel shows the
count, and the overlay's wall layout, open in another browser, shows it too.
A second viewer upvotes with JavaScript off. The sender's name and phone are
on none of the public pages."""

import pytest
from fixtures.browsers import browser_login
from fixtures.servers import desk_session, first_show_live, served
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}
QUESTION = "菜市场门口能不能划几个临时车位？"


def test_a_question_goes_on_the_wall_is_upvoted_and_shows_on_the_overlay(
    browser, contexts, template_databases, tmp_path
):
    with served(template_databases["demo"], tmp_path) as (base, _db_path, _process):
        desk, token = desk_session(base)
        show_id = first_show_live(base, desk, token)

        # A citizen asks from their phone, leaving a name and number (private).
        phone = contexts(viewport={"width": 390, "height": 800}).new_page()
        phone.goto(f"{base}/shows/{show_id}/ask?lang=en")
        phone.fill("#question", QUESTION)
        phone.fill("#area", "凤凰街道")
        phone.fill("#name", "车主庚庚")
        phone.fill("#phone", "13700000077")
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator(".flash")).to_contain_text("with the show's moderator")

        # A viewer watches the show page; the overlay's wall layout is open in OBS.
        watcher = contexts().new_page()
        watcher.goto(f"{base}/shows/{show_id}?lang=en")
        expect(watcher.locator("#live-status")).to_have_attribute("data-state", "connected")
        expect(watcher.locator("#wall")).to_be_hidden()
        overlay = contexts(viewport=FULL_HD).new_page()
        overlay.goto(f"{base}/shows/{show_id}/overlay?layout=wall&lang=en")
        wall_layer = overlay.locator("#overlay-wall")
        expect(wall_layer).to_have_attribute("data-state", "off")

        # The moderator approves it from the queue.
        console = browser_login(contexts(), base, "host")
        console.goto(f"{base}/desk/shows/{show_id}?lang=en")
        panel = console.locator("#desk-wall")
        expect(panel).to_contain_text("No questions on the wall yet")
        queue = console.locator("#questions")
        expect(queue).to_contain_text(QUESTION)
        mine = queue.locator(".question", has_text=QUESTION)  # (the demo's are there too)
        mine.get_by_role("button", name="Approve for the wall").click()
        expect(panel).to_contain_text(QUESTION)
        expect(panel).to_contain_text("0 upvotes")
        expect(mine).to_contain_text("On the question wall")

        # It arrives on the viewer's page and on the overlay, without its sender.
        wall = watcher.locator("#wall")
        expect(wall).to_contain_text(QUESTION)
        expect(wall_layer).to_have_attribute("data-state", "on")
        expect(wall_layer).to_be_visible()
        expect(wall_layer.locator(".headline")).to_have_text(QUESTION)
        for page in (watcher, overlay):
            html = page.content()
            assert "车主庚庚" not in html and "13700000077" not in html

        # The viewer upvotes (the pushed form takes the page's own token).
        wall.get_by_role("button", name="Upvote").click()
        expect(wall).to_contain_text("You upvoted this.")
        expect(wall.locator(".wall-count")).to_have_text("1 upvote")
        expect(panel).to_contain_text("1 upvote")
        expect(wall_layer.locator(".detail")).to_have_text("1 upvote")

        # Another viewer at home, JavaScript off: a plain form, back to the page.
        plain = contexts(java_script_enabled=False, user_agent="Viewer without scripts").new_page()
        plain.goto(f"{base}/shows/{show_id}?lang=en")
        plain.locator("#wall").get_by_role("button", name="Upvote").click()
        expect(plain.locator(".flash")).to_contain_text("Thank you: your upvote has been counted.")
        expect(plain.locator("#wall .wall-count")).to_have_text("2 upvotes")
        expect(panel).to_contain_text("2 upvotes")
        expect(wall_layer.locator(".detail")).to_have_text("2 upvotes")
        expect(watcher.locator("#wall .wall-count")).to_have_text("2 upvotes")

        # The desk marks it answered: off the overlay, under "Answered" on the page.
        panel.get_by_role("button", name="Mark answered").click()
        expect(wall_layer).to_have_attribute("data-state", "off")
        expect(wall.locator(".wall-answered")).to_contain_text(QUESTION)
