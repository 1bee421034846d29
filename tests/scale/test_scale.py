"""Scale-out shape: two server processes on PostgreSQL, sharing live updates
through Redis. A call logged on one process reaches a viewer on the other."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio as socketio_client
from fixtures.databases import fresh_postgres_database
from fixtures.servers import signed_in_session

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


@pytest.fixture(scope="module")
def cluster_database(postgres_url):
    with fresh_postgres_database(postgres_url) as database_url:
        yield database_url


@pytest.fixture(scope="module")
def cluster(cluster_database, redis_url):
    """Two `python wsgi.py` processes on one fresh PostgreSQL database and Redis."""
    yield from _cluster(cluster_database, redis_url)


def _cluster(database_url: str, redis_url: str):
    name = database_url.rsplit("/", 1)[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # A channel of our own, so parallel runs never hear each other.
        "HOTLINE_MESSAGE_QUEUE": redis_url,
        "HOTLINE_SOCKETIO_CHANNEL": name,
        "SECRET_KEY": "shared-by-every-process",
        "HOTLINE_ASYNC_MODE": "threading",
        # Sign-ins are counted in the shared Redis: a test's desks are not an attack.
        "HOTLINE_LOGIN_LIMIT": "600 per minute",
    }
    setup = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hotline", "setup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    servers, ports = [], []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "wsgi.py"],
                cwd=ROOT,
                env={**env, "HOTLINE_PORT": str(port)},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            servers.append(process)
            wait_for_port(port, process)
            ports.append(port)
        yield [f"http://127.0.0.1:{p}" for p in ports]
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=10)


def signed_in(base: str, username: str) -> requests.Session:
    return signed_in_session(base, username)  # the office's second step too


def test_call_logged_on_one_process_reaches_a_viewer_on_the_other(cluster):
    first, second = cluster
    desk = signed_in(first, "host")
    listing = desk.get(f"{first}/desk/").text  # the scheduled show is listed first
    show_id = int(re.search(r'href="/desk/shows/(\d+)"', listing).group(1))
    token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
    desk.post(f"{first}/desk/shows/{show_id}/status", data={"action": "live", "csrf_token": token})

    received = []
    viewer = socketio_client.Client(reconnection=False)
    viewer.on("swap", received.append, namespace="/live")
    # Long-polling only: the shape that still works where WebSockets are blocked.
    viewer.connect(second, namespaces=["/live"], transports=["polling"])
    try:
        ack = viewer.call("join", {"rooms": [f"show:{show_id}"]}, namespace="/live", timeout=10)
        assert f"show:{show_id}" in ack
        response = desk.post(
            f"{first}/desk/shows/{show_id}/calls",
            data={
                "topic": "跨进程的来电",
                "caller_name": "慕容复",
                "caller_phone": "13700009999",
                "csrf_token": token,
            },
            allow_redirects=False,
        )
        assert response.status_code == 303
        deadline = time.monotonic() + 15
        while not received and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        viewer.disconnect()
    assert received, "the viewer on the other process got nothing"
    assert "跨进程的来电" in received[0]["html"]
    assert "慕容复" not in received[0]["html"] and "13700009999" not in received[0]["html"]


def test_socket_connections_from_another_site_are_refused(cluster):
    viewer = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        viewer.connect(
            cluster[0],
            namespaces=["/live"],
            transports=["polling"],
            headers={"Origin": "https://evil.example"},
        )


def test_socket_connections_from_the_site_itself_are_accepted(cluster):
    viewer = socketio_client.Client(reconnection=False)
    viewer.connect(
        cluster[0], namespaces=["/live"], transports=["polling"], headers={"Origin": cluster[0]}
    )
    assert viewer.connected
    viewer.disconnect()


def test_signing_out_on_one_process_ends_the_cookie_on_the_other(cluster):
    """The session check is in the database, not the cookie alone: a copied
    cookie stops working on process B the moment the user signs out on A."""
    a, b = cluster
    liaison = signed_in(a, "housing")
    thief = requests.Session()
    thief.cookies.update(liaison.cookies)
    assert thief.get(f"{b}/desk/department", allow_redirects=False).status_code == 200
    page = liaison.get(f"{a}/desk/department").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    out = liaison.post(f"{a}/auth/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status_code == 302
    assert thief.get(f"{b}/desk/department", allow_redirects=False).status_code == 302


def test_desks_on_two_processes_logging_at_once_all_get_their_calls_numbered(cluster):
    """Two moderators, each with two desks open, on different processes, log
    calls back to back at the same moments: none is turned away (the show's
    row is locked while a number is taken), and the numbers run 1, 2, 3...
    with no gap or repeat."""
    from concurrent.futures import ThreadPoolExecutor

    first, second = cluster
    desks = []
    for base, username in ((first, "host"), (second, "office")):
        session = signed_in(base, username)
        listing = session.get(f"{base}/desk/").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
        tab = requests.Session()  # a second tab: the same sign-in
        tab.cookies.update(session.cookies)
        desks += [(base, session, token), (base, tab, token)]
    base, session, token = desks[0]
    listing = session.get(f"{base}/desk/").text
    show_id = int(re.search(r'href="/desk/shows/(\d+)"', listing).group(1))
    session.post(
        f"{base}/desk/shows/{show_id}/status", data={"action": "live", "csrf_token": token}
    )
    before = len(re.findall(r'id="desk-call-', session.get(f"{base}/desk/shows/{show_id}").text))
    per_desk = 12

    def log_calls(n: int) -> list[int]:
        base, session, token = desks[n]
        statuses = []
        for i in range(per_desk):
            response = session.post(
                f"{base}/desk/shows/{show_id}/calls",
                data={"topic": f"同时登记 {n}-{i}"},
                headers={"HX-Request": "true", "X-CSRFToken": token},
                timeout=30,
            )
            statuses.append(response.status_code)
        return statuses

    with ThreadPoolExecutor(len(desks)) as pool:
        statuses = [s for result in pool.map(log_calls, range(len(desks))) for s in result]
    assert statuses == [200] * len(statuses)
    page = desks[0][1].get(f"{first}/desk/shows/{show_id}").text
    numbers = sorted(int(n) for n in re.findall(r'<span class="num">#(\d+)</span>', page))
    assert numbers == list(range(1, before + len(desks) * per_desk + 1))


def test_a_desk_taking_a_number_waits_for_the_show_row_another_holds(cluster, cluster_database):
    """The lock itself: while another transaction holds the show's row (FOR
    SHARE: an insert's foreign-key check alone would not wait for that), a
    logged call waits for it (PostgreSQL says so), then goes through."""
    import threading

    from sqlalchemy import create_engine, text

    first, _second = cluster
    desk = signed_in(first, "host")
    listing = desk.get(f"{first}/desk/").text
    show_id = int(re.search(r'href="/desk/shows/(\d+)"', listing).group(1))
    token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
    desk.post(f"{first}/desk/shows/{show_id}/status", data={"action": "live", "csrf_token": token})
    engine = create_engine(cluster_database)
    answers = []
    try:
        with engine.connect() as holder, engine.connect() as watcher:
            holder.execute(text("SELECT id FROM shows WHERE id = :id FOR SHARE"), {"id": show_id})
            logging = threading.Thread(
                target=lambda: answers.append(
                    desk.post(
                        f"{first}/desk/shows/{show_id}/calls",
                        data={"topic": "等号的来电"},
                        headers={"HX-Request": "true", "X-CSRFToken": token},
                        timeout=30,
                    )
                )
            )
            logging.start()
            waiting = 0
            deadline = time.monotonic() + 15
            while not waiting and time.monotonic() < deadline:
                waiting = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
                watcher.commit()
                time.sleep(0.05)
            assert waiting == 1, "the logged call did not wait for the show's row"
            assert not answers
            holder.commit()  # the other transaction ends: the call goes through
            logging.join(30)
    finally:
        engine.dispose()
    assert answers[0].status_code == 200 and "等号的来电" in answers[0].text
