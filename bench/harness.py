"""The benchmark harness: servers in subprocesses, many asyncio Socket.IO
viewers in this one process, an HTTP load loop, and the machine's description.

Every benchmark measures the app and the bare relay (bench/bare_server.py)
with this same harness in the same run: the bare figure is the harness's own
ceiling, so the ratio app / bare is what the app adds. Loopback only; every
loop is bounded and every server is stopped at the end.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import socketio

# Thousands of clients closing at once each say so; only errors matter here.
logging.getLogger("engineio.client").setLevel(logging.ERROR)
logging.getLogger("socketio.client").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CONNECT_AT_ONCE = 50  # viewers connecting at the same time
ROUND_TIMEOUT = 60  # seconds for one push to reach everyone before we give up


# The cores of the servers under test, once pin_harness() has given them one
# of their own; None: every process runs where the system puts it.
_server_cpus: set[int] | None = None
_all_cpus: set[int] = set()


def pin_harness() -> None:
    """Give each server under test a core of its own and this harness (the
    viewers, and the page load in a process it starts) the other cores.
    Unpinned on two cores, a push sends the viewers' client onto the server's
    core at times, and the server's figures are partly the harness's own;
    real viewers are on other machines. The app and the bare relay get the
    same. Nothing changes below two cores. The benchmarks' main()s call it."""
    global _server_cpus, _all_cpus
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return
    _all_cpus, _server_cpus = set(cpus), {cpus[0]}
    os.sched_setaffinity(0, set(cpus[1:]))


@contextmanager
def unpinned():
    """Processes started inside run where the system puts them (write_bench
    starts a server and its clients of its own, on every core as before)."""
    if _server_cpus is None:
        yield
        return
    mine = os.sched_getaffinity(0)
    os.sched_setaffinity(0, _all_cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, mine)


def rounds_at(n: int, rounds: int) -> int:
    """Rounds at N viewers: p99 of 20 rounds is the worst one, so where
    rounds are short (N ≤ 100) five times as many, whose p99 is the
    second-worst of a hundred, not one unlucky round."""
    return rounds * 5 if n <= 100 else rounds


def pinning() -> str:
    """How the processes were placed, for RESULTS.md."""
    if _server_cpus is None:
        return "not pinned: every process runs where the system puts it"
    return (
        f"each single server under test pinned to core {min(_server_cpus)}, the harness"
        f" (viewers, page load) to the other core{'s' if len(_all_cpus) > 2 else ''};"
        " the three processes of the cluster run unpinned"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1): with few values p99 is the worst."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Server:
    """A server process on a free loopback port; `url`, `rss_kb()`, `stop()`."""

    def __init__(self, args: list[str], env: dict, port: int | None = None, pinned: bool = True):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        # Its output goes to a file: a pipe nobody reads fills up with a
        # server's request log (Werkzeug's, in threading mode) and stops it.
        self.output = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, **env, "HOTLINE_HOST": HOST, "HOTLINE_PORT": str(self.port)},
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if _server_cpus is not None:  # set before the interpreter starts its threads
            os.sched_setaffinity(self.process.pid, _server_cpus if pinned else _all_cpus)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{args[0]} exited:\n{self.log()}")
            with socket.socket() as s:
                if s.connect_ex((HOST, self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{args[0]} did not start on {self.port}")

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read()

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def bare_server(
    mode: str, queue: str | None = None, channel: str = "bench", pinned: bool = True
) -> Server:
    env = {"HOTLINE_ASYNC_MODE": mode, "HOTLINE_SOCKETIO_CHANNEL": channel}
    if queue:
        env["HOTLINE_MESSAGE_QUEUE"] = queue
    return Server(["bench/bare_server.py"], env, pinned=pinned)


def flask_setup(env: dict) -> None:
    """Migrate and load the demo data (shows, departments, staff accounts)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hotline", "setup"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=300,
    )


class DemoDatabase:
    """The demo data in SQLite, set up once; each server gets a fresh copy."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.template = folder / "template.sqlite3"
        flask_setup({"DATABASE_URL": f"sqlite:///{self.template}", "SECRET_KEY": "bench"})
        self.copies = 0

    def fresh_url(self) -> str:
        self.copies += 1
        path = self.folder / f"copy-{self.copies}.sqlite3"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"


def app_server(
    mode: str,
    database_url: str,
    viewers: int,
    pinned: bool = True,
    script: str = "wsgi.py",
    **extra: str,
) -> Server:
    """The app (or bench/floor_server.py, which is the app with a route added)."""
    return Server(
        [script],
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "HOTLINE_ASYNC_MODE": mode,
            "HOTLINE_MAX_VIEWERS": str(viewers + 100),
            "HOTLINE_MAX_CONNECTIONS": str(viewers + 1100),
            **extra,
        },
        pinned=pinned,
    )


@contextmanager
def postgres_database(server_url: str):
    """A new PostgreSQL database for one benchmark, dropped after."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"hotline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}", name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


class Desk:
    """The moderator: signs in over HTTP, takes the first show live, logs calls."""

    def __init__(self, base: str):
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def open(self) -> str:
        """Sign in as `host` and take the first listed show live; returns its room."""
        async with self.http.get(f"{self.base}/auth/login") as r:
            page = await r.text()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"username": "host", "password": "hotline-demo", "csrf_token": token}
        async with self.http.post(f"{self.base}/auth/login", data=form) as r:
            assert r.status == 200, r.status
        async with self.http.get(f"{self.base}/desk/") as r:
            listing = await r.text()
        self.show_id = re.search(r'href="/desk/shows/(\d+)"', listing).group(1)
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
        form = {"action": "live", "csrf_token": self.token}
        async with self.http.post(f"{self.base}/desk/shows/{self.show_id}/status", data=form) as r:
            assert r.status == 200, r.status
        return f"show:{self.show_id}"

    async def log_call(self, i: int) -> None:
        # As the console sends it (htmx): a plain form post would leave a flash
        # message in the session for a page the harness never loads, so the
        # session cookie, and the work of every request, would grow each round.
        form = {"topic": f"压测来电 {i}：小区路灯不亮", "department": "1"}
        headers = {"HX-Request": "true", "X-CSRFToken": self.token}
        url = f"{self.base}/desk/shows/{self.show_id}/calls"
        async with self.http.post(url, data=form, headers=headers) as r:
            assert r.status == 200, r.status

    async def floor(self, sizes: list[int]) -> None:
        """bench/floor_server.py's route: the least a desk's change does."""
        form = {"sizes": ",".join(map(str, sizes))}
        headers = {"HX-Request": "true", "X-CSRFToken": self.token}
        url = f"{self.base}/bench/floor/{self.show_id}"
        async with self.http.post(url, data=form, headers=headers) as r:
            assert r.status == 204, r.status

    async def close(self) -> None:
        await self.http.close()


class Viewers:
    """N public viewers (python-socketio AsyncClient on WebSocket) in one room.

    A round is over when every viewer has received the round's `per_round`
    swap events; its time is from the trigger to the last viewer's last one.
    """

    def __init__(self):
        self.clients: list[socketio.AsyncClient] = []
        self.dropped = 0  # viewers the server disconnected
        self.per_round = 1
        self.sizes: list[int] = []  # sizes of the events viewer 0 got this round
        self._start_round()

    def _start_round(self) -> None:
        self.counts = [0] * len(self.clients)
        self.done = 0
        self.sizes = []
        self.finished_at = 0.0
        self.finished = asyncio.Event()

    def _arrived(self, index: int, data: dict) -> None:
        now = time.perf_counter()
        if index == 0:
            self.sizes.append(len(data["html"].encode()))
        self.counts[index] += 1
        if self.counts[index] == self.per_round:
            self.done += 1
            if self.done == len(self.clients):
                self.finished_at = now
                self.finished.set()

    async def connect(self, urls: list[str], room: str, n: int) -> None:
        """n viewers, spread round-robin over the servers in `urls`."""
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)

        async def one(index: int) -> socketio.AsyncClient:
            client = socketio.AsyncClient(reconnection=False)
            client.on("swap", lambda data: self._arrived(index, data), namespace="/live")
            client.on("disconnect", self._dropped, namespace="/live")
            async with gate:
                await client.connect(
                    urls[index % len(urls)],
                    namespaces=["/live"],
                    transports=["websocket"],
                    wait_timeout=60,
                )
                await client.call("join", {"rooms": [room]}, namespace="/live", timeout=60)
            return client

        made = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
        self.clients = [c for c in made if isinstance(c, socketio.AsyncClient)]
        failed = [e for e in made if isinstance(e, BaseException)]
        if failed:
            await self.close()  # the ones that did connect
            raise RuntimeError(f"{len(failed)} of {n} viewers could not connect: {failed[0]}")
        self._start_round()

    def _dropped(self, *_reason) -> None:
        if self.clients:  # not while closing
            self.dropped += 1

    async def discover(self, trigger) -> list[int]:
        """One warm-up push: how many events, of what sizes, one change sends."""
        self.per_round = 10**9
        self._start_round()
        await trigger(0)
        await asyncio.sleep(1.5)  # every event of the change has arrived by then
        if not self.sizes:
            raise RuntimeError("the warm-up push reached no viewer")
        self.per_round = len(self.sizes)
        return list(self.sizes)

    async def rounds(self, trigger, count: int) -> list[float]:
        times = []
        for i in range(1, count + 1):
            self._start_round()
            start = time.perf_counter()
            await trigger(i)
            try:
                await asyncio.wait_for(self.finished.wait(), ROUND_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(
                    f"round {i}: only {self.done} of {len(self.clients)} viewers got it"
                    f" ({self.dropped} were disconnected by the server)"
                ) from None
            times.append(self.finished_at - start)
            await asyncio.sleep(0.1)  # let the round settle before the next one
        return times

    async def close(self) -> None:
        gate = asyncio.Semaphore(200)

        async def one(client):
            async with gate:
                await client.disconnect()

        clients, self.clients = self.clients, []
        await asyncio.wait_for(asyncio.gather(*(one(c) for c in clients)), 120)


def _http_load_here(url: str, seconds: float, connections: int) -> dict:
    return asyncio.run(http_load(url, seconds, connections))


async def http_load_apart(url: str, seconds: float, connections: int = 50) -> dict:
    """http_load in a process of its own: beside thousands of viewers in this
    one, a push keeps this event loop busy reading their messages, and the
    page's times would be the harness's."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, _http_load_here, url, seconds, connections)


async def http_load(url: str, seconds: float, connections: int = 50) -> dict:
    """GET `url` over `connections` keep-alive connections for `seconds`:
    requests per second and latency percentiles (uncompressed, like wrk)."""
    connector = aiohttp.TCPConnector(limit=connections)
    latencies: list[float] = []
    errors = 0
    headers = {"Accept-Encoding": "identity"}
    # A request that takes longer than this counts as an error, not a hang.
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, headers=headers, timeout=timeout) as http:
        async with http.get(url) as r:  # warm up, and check the page is there
            assert r.status == 200, r.status
            size = len(await r.read())
        end = time.monotonic() + seconds

        async def worker():
            nonlocal errors
            while time.monotonic() < end:
                start = time.perf_counter()
                try:
                    async with http.get(url) as r:
                        await r.read()
                        ok = r.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "size": size,
        "errors": errors,
    }


def machine() -> dict:
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
