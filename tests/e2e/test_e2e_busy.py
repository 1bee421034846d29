"""In a real browser: when the database is busy (another process holds the
SQLite write lock) a moderator's save answers 503, and the page says "busy,
your text is kept, try again" in the page's language, leaving the form as it
was; once the lock is gone the same Enter saves the call."""

from __future__ import annotations

import pytest
from e2e.test_e2e_desk import open_live_console
from fixtures.browsers import browser_login
from fixtures.servers import served
from playwright.sync_api import expect
from scale.test_sqlite_busy import HeldLock

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_server(template_databases, tmp_path):
    with served(template_databases["demo"], tmp_path, HOTLINE_DB_BUSY_SECONDS="1") as site:
        yield site[0], site[1]


def test_a_busy_database_says_so_and_keeps_the_text(busy_server, contexts):
    base, db_path = busy_server
    desk = browser_login(contexts(), base, "host")
    open_live_console(desk, base)
    banner = desk.locator("#net-error")

    lock = HeldLock(db_path)
    try:
        desk.locator("#topic").fill("锁住时打进来的电话")
        desk.locator("#topic").press("Enter")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("网站一时繁忙")
        expect(banner).not_to_contain_text("服务器出现问题")
        expect(desk.locator("#topic")).to_have_value("锁住时打进来的电话")
    finally:
        lock.release()

    desk.locator("#topic").press("Enter")
    expect(desk.locator("#desk-calls li").first).to_contain_text("锁住时打进来的电话")
    expect(banner).to_be_hidden()
