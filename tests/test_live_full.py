"""A viewer the server turns away (HOTLINE_MAX_VIEWERS reached) is told so on
the page, in its language, instead of a silent "reconnecting" forever; the
rest of the page works as plain HTML meanwhile."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import free_port, start_server
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def full_server(template_databases, tmp_path_factory):
    """`python wsgi.py` (eventlet) whose public side is always full."""
    folder = tmp_path_factory.mktemp("full")
    db_path = folder / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    port = free_port()
    process = start_server(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": "full-server-test",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
            "HOTLINE_MAX_VIEWERS": "0",
        },
        port,
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


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
