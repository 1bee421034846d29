"""A viewer the server turns away (HOTLINE_MAX_VIEWERS reached) is told so on
the page, in its language, instead of a silent "reconnecting" forever; the
rest of the page works as plain HTML meanwhile."""

from __future__ import annotations

import pytest
from fixtures.servers import served
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def full_server(template_databases, tmp_path_factory):
    """`python wsgi.py` (eventlet) whose public side is always full."""
    folder = tmp_path_factory.mktemp("full")
    with served(template_databases["demo"], folder, HOTLINE_MAX_VIEWERS="0") as site:
        yield site[0]


def test_a_refused_viewer_sees_the_servers_message(full_server, contexts):
    page = contexts().new_page()
    page.goto(f"{full_server}/")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "full")
    expect(status.locator('[data-when="full"]')).to_be_visible()
    expect(status.locator('[data-when="full"]')).to_have_text("当前观看人数已满，请几分钟后再试。")
    expect(status.locator('[data-when="disconnected"]')).to_be_hidden()
    # The board itself is there, over plain HTTP.
    expect(page.locator("#board")).to_be_visible()


def test_the_message_follows_the_pages_language(full_server, contexts):
    page = contexts().new_page()
    page.goto(f"{full_server}/?lang=en")
    full = page.locator('#live-status [data-when="full"]')
    expect(full).to_be_visible()
    expect(full).to_have_text("Too many viewers right now, try again in a few minutes.")
