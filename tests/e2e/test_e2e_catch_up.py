"""Pages catch up over plain HTTP when pushes can't reach them: after a
reconnect, and at local midnight when "due today" turns "overdue"."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from realtime.test_board_live import open_commitment_id, report_done

from hotline.extensions import db
from hotline.models import Commitment
from hotline.realtime import pushes

pytestmark = pytest.mark.browser


def test_a_page_that_was_offline_refetches_on_reconnect(live_server, contexts):
    app = live_server.app
    cid = open_commitment_id(app)
    page = contexts().new_page()
    page.goto(f"{live_server}/commitments/{cid}?lang=en")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "connected")
    expect(page.locator(".current-status")).to_contain_text("Due in")

    page.evaluate("window.hotlineLive.socket.disconnect()")  # the phone goes offline
    expect(status).to_have_attribute("data-state", "disconnected")
    with app.test_request_context("/?lang=en"):
        item = db.session.get(Commitment, cid)
        report_done(item)
        db.session.commit()
        pushes.commitment_changed(item)  # pushed while this page can't hear it

    refetches = []
    page.on("request", lambda r: refetches.append(r.url) if r.headers.get("hx-request") else None)
    page.evaluate("window.hotlineLive.socket.connect()")  # back online
    expect(status).to_have_attribute("data-state", "connected")
    expect(page.locator(".current-status")).to_contain_text("awaiting verification")
    page.wait_for_timeout(500)
    assert any(f"/commitments/{cid}" in url for url in refetches)  # caught up over HTTP


def test_open_pages_catch_up_at_local_midnight(live_server, contexts):
    """A page with live regions refetches them; one without reloads."""
    for path, kind in (
        (f"/commitments/{open_commitment_id(live_server.app)}", "xhr"),
        ("/departments", "document"),
    ):
        page = contexts().new_page()
        page.goto(f"{live_server}{path}")
        at = page.locator("main").get_attribute("data-refetch-at")
        midnight = datetime.fromisoformat(at.replace("Z", "+00:00"))
        page.clock.install(time=midnight - timedelta(seconds=5))
        page.reload()
        seen = []
        page.on("request", lambda r, seen=seen: seen.append((r.resource_type, r.url)))
        page.clock.run_for(90_000)  # past midnight and its spread of up to a minute
        page.wait_for_timeout(1000)
        assert any(t == kind and path in url for t, url in seen), (path, seen)
