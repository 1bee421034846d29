"""Writes on SQLite under concurrent moderators: writes per second and p95.

Starts `python wsgi.py` (eventlet, as in production) on a fresh demo SQLite
database, takes a show live and has N clients (threads, each its own signed-in
session, as moderators at several desks) log calls as fast as the server
answers, the way the console does it (htmx POST, answered with the fresh form
and the new row; before issue 14, with the whole call list). It prints writes
per second over the run and the median and 95th percentile of the request
times. Target: 50 writes/s at 10 clients.

By default every client logs into one live show, so its call list grows to
hundreds of calls (the worst case for code that renders it again). With a third
argument K each client runs its own shows of K calls (a real show has ~11):
it schedules one, takes it live, logs K calls, and starts the next; only the
call POSTs are timed.

HOTLINE_BENCH_WATCHED=1: every show is watched, as on air: beside each client,
a public viewer of the show page and of its overlay, and a desk on the show and
on the routed department, each in Chinese and in English (four Socket.IO
connections per client, joined to the rooms of its current show). Without it
nobody listens, and a server that renders only for rooms someone is in renders
no push at all; with it every push is rendered for every language.

HOTLINE_BENCH_RATE=50: an open loop instead. The clients together offer that
many calls per second, evenly spaced (each its share), and a call's time runs
from the moment it was due, so a server that falls behind shows it in the
times. This gives the times at a given load; the closed loop (the default,
every client sending again as soon as it is answered) gives the most the
server does, with times that are mostly the queue of the other clients.

Usage: python bench/write_bench.py [clients] [seconds] [calls_per_show]
HOTLINE_BENCH_ROOT=/path/to/another/checkout runs another version of the code.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(os.environ.get("HOTLINE_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 15
PER_SHOW = int(sys.argv[3]) if len(sys.argv) > 3 else 0
MODE = os.environ.get("HOTLINE_ASYNC_MODE", "eventlet")
WATCHED = os.environ.get("HOTLINE_BENCH_WATCHED") == "1"
RATE = float(os.environ.get("HOTLINE_BENCH_RATE") or 0)  # calls/s offered; 0: closed loop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, process, output) -> None:
    for _ in range(150):
        if process.poll() is not None:
            output.seek(0)
            sys.exit(f"server exited:\n{output.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit("server did not start")


def signed_in(url: str, username: str = "host") -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{url}/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    session.post(
        f"{url}/auth/login",
        data={"username": username, "password": "hotline-demo", "csrf_token": token},
    )
    listing = session.get(f"{url}/desk/").text
    return session, re.search(r'csrf-token" content="([^"]+)"', listing)[1]


def new_live_show(session: requests.Session, url: str, csrf: str, title: str) -> str:
    response = session.post(
        f"{url}/desk/shows/new",
        data={
            "title": title,
            "kind": "hotline",
            "starts_at": time.strftime("%Y-%m-%dT%H:%M"),
            "departments": ["1", "2"],
            "csrf_token": csrf,
        },
        allow_redirects=False,
    )
    show_id = re.search(r"/desk/shows/(\d+)", response.headers["Location"])[1]
    session.post(f"{url}/desk/shows/{show_id}/status", data={"action": "live", "csrf_token": csrf})
    return show_id


def in_english(url: str, cookies=None) -> requests.Session:
    """A session (signed in if `cookies` are a signed-in one's) that chose English."""
    session = requests.Session()
    if cookies is not None:
        session.cookies.update(cookies)
    session.get(f"{url}/?lang=en")
    return session


class Watchers:
    """A viewer of the show page and its overlay, and a desk on the show and on
    department 1 (where the calls go), in each language: what a logged call
    reaches on air. `watch(show_id)` moves them to another show."""

    def __init__(self, url: str, desk_cookies) -> None:
        self.url = url
        public_en = in_english(url)
        desk_en = in_english(url, desk_cookies)
        self.sessions = [
            ("/live", requests.Session().cookies),
            ("/live", public_en.cookies),
            ("/desk", desk_cookies),
            ("/desk", desk_en.cookies),
        ]
        self.clients: list[socketio.Client] = []
        self.received = 0  # swaps that reached them (checks they listen where it matters)

    def _count(self, _data) -> None:
        self.received += 1

    def watch(self, show_id: str) -> None:
        self.close()
        for namespace, cookies in self.sessions:
            client = socketio.Client()
            client.on("swap", self._count, namespace=namespace)
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            client.connect(
                self.url,
                namespaces=[namespace],
                transports=["websocket"],
                headers={"Cookie": cookie} if cookie else {},
            )
            rooms = [f"show:{show_id}"]
            rooms.append(f"overlay:{show_id}" if namespace == "/live" else "department:1")
            client.call("join", {"rooms": rooms}, namespace=namespace, timeout=10)
            self.clients.append(client)

    def close(self) -> None:
        for client in self.clients:
            client.disconnect()
        self.clients = []


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hotline-writes-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/hotline.sqlite3",
        "SECRET_KEY": "bench",
        "HOTLINE_ASYNC_MODE": MODE,
    }
    flask = [sys.executable, "-m", "flask", "--app", "hotline", "setup"]
    subprocess.run(flask, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    # To a file: a pipe nobody reads fills with the request log (Werkzeug's,
    # in threading mode) and stops the server.
    output = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"],
        cwd=ROOT,
        env={**env, "HOTLINE_PORT": str(port)},
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_listening(port, process, output)
    url = f"http://127.0.0.1:{port}"
    try:
        desk, token = signed_in(url)
        listing = desk.get(f"{url}/desk/").text
        show_id = re.search(r'href="/desk/shows/(\d+)"', listing)[1]
        desk.post(
            f"{url}/desk/shows/{show_id}/status", data={"action": "live", "csrf_token": token}
        )
        times: list[float] = []
        statuses: dict[int, int] = {}
        received = [0]
        lock = threading.Lock()
        start = threading.Event()
        stop_at = [0.0]

        def client(n: int) -> None:
            # The same signed-in moderator at several desks (sign-in is rate limited).
            session = requests.Session()
            session.cookies.update(desk.cookies)
            headers = {"HX-Request": "true", "X-CSRFToken": token}
            mine = show_id
            watchers = Watchers(url, desk.cookies) if WATCHED else None
            if watchers and not PER_SHOW:
                watchers.watch(show_id)
            start.wait()
            i = 0
            interval = CLIENTS / RATE if RATE else 0.0
            due = stop_at[0] - SECONDS + n * interval / CLIENTS  # the clients take turns
            while time.perf_counter() < stop_at[0]:
                if PER_SHOW and i % PER_SHOW == 0:
                    mine = new_live_show(session, url, token, f"压测专线 {n}-{i}")
                    if watchers:
                        watchers.watch(mine)
                    # Setting up a show is not a call: its time is not charged to the next.
                    due = max(due, time.perf_counter())
                began = time.perf_counter()
                if RATE:
                    if due > began:
                        time.sleep(due - began)
                    began, due = due, due + interval  # timed from when it was due
                response = session.post(
                    f"{url}/desk/shows/{mine}/calls",
                    data={"topic": f"压测来电 {n}-{i}：小区路灯不亮", "department": "1"},
                    headers=headers,
                )
                elapsed = time.perf_counter() - began
                with lock:
                    times.append(elapsed)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                i += 1
            if watchers:
                watchers.close()
                with lock:
                    received[0] += watchers.received

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        stop_at[0] = began + SECONDS
        start.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    ok = statuses.get(200, 0)
    p95 = statistics.quantiles(times, n=20)[-1] * 1000
    shape = f"{PER_SHOW} calls per show" if PER_SHOW else "one show"
    shape += ", watched (4 sockets per client)" if WATCHED else ", nobody watching"
    shape += f", open loop: {RATE:g} calls/s offered" if RATE else ", closed loop"
    print(f"clients: {CLIENTS}, seconds: {SECONDS:.0f}, {shape}, async mode: {MODE}, code: {ROOT}")
    print(f"statuses: {dict(sorted(statuses.items()))}")
    if WATCHED:
        print(f"pushes received by the watchers: {received[0]}")
    print(f"writes/s: {ok / elapsed:6.1f}  (calls logged; shows created are not counted)")
    print(f"median:   {statistics.median(times) * 1000:6.0f} ms")
    print(f"p95:      {p95:6.0f} ms")


if __name__ == "__main__":
    main()
