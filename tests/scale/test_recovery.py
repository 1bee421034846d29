"""Recovery after a crash: the real server (`python wsgi.py`, eventlet) killed
with SIGKILL in the middle of a burst of writes comes back on a database that
passes its integrity check, with every write it acknowledged still there (on
SQLite and on PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import requests
from conftest import ROOT
from fixtures.servers import desk_session, first_show_live, free_port, start_server
from sqlalchemy import create_engine, text

WRITERS = 4


def burst_then_kill(env: dict) -> set[str]:
    """Log calls from several desks, SIGKILL the server mid-burst; return the
    topics of the calls the server acknowledged."""
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    desk, token = desk_session(base)
    show_id = first_show_live(base, desk, token)
    acked: set[str] = set()
    lock = threading.Lock()
    killed = threading.Event()

    def writer(n: int) -> None:
        session = requests.Session()
        session.cookies.update(desk.cookies)
        i = 0
        while not killed.is_set():
            topic = f"崩溃前的来电 {n}-{i}"
            try:
                response = session.post(
                    f"{base}/desk/shows/{show_id}/calls",
                    data={"topic": topic, "department": "1", "csrf_token": token},
                    allow_redirects=False,
                    timeout=10,
                )
            except requests.RequestException:
                return  # the server is gone: this write was never acknowledged
            if response.status_code == 303:
                with lock:
                    acked.add(topic)
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    while len(acked) < 40:
        time.sleep(0.02)
    os.kill(server.pid, signal.SIGKILL)
    killed.set()
    server.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=15)
    with lock:
        return set(acked)


def restart_and_read_topics(env: dict) -> str:
    port = free_port()
    server = start_server(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/", timeout=10).status_code == 200
        desk, _token = desk_session(base)
        return desk.get(f"{base}/desk/", timeout=10).text
    finally:
        server.terminate()
        server.wait(timeout=10)


def stored_topics(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        topics = {r[0] for r in conn.execute(text("SELECT topic FROM calls"))}
    engine.dispose()
    return topics


def test_sqlite_survives_kill_9_mid_burst(template_databases, tmp_path):
    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    env = {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": "recovery",
        "HOTLINE_ASYNC_MODE": "eventlet",
        "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    acked = burst_then_kill(env)
    assert len(acked) >= 40
    restart_and_read_topics(env)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    missing = acked - stored_topics(f"sqlite:///{db_path}")
    assert not missing, f"acknowledged writes lost: {sorted(missing)[:5]}"


@pytest.mark.postgres
def test_postgresql_survives_kill_9_mid_burst(postgres_database, tmp_path):
    env = {
        "DATABASE_URL": postgres_database,
        "SECRET_KEY": "recovery",
        "HOTLINE_ASYNC_MODE": "eventlet",
        "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hotline", "setup"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    acked = burst_then_kill(env)
    assert len(acked) >= 40
    restart_and_read_topics(env)
    engine = create_engine(postgres_database)
    with engine.connect() as conn:
        # What an integrity check can see from SQL: no call without its show,
        # numbers unique within a show, every call's "logged" event present.
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM calls c LEFT JOIN shows s ON s.id = c.show_id "
                "WHERE s.id IS NULL"
            )
        ).scalar()
        duplicates = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT show_id, number FROM calls "
                "GROUP BY show_id, number HAVING count(*) > 1) d"
            )
        ).scalar()
        unlogged = conn.execute(
            text(
                "SELECT count(*) FROM calls c WHERE NOT EXISTS "
                "(SELECT 1 FROM call_events e WHERE e.call_id = c.id)"
            )
        ).scalar()
    engine.dispose()
    assert (orphans, duplicates, unlogged) == (0, 0, 0)
    missing = acked - stored_topics(postgres_database)
    assert not missing, f"acknowledged writes lost: {sorted(missing)[:5]}"
