"""A SQLite lock held by another process never freezes the site: against the
real server (`python wsgi.py`, eventlet) while a second process holds the write
lock, reads answer at once, a write waits without blocking anyone and then
answers 503 with Retry-After (never a 500); once the lock is released, the
same form goes through."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
import requests
from fixtures.servers import desk_session, first_show_live, served

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # the write lock, as `flask remind` or a sqlite3 shell holds it
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def server(template_databases, tmp_path):
    with served(template_databases["demo"], tmp_path, HOTLINE_DB_BUSY_SECONDS="2") as site:
        yield site


class HeldLock:
    def __init__(self, db_path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "locked"

    def release(self):
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        self.process.wait(timeout=10)


def test_a_held_lock_lets_reads_through_and_answers_writes_503(server):
    base, db_path, process = server
    desk, token = desk_session(base)
    show_id = first_show_live(base, desk, token)  # asserts the 200
    form = {"topic": "锁住时打进来的电话", "idem": "busy-key-1", "csrf_token": token}
    lock = HeldLock(db_path)
    try:
        # A write starts waiting for the lock...
        result = {}

        def write():
            began = time.monotonic()
            response = desk.post(
                f"{base}/desk/shows/{show_id}/calls",
                data=form,
                headers={"HX-Request": "true", "X-CSRFToken": token},
            )
            result.update(response=response, seconds=time.monotonic() - began)

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.3)
        # ...and meanwhile the public pages and the desk still answer at once.
        for url in (f"{base}/", f"{base}/shows/{show_id}", f"{base}/desk/shows/{show_id}"):
            began = time.monotonic()
            reader = desk if "/desk/" in url else requests
            assert reader.get(url, timeout=10).status_code == 200, url
            assert time.monotonic() - began < 1.0, f"{url} stalled behind the waiting write"
        writer.join(timeout=15)
        response = result["response"]
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        body = response.text
        assert 'id="error-box"' in body and "<html" not in body  # an htmx fragment
        assert "请过几秒再试" in body
        assert 1.5 < result["seconds"] < 5
        # Without htmx: a page, also 503.
        plain = desk.post(f"{base}/desk/shows/{show_id}/calls", data=form, allow_redirects=False)
        assert plain.status_code == 503 and "<html" in plain.text
    finally:
        lock.release()
    # The same form (same idempotency key) now goes through, once.
    again = desk.post(f"{base}/desk/shows/{show_id}/calls", data=form, allow_redirects=False)
    assert again.status_code == 303
    page = desk.get(f"{base}/desk/shows/{show_id}").text
    assert page.count("锁住时打进来的电话") >= 1
    process.terminate()
    log = process.communicate(timeout=10)[0]
    assert "Traceback" not in log and " 500 " not in log


def test_other_database_errors_stay_500_and_are_logged(tmp_path, caplog):
    from hotline import create_app

    app = create_app(
        {
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unmigrated.sqlite3",
            "HOTLINE_ASYNC_MODE": "threading",
        }
    )
    with caplog.at_level("ERROR", logger="hotline.database"):
        response = app.test_client().get("/")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert any("no such table" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
