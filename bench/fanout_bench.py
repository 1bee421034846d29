"""Live fan-out: the app pushing a logged call to N public viewers, against a
bare Socket.IO server broadcasting the same bytes to the same N clients.

Both servers run as `python` processes in the same async mode (eventlet, as in
production); the viewers are python-socketio clients on WebSockets. For each
round we time from the moment the desk's POST is sent (or the bare server is
asked to broadcast) until every viewer has the event, and print the medians
and their ratio. The app does more than the bare server per change (save the
call, render the block once per language, bump the room's sequence number),
so a ratio near 1 means that work is small next to the fan-out itself.

Usage: python bench/fanout_bench.py [viewers] [rounds]
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

ROOT = Path(__file__).resolve().parent.parent
VIEWERS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
MODE = os.environ.get("HOTLINE_ASYNC_MODE", "eventlet")

BARE_SERVER = """
import os, sys
mode = os.environ["MODE"]
if mode == "eventlet":
    import eventlet; eventlet.monkey_patch()
from flask import Flask, request
from flask_socketio import SocketIO, join_room
app = Flask(__name__)
sio = SocketIO(app, async_mode=mode)

@sio.on("join", namespace="/live")
def join(data):
    for room in data["rooms"]:
        join_room(room, namespace="/live")
    return {room: 0 for room in data["rooms"]}

@app.post("/broadcast")
def broadcast():
    sio.emit("swap", request.get_json(), to="show:1|zh_CN", namespace="/live")
    return "ok"

sio.run(app, host="127.0.0.1", port=int(sys.argv[1]), allow_unsafe_werkzeug=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, process) -> None:
    for _ in range(150):
        if process.poll() is not None:
            sys.exit(f"server exited:\n{process.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit("server did not start")


class Viewers:
    """N socket.io clients in one room, counting swaps as they arrive."""

    def __init__(self, url: str, room: str, n: int):
        self.clients, self.lock, self.count = [], threading.Lock(), 0
        self.done = threading.Event()
        self.expected = n
        self.last_html = ""
        for _ in range(n):
            client = socketio.Client(reconnection=False)
            client.on("swap", self._on_swap, namespace="/live")
            client.connect(url, namespaces=["/live"], transports=["websocket"])
            client.call("join", {"rooms": [room]}, namespace="/live", timeout=10)
            self.clients.append(client)

    def _on_swap(self, data):
        with self.lock:
            self.count += 1
            self.last_html = data["html"]
            if self.count >= self.expected:
                self.done.set()

    def arm(self):
        with self.lock:
            self.count = 0
            self.done.clear()

    def close(self):
        for client in self.clients:
            client.disconnect()


def time_rounds(viewers: Viewers, trigger) -> list[float]:
    times = []
    for i in range(ROUNDS):
        viewers.arm()
        start = time.perf_counter()
        trigger(i)
        if not viewers.done.wait(30):
            sys.exit(f"only {viewers.count} of {viewers.expected} viewers got round {i}")
        times.append(time.perf_counter() - start)
    return times


def app_server(folder: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/hotline.sqlite3",
        "SECRET_KEY": "bench",
        "HOTLINE_ASYNC_MODE": MODE,
    }
    flask = [sys.executable, "-m", "flask", "--app", "hotline", "setup"]
    subprocess.run(flask, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"],
        cwd=ROOT,
        env={**env, "HOTLINE_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_listening(port, process)
    return process, f"http://127.0.0.1:{port}"


def measure_app(folder: Path) -> tuple[list[float], int]:
    process, url = app_server(folder)
    try:
        desk = requests.Session()
        login_page = desk.get(f"{url}/auth/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)[1]
        desk.post(
            f"{url}/auth/login",
            data={"username": "host", "password": "hotline-demo", "csrf_token": token},
        )
        listing = desk.get(f"{url}/desk/").text
        show_id = re.search(r'href="/desk/shows/(\d+)"', listing)[1]
        token = re.search(r'csrf-token" content="([^"]+)"', listing)[1]
        desk.post(
            f"{url}/desk/shows/{show_id}/status", data={"action": "live", "csrf_token": token}
        )
        viewers = Viewers(url, f"show:{show_id}", VIEWERS)

        def log_call(i):
            desk.post(
                f"{url}/desk/shows/{show_id}/calls",
                data={
                    "topic": f"压测来电 {i}：小区路灯不亮",
                    "department": "1",
                    "csrf_token": token,
                },
                allow_redirects=False,
            )

        times = time_rounds(viewers, log_call)
        size = len(viewers.last_html.encode())
        viewers.close()
        return times, size
    finally:
        process.terminate()
        process.wait(10)


def measure_bare(size: int) -> list[float]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", BARE_SERVER, str(port)],
        env={**os.environ, "MODE": MODE},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_listening(port, process)
    url = f"http://127.0.0.1:{port}"
    try:
        viewers = Viewers(url, "show:1|zh_CN", VIEWERS)
        payload = {
            "room": "show:1",
            "target": "#call-list",
            "swap": "afterbegin",
            "html": "x" * size,
            "seq": 1,
        }
        http = requests.Session()
        times = time_rounds(viewers, lambda i: http.post(f"{url}/broadcast", json=payload))
        viewers.close()
        return times
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hotline-fanout-"))
    try:
        app_times, size = measure_app(folder)
        bare_times = measure_bare(size)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    app_ms = statistics.median(app_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    print(f"viewers: {VIEWERS}, rounds: {ROUNDS}, async mode: {MODE}, payload: {size} bytes")
    print(f"app: a logged call reaches every viewer   median {app_ms:8.1f} ms")
    print(f"bare Socket.IO broadcast of same bytes   median {bare_ms:8.1f} ms")
    print(f"ratio app / bare: {app_ms / bare_ms:.2f}")


if __name__ == "__main__":
    main()
