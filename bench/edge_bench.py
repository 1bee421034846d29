"""The public edge: a logged call reaching N viewers through nchan, side by side.

For each N, in one run and with the same viewer clients:
- **app via nchan**: `python wsgi.py` with HOTLINE_EDGE_PUBLISH_URL, nginx
  with deploy/nginx.conf (nchan on Redis), N WebSocket viewers subscribed to
  the show's channel as static/live.js subscribes (ws+meta.nchan); the
  moderator logs a call over HTTP;
- **bare nchan**: the same nginx, the same viewers, and the same bytes (the
  message the app published, captured by a viewer) POSTed straight to nchan's
  publisher: the ceiling of nginx + nchan + Redis + this harness;
- **app via Socket.IO**: the app as in the embedded shape, N python-socketio
  AsyncClient viewers in the room (bench/harness.py's path).

Per N: p50/p99 of the time from the trigger to the last viewer having the
change, the ratio app via nchan / bare nchan, memory per viewer at the edge
(the nginx workers' RSS growth / N; the app's for Socket.IO) and the server
CPU per push (nginx workers, plus the app process where it runs). The viewers
are split over two client processes (each holds its own file descriptors);
their clocks agree (CLOCK_MONOTONIC). Sizes above what the file-descriptor
limit allows are lowered to fit (`ulimit -n`; each viewer is a descriptor in
a client process and one in an nginx worker).

Usage: python bench/edge_bench.py [--sizes 1000,5000,max] [--rounds 20]
       [--skip-socketio-above 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    CONNECT_AT_ONCE,
    HOST,
    ROOT,
    DemoDatabase,
    Desk,
    Server,
    aiohttp,
    app_server,
    free_port,
    ms,
    percentile,
    rounds_at,
)

CLIENTS = 2  # client processes the viewers are split over
NCHAN = "/usr/lib/nginx/modules/ngx_nchan_module.so"
REDIS = os.environ.get("HOTLINE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
HEADROOM = 100  # descriptors each process keeps for everything else


def largest_size() -> int:
    """The most viewers the file-descriptor limit lets one run hold: split over
    CLIENTS client processes, and over nginx's workers on the other side."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return (soft - HEADROOM) // 100 * 100


# --- the viewers, in client processes ----------------------------------------------


def client_main(conn, kind: str, url: str, room: str, count: int) -> None:
    """One client process: `count` viewers of `kind` ("nchan" or "socketio"),
    driven by commands over `conn`."""
    import logging

    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    logging.getLogger("socketio.client").setLevel(logging.CRITICAL)
    asyncio.run(_client(conn, kind, url, room, count))


async def _client(conn, kind: str, url: str, room: str, count: int) -> None:
    loop = asyncio.get_running_loop()
    counts = [0] * count
    state = {"per_round": 10**9, "done": 0, "at": 0.0, "first": None}
    finished = asyncio.Event()
    clients = []

    def arrived(index: int, text: str) -> None:
        now = time.perf_counter()
        if index == 0 and state["first"] is None:
            state["first"] = text
        counts[index] += 1
        if counts[index] == state["per_round"]:
            state["done"] += 1
            if state["done"] == count:
                state["at"] = now
                finished.set()

    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    http = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=120)
    )

    async def nchan_viewer(index: int):
        async with gate:
            ws = await http.ws_connect(url, protocols=("ws+meta.nchan",), origin=url.split("/e")[0])
        # A new subscriber gets the channel's last message first: that one is no push.
        try:
            await asyncio.wait_for(ws.receive(), 0.5)
        except TimeoutError:
            pass

        async def read():
            async for message in ws:
                text = message.data if isinstance(message.data, str) else ""
                arrived(index, text.split("\n\n", 1)[-1])

        loop.create_task(read())
        return ws

    async def socketio_viewer(index: int):
        import socketio

        client = socketio.AsyncClient(reconnection=False)
        client.on("swap", lambda data: arrived(index, data["html"]), namespace="/live")
        async with gate:
            await client.connect(
                url, namespaces=["/live"], transports=["websocket"], wait_timeout=60
            )
            await client.call("join", {"rooms": [room]}, namespace="/live", timeout=60)
        return client

    make = nchan_viewer if kind == "nchan" else socketio_viewer
    made = await asyncio.gather(*(make(i) for i in range(count)), return_exceptions=True)
    clients = [c for c in made if not isinstance(c, BaseException)]
    failed = [e for e in made if isinstance(e, BaseException)]
    conn.send(("connected", len(clients), repr(failed[0]) if failed else ""))
    while True:
        command, arg = await loop.run_in_executor(None, conn.recv)
        if command == "arm":  # a round starts: count from zero
            state.update(per_round=arg, done=0, at=0.0, first=None)
            counts[:] = [0] * count
            finished.clear()
            conn.send(("armed", None))
        elif command == "wait":  # until every viewer here has the round's messages
            try:
                await asyncio.wait_for(finished.wait(), arg)
                conn.send(("done", state["at"]))
            except TimeoutError:
                conn.send(("timeout", state["done"]))
        elif command == "tally":  # the warm-up: what viewer 0 got
            conn.send(("tally", (counts[0], state["first"])))
        elif command == "close":
            for c in clients:
                try:
                    await (c.close() if kind == "nchan" else c.disconnect())
                except Exception:  # noqa: S110 - closing thousands, one may be gone
                    pass
            await http.close()
            conn.send(("closed", None))
            return


class Crowd:
    """N viewers over CLIENTS processes."""

    def __init__(self, kind: str, url: str, room: str, n: int):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for i in range(CLIENTS):
            mine, theirs = context.Pipe()
            count = n // CLIENTS + (1 if i < n % CLIENTS else 0)
            process = context.Process(target=client_main, args=(theirs, kind, url, room, count))
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)
        problems = []
        for pipe in self.pipes:
            _tag, connected, error = self._recv(pipe, 600)
            if error:
                problems.append(error)
        if problems:
            self.close()
            raise RuntimeError(f"viewers could not connect: {problems[0]}")

    @staticmethod
    def _recv(pipe, seconds: float):
        if not pipe.poll(seconds):
            raise RuntimeError("a client process did not answer")
        return pipe.recv()

    def arm(self, per_round: int) -> None:
        for pipe in self.pipes:
            pipe.send(("arm", per_round))
        for pipe in self.pipes:
            self._recv(pipe, 60)

    def wait(self, seconds: float = 60) -> float:
        for pipe in self.pipes:
            pipe.send(("wait", seconds))
        ends = [self._recv(pipe, seconds + 30) for pipe in self.pipes]
        if any(tag != "done" for tag, _ in ends):
            raise RuntimeError(f"a round did not reach every viewer: {ends}")
        return max(at for _tag, at in ends)

    def tally(self) -> tuple[int, str]:
        self.pipes[0].send(("tally", None))
        return self._recv(self.pipes[0], 60)[1]

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("close", None))
                self._recv(pipe, 180)
            except (OSError, RuntimeError, EOFError):
                pass
        for process in self.processes:
            process.join(30)
            if process.is_alive():
                process.kill()


# --- nginx with deploy/nginx.conf ----------------------------------------------------


class Nginx:
    """deploy/nginx.conf on loopback ports, its edge on Redis under a namespace
    of this run's; `workers()` are the processes that hold the viewers."""

    def __init__(self, app_port: int, listen: int, publish: int):
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not (os.path.exists(self.binary) and os.path.exists(NCHAN)):
            raise RuntimeError("nginx and libnginx-mod-nchan are needed (scripts/ensure-nginx.sh)")
        self.folder = Path(tempfile.mkdtemp(prefix="hotline-edge-bench-"))
        (self.folder / "logs").mkdir()
        self.listen, self.publish = listen, publish
        conf = (ROOT / "deploy/nginx.conf").read_text()
        namespace = f"bench_{uuid.uuid4().hex[:8]}"
        conf = re.sub(
            r"(?:^\s*server 127\.0\.0\.1:\d+;\n)+",
            f"        server {HOST}:{app_port};\n",
            conf,
            count=1,
            flags=re.M,
        )
        for old, new in {
            "listen 80;": f"listen {HOST}:{self.listen};",
            "listen 127.0.0.1:8081;": f"listen {HOST}:{self.publish};",
            "alias /srv/hotline/static/;": f"alias {ROOT}/static/;",
            "include mime.types;": "include /etc/nginx/mime.types;",
            "nchan_redis_server redis://127.0.0.1:6379/0;": f"nchan_redis_server {REDIS};",
            "nchan_redis_namespace hotline_edge;": f"nchan_redis_namespace {namespace};",
            # The whole descriptor limit for the viewers (deploy: 20000 a node).
            "limit_conn edge_viewers 20000;": "limit_conn edge_viewers 60000;",
        }.items():
            assert old in conf, old
            conf = conf.replace(old, new)
        (self.folder / "nginx.conf").write_text(conf)
        user = "" if os.geteuid() else " user root;"
        command = [self.binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")]
        command += ["-e", str(self.folder / "logs/error.log")]
        command += ["-g", f"daemon off; pid {self.folder}/nginx.pid;{user}"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        import socket

        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex((HOST, self.listen)) == 0 and len(self.workers()) >= 1:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start")

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.listen}{path}"

    def workers(self) -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid and (
                    # Workers only: the cache loader is a child too, and leaves.
                    b"worker process" in _read_bytes(f"/proc/{entry}/cmdline")
                ):
                    found.append(int(entry))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:  # the process has gone meanwhile
        return b""


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        found = re.search(rb"VmRSS:\s+(\d+) kB", _read_bytes(f"/proc/{pid}/status"))
        total += int(found.group(1)) if found else 0
    return total


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        stat = _read_bytes(f"/proc/{pid}/stat")
        if not stat:
            continue
        fields = stat.rsplit(b")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


# --- one size ---------------------------------------------------------------------------


def timed_rounds(crowd: Crowd, trigger, per_round: int, rounds: int) -> list[float]:
    times = []
    for i in range(1, rounds + 1):
        crowd.arm(per_round)
        start = time.perf_counter()
        trigger(i)
        times.append(crowd.wait() - start)
        time.sleep(0.1)  # let the round settle before the next one
    return times


def discover(crowd: Crowd, trigger) -> tuple[int, str]:
    """One warm-up change: how many messages it brings a viewer, and the first."""
    crowd.arm(10**9)
    trigger(0)
    deadline = time.monotonic() + 60  # thousands of sockets: viewer 0 may wait its turn
    while not crowd.tally()[0] and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # every message of the change has arrived by then
    got, first = crowd.tally()
    if not got:
        raise RuntimeError("the warm-up change reached no viewer")
    return got, first


class SyncDesk:
    """harness.Desk driven from this (synchronous) process, one loop."""

    def __init__(self, base: str):
        self.loop = asyncio.new_event_loop()

        async def made() -> Desk:  # its HTTP session belongs to this loop
            return Desk(base)

        self.desk = self.loop.run_until_complete(made())
        self.room = self.loop.run_until_complete(self.desk.open())

    def log(self, i: int) -> None:
        self.loop.run_until_complete(self.desk.log_call(i))

    def close(self) -> None:
        self.loop.run_until_complete(self.desk.close())
        self.loop.close()


class _Desks:
    """Desks to close whatever happens (their HTTP sessions)."""

    def __init__(self):
        self.open: list[SyncDesk] = []

    def close_all(self) -> None:
        while self.open:
            desk = self.open.pop()
            if not desk.loop.is_closed():
                desk.close()


desk_made = _Desks()


def closing(desk: SyncDesk) -> SyncDesk:
    desk_made.open.append(desk)
    return desk


def edge_app(database: DemoDatabase, port: int, publish: int) -> Server:
    """`python wsgi.py` publishing to nchan at `publish` (no Socket.IO viewers)."""
    env = {
        "DATABASE_URL": database.fresh_url(),
        "SECRET_KEY": "bench",
        "HOTLINE_ASYNC_MODE": "eventlet",
        "HOTLINE_EDGE_PUBLISH_URL": f"http://{HOST}:{publish}/edge/pub",
    }
    return Server(["wsgi.py"], env, port=port, pinned=False)


def measure_edge(database: DemoDatabase, n: int, rounds: int) -> tuple[dict, dict]:
    """The app via nchan, then bare nchan publishing the same bytes, on the
    same nginx and the same viewers."""
    app_port, listen, publish = free_port(), free_port(), free_port()
    app = edge_app(database, app_port, publish)
    nginx = None
    crowd = None
    try:
        nginx = Nginx(app_port, listen, publish)
        desk = closing(SyncDesk(app.url))
        workers = nginx.workers()
        rss_before = rss_kb(workers)
        crowd = Crowd("nchan", nginx.url(f"/edge/sub/zh_CN/{desk.room}"), desk.room, n)
        rss_after = rss_kb(workers)
        per_round, body = discover(crowd, desk.log)
        cpu = cpu_seconds(workers), cpu_seconds([app.process.pid])
        times = timed_rounds(crowd, desk.log, per_round, rounds)
        edge_cpu = cpu_seconds(workers) - cpu[0]
        app_cpu = cpu_seconds([app.process.pid]) - cpu[1]
        desk.close()
        app_row = {
            "p50": percentile(times, 0.5),
            "p99": percentile(times, 0.99),
            "rss_kb": (rss_after - rss_before) / n,
            "cpu_ms": 1000 * (edge_cpu + app_cpu) / rounds,
            "edge_cpu_ms": 1000 * edge_cpu / rounds,
            "bytes": len(body.encode()),
            "messages": per_round,
        }
        # The bare relay: the same bytes POSTed straight to the publisher.
        import http.client

        publisher = http.client.HTTPConnection(HOST, publish, timeout=30)
        path = f"/edge/pub/zh_CN/{desk.room}"

        def post(_i: int) -> None:
            publisher.request("POST", path, body.encode(), {"Content-Type": "application/json"})
            response = publisher.getresponse()
            response.read()
            assert response.status in (201, 202), response.status

        discover(crowd, post)
        cpu = cpu_seconds(workers)
        times = timed_rounds(crowd, post, per_round, rounds)
        edge_cpu = cpu_seconds(workers) - cpu
        publisher.close()
        bare_row = {
            "p50": percentile(times, 0.5),
            "p99": percentile(times, 0.99),
            "rss_kb": app_row["rss_kb"],
            "cpu_ms": 1000 * edge_cpu / rounds,
        }
        return app_row, bare_row
    finally:
        if crowd is not None:
            crowd.close()
        if nginx is not None:
            nginx.stop()
        app.stop()
        desk_made.close_all()


def measure_socketio(database: DemoDatabase, n: int, rounds: int) -> dict:
    """The app's own Socket.IO path (the embedded shape), the same clients' processes."""
    app = app_server("eventlet", database.fresh_url(), n, pinned=False)
    crowd = None
    try:
        desk = closing(SyncDesk(app.url))
        before = app.rss_kb()
        crowd = Crowd("socketio", app.url, desk.room, n)
        after = app.rss_kb()
        per_round, _first = discover(crowd, desk.log)
        cpu = cpu_seconds([app.process.pid])
        times = timed_rounds(crowd, desk.log, per_round, rounds)
        app_cpu = cpu_seconds([app.process.pid]) - cpu
        desk.close()
        return {
            "p50": percentile(times, 0.5),
            "p99": percentile(times, 0.99),
            "rss_kb": (after - before) / n,
            "cpu_ms": 1000 * app_cpu / rounds,
        }
    finally:
        if crowd is not None:
            crowd.close()
        app.stop()
        desk_made.close_all()


def one_size(database: DemoDatabase, n: int, rounds: int, socketio_up_to: int) -> dict:
    rounds = rounds_at(n, rounds)
    row = {"viewers": n, "rounds": rounds}
    app, bare = measure_edge(database, n, rounds)
    row.update(
        app_p50=app["p50"],
        app_p99=app["p99"],
        bare_p50=bare["p50"],
        bare_p99=bare["p99"],
        ratio_p99=app["p99"] / bare["p99"],
        edge_rss_kb=app["rss_kb"],
        app_cpu_ms=app["cpu_ms"],
        app_edge_cpu_ms=app["edge_cpu_ms"],
        bare_cpu_ms=bare["cpu_ms"],
        bytes=app["bytes"],
    )
    if n <= socketio_up_to:
        try:
            sio = measure_socketio(database, n, rounds)
            row.update(
                sio_p50=sio["p50"],
                sio_p99=sio["p99"],
                sio_rss_kb=sio["rss_kb"],
                sio_cpu_ms=sio["cpu_ms"],
            )
        except Exception as error:  # the size one process cannot hold: say so
            row["sio_failed"] = str(error)[:200]
    else:
        row["sio_failed"] = f"not run above {socketio_up_to:,} viewers"
    return row


def run(sizes: list[int], rounds: int, socketio_up_to: int = 5000) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="hotline-edge-bench-") as folder:
        database = DemoDatabase(Path(folder))
        for n in sizes:
            try:
                rows.append(one_size(database, n, rounds, socketio_up_to))
            except Exception as error:
                rows.append({"viewers": n, "failed": str(error)[:300]})
            print_row(rows[-1])
    return rows


def print_row(r: dict) -> None:
    if "failed" in r:
        print(f"edge N={r['viewers']:5}  failed: {r['failed']}", flush=True)
        return
    sio = (
        f"socketio p50 {ms(r['sio_p50'])} p99 {ms(r['sio_p99'])}"
        f" RSS/viewer {r['sio_rss_kb']:.1f} kB CPU/push {r['sio_cpu_ms']:.0f} ms"
        if "sio_p99" in r
        else f"socketio: {r['sio_failed']}"
    )
    print(
        f"edge N={r['viewers']:5}  app via nchan p50 {ms(r['app_p50'])} p99 {ms(r['app_p99'])}"
        f"  bare nchan p50 {ms(r['bare_p50'])} p99 {ms(r['bare_p99'])}"
        f"  ratio p99 {r['ratio_p99']:.2f}  edge RSS/viewer {r['edge_rss_kb']:.1f} kB"
        f"  CPU/push app {r['app_cpu_ms']:.0f} ms (nginx {r['app_edge_cpu_ms']:.0f})"
        f" bare {r['bare_cpu_ms']:.0f} ms  ({r['bytes']} bytes a push)  |  {sio}",
        flush=True,
    )


def parse_sizes(text: str) -> list[int]:
    top = largest_size()
    sizes = []
    for part in text.split(","):
        n = top if part == "max" else int(part)
        sizes.append(min(n, top))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,max")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--skip-socketio-above", type=int, default=5000)
    args = parser.parse_args()
    rows = run(parse_sizes(args.sizes), args.rounds, args.skip_socketio_above)
    sys.exit(1 if any("failed" in r for r in rows) else 0)


if __name__ == "__main__":
    main()
