"""Run every benchmark and write bench/RESULTS.md (make bench).

Each figure of the app is printed beside the bare relay's (or the static
file's) from the same run and the same harness, and their ratio.

Usage: python bench/run.py [--tiny] [--out bench/RESULTS.md] [--no-cluster]
  --tiny: N=3, a couple of rounds, half a second of load: checks that every
  benchmark still runs (the tests do this); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import busy_board_bench  # noqa: E402
import cluster_bench  # noqa: E402
import edge_bench  # noqa: E402
import fanout_bench  # noqa: E402
import http_bench  # noqa: E402
import modes_bench  # noqa: E402
from harness import machine, ms, pin_harness, pinning, rounds_at, unpinned  # noqa: E402

FULL = {
    "fanout_sizes": [100, 1000, 3000, 5000],
    "floor_sizes": (100,),
    "cluster_sizes": [100, 1000, 3000],
    "mode_sizes": [1000],
    "busy_viewers": 1000,
    "edge_sizes": [1000, 5000, edge_bench.largest_size()],
    "rounds": 20,
    "seconds": 10,
}
TINY = {
    "fanout_sizes": [3],
    "floor_sizes": (3,),
    "cluster_sizes": [3],
    "mode_sizes": [3],
    "busy_viewers": 3,
    "edge_sizes": [3],
    "rounds": 2,
    "seconds": 0.5,
}


def fanout_table(rows: list[dict], processes: bool = False) -> list[str]:
    head = "| mode | processes | viewers |" if processes else "| mode | viewers |"
    lines = [
        head + " app p50 | app p99 | bare p50 | bare p99 | p99 app / bare "
        "| RSS per viewer, app | bare | RSS app / bare |",
        "|" + "---|" * (head.count("|") - 1 + 8),
    ]
    for r in rows:
        first = f"| {r['mode']} |" + (f" {r.get('processes', 1)} |" if processes else "")
        first += f" {r['viewers']:,} |"
        if "failed" in r:
            lines.append(first + f" failed: {r['failed'][:120]} |" + " |" * 7)
            continue
        lines.append(
            first + f" {ms(r['app_p50'])} | {ms(r['app_p99'])} | {ms(r['bare_p50'])} |"
            f" {ms(r['bare_p99'])} | **{r['ratio_p99']:.2f}** | {r['app_rss_kb']:.1f} kB |"
            f" {r['bare_rss_kb']:.1f} kB | **{r['ratio_rss']:.2f}** |"
        )
    return lines


def edge_table(rows: list[dict]) -> list[str]:
    """bench/edge_bench.py: the app via nchan, bare nchan, the app via Socket.IO."""
    lines = [
        "| viewers | app via nchan p50 | p99 | bare nchan p50 | p99 | p99 app / bare "
        "| memory per viewer at the edge | CPU per push: app + nginx | bare nchan "
        "| app via Socket.IO p50 | p99 | RSS per viewer | CPU per push |",
        "|" + "---|" * 13,
    ]
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r['viewers']:,} | failed: {r['failed'][:120]} |" + " |" * 11)
            continue
        sio = (
            f" {ms(r['sio_p50'])} | {ms(r['sio_p99'])} | {r['sio_rss_kb']:.1f} kB |"
            f" {r['sio_cpu_ms']:.0f} ms |"
            if "sio_p99" in r
            else f" {r['sio_failed'][:100]} | | | |"
        )
        lines.append(
            f"| {r['viewers']:,} | {ms(r['app_p50'])} | {ms(r['app_p99'])} |"
            f" {ms(r['bare_p50'])} | {ms(r['bare_p99'])} | **{r['ratio_p99']:.2f}** |"
            f" {r['edge_rss_kb']:.1f} kB | {r['app_cpu_ms']:.0f} ms ({r['app_edge_cpu_ms']:.0f}"
            f" nginx) | {r['bare_cpu_ms']:.0f} ms |" + sio
        )
    return lines


def floor_table(rows: list[dict]) -> list[str]:
    """The rows where the floor server ran (fanout_bench.run's floor_sizes)."""
    lines = [
        "| mode | viewers | app p50 | app p99 | floor p50 | floor p99 | bare p50 | bare p99 "
        "| p99 app / bare | p99 floor / bare |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "floor_p99" not in r:
            continue
        lines.append(
            f"| {r['mode']} | {r['viewers']:,} | {ms(r['app_p50'])} | {ms(r['app_p99'])} |"
            f" {ms(r['floor_p50'])} | {ms(r['floor_p99'])} | {ms(r['bare_p50'])} |"
            f" {ms(r['bare_p99'])} | **{r['ratio_p99']:.2f}** | **{r['ratio_floor_p99']:.2f}** |"
        )
    return lines if len(lines) > 2 else ["(the floor did not run)"]


def http_table(rows: list[dict]) -> list[str]:
    lines = [
        "| mode | board first page | p99 | static file, same size | p99 | board / static "
        "| errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r['mode']} | failed: {r['failed'][:120]} | | | | | |")
            continue
        lines.append(
            f"| {r['mode']} | {r['board_rps']:.0f} req/s | {ms(r['board_p99'])} |"
            f" {r['static_rps']:.0f} req/s | {ms(r['static_p99'])} | **{r['ratio']:.2f}** |"
            f" {r.get('errors', 0)} |"
        )
    return lines


def busy_table(rows: list[dict]) -> list[str]:
    lines = [
        "| mode | viewers | board p99, a push a second | idle p99 | busy / idle"
        " | bare: page p99, a push a second | idle p99 | busy / idle | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['mode']} | {r['viewers']:,} | {ms(r['busy_p99'])} ({r['busy_rps']:.0f} req/s) |"
            f" {ms(r['idle_p99'])} ({r['idle_rps']:.0f} req/s) | **{r['ratio']:.2f}** |"
            f" {ms(r['bare_busy_p99'])} | {ms(r['bare_idle_p99'])} | {r['bare_ratio']:.2f} |"
            f" {r['errors']} |"
        )
    return lines


def board_sizes(tiny: bool) -> list[str]:
    """bench/board_bench.py (100 vs 10,000 commitments, in-process), as it prints."""
    if tiny:
        return ["(not run in tiny mode)"]
    done = subprocess.run(
        [sys.executable, str(HERE / "board_bench.py")], capture_output=True, text=True, check=False
    )
    print(done.stdout, done.stderr, flush=True)
    return (done.stdout or done.stderr).strip().splitlines()


def radar_times(tiny: bool) -> list[str]:
    """bench/radar_bench.py (the desk's radar at 10,000 items, in-process), as it prints."""
    args = ["--items", "20", "--rounds", "2"] if tiny else ["--items", "10000", "--rounds", "60"]
    done = subprocess.run(
        [sys.executable, str(HERE / "radar_bench.py"), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stdout, flush=True)
    return (done.stdout or "failed").strip().splitlines()


WRITE_SHAPES = (  # (watched, offered calls/s or 0 for the closed loop)
    ("0", ""),
    ("1", ""),
    ("0", "50"),
    ("1", "50"),
)


def by_hand(path: Path) -> list[str]:
    """The sections added to RESULTS.md by hand (their heading says "by hand"),
    from the first of them to the end: kept when the file is written again."""
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## ") and "by hand" in line:
            return lines[i:]
    return []


def writes(tiny: bool) -> list[str]:
    """bench/write_bench.py, 10 desks for 15 s in shows of 11 calls, in each
    shape: closed and open loop (50 calls/s offered), nobody and everyone
    watching. One table row per shape."""
    args = ["2", "1", "3"] if tiny else ["10", "15", "11"]
    lines = [
        "| loop | watched | writes/s | median | p95 | statuses |",
        "|---|---|---|---|---|---|",
    ]
    for watched, rate in WRITE_SHAPES:
        env = {**os.environ, "HOTLINE_BENCH_WATCHED": watched, "HOTLINE_BENCH_RATE": rate}
        done = subprocess.run(
            [sys.executable, str(HERE / "write_bench.py"), *args],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        print(done.stdout, done.stderr, flush=True)
        found = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
        loop = f"open, {rate} calls/s offered" if rate else "closed"
        lines.append(
            f"| {loop} | {'yes' if watched == '1' else 'no'} |"
            f" {found.get('writes/s', ' failed').split('(')[0].strip()} |"
            f" {found.get('median', '').strip()} | {found.get('p95', '').strip()} |"
            f" {found.get('statuses', '').strip()} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--no-cluster", action="store_true", help="skip the Redis benchmark")
    args = parser.parse_args()
    plan = TINY if args.tiny else FULL
    pin_harness()
    began = time.monotonic()
    box = machine()
    load_before = os.getloadavg()

    print("== fan-out and RSS per viewer, one process (eventlet)", flush=True)
    fanout = fanout_bench.run(
        plan["fanout_sizes"], plan["rounds"], "eventlet", floor_sizes=plan["floor_sizes"]
    )
    print("== board first page against a static file", flush=True)
    http = http_bench.run(plan["seconds"], mode="eventlet")
    print("== the board while a show is on", flush=True)
    busy = busy_board_bench.run(plan["busy_viewers"], plan["seconds"])
    cluster = []
    if not args.no_cluster:
        print("== fan-out over 3 processes on PostgreSQL + Redis", flush=True)
        cluster = cluster_bench.run(plan["cluster_sizes"], plan["rounds"], 3, "eventlet")
    print("== async modes side by side", flush=True)
    modes = modes_bench.run(plan["mode_sizes"], plan["rounds"], plan["seconds"])
    print("== board size: 100 against 10,000 commitments", flush=True)
    with unpinned():  # these start their processes their own way
        board = board_sizes(args.tiny)
        print("== writes on SQLite: moderators logging calls", flush=True)
        write_rows = writes(args.tiny)
        radar_rows = radar_times(args.tiny)
        # nginx, the app and the viewers' two client processes on every core.
        print("== the public edge: app via nchan, bare nchan, app via Socket.IO", flush=True)
        edge = edge_bench.run(plan["edge_sizes"], plan["rounds"])

    load_after = os.getloadavg()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`bench/run.py{' --tiny' if args.tiny else ''}`) on {when}, "
        f"in {time.monotonic() - began:.0f} s.",
        "",
        f"Machine: {box['cores']} cores ({box['cpu']}), {box['memory_gb']} GB memory, "
        f"Python {box['python']}, {box['system']}. Default async mode: eventlet. "
        "Server and client share the machine: the asyncio client harness (one process, "
        "python-socketio AsyncClient on WebSocket) runs beside the server under test, "
        "and other work on the machine adds noise: the load average (1 min) was "
        f"{load_before[0]:.1f} at the start and {load_after[0]:.1f} at the end "
        "(the client and the server under test account for up to 2 of it; more is "
        "other processes competing for the cores). Placement: "
        f"{pinning()}.",
        "",
        "The bare relay (`bench/bare_server.py`) is a minimal Flask-SocketIO server in the "
        "same async mode that emits the same number of events of the same sizes to the "
        "same viewers through the same harness: its figure is the harness's ceiling, and "
        "the ratio is what the app adds.",
        "",
        "## Fan-out: a logged call reaching N viewers of a live show (one process)",
        "",
        "Time from the moderator's POST to the last viewer having the pushed `swap`, over "
        f"{plan['rounds']} rounds per N ({rounds_at(100, plan['rounds'])} at N ≤ 100, where "
        "rounds are short; p99 of 20 rounds is the worst round). "
        "RSS per viewer: the server's resident memory after connecting and joining N "
        "viewers, less before, divided by N.",
        "",
        *fanout_table(fanout),
        "",
        "## The floor: the least a desk's change costs on this stack",
        "",
        "`bench/floor_server.py` is the app as `wsgi.py` serves it with one route added "
        "that does only what every change made at a desk must: the signed-in session "
        "read from the database, the role and CSRF checks, one row written and "
        "committed, then the same events of the same sizes emitted to the same "
        "viewers, and one yield (as `live.publish`). No validation, no call, timeline "
        "event, reference code, webhooks, room numbers or render. Run between the app "
        "and the bare relay, same rounds: what this app's request pipeline costs any "
        "change (Flask-Login with the server-side session, Flask-WTF's CSRF check, "
        "Flask-Limiter, Babel, the security and compression hooks, SQLAlchemy, "
        "SQLite) before a logged call's own work is added.",
        "",
        *floor_table(fanout),
        "",
        "## The public edge: nchan against the app's Socket.IO",
        "",
        "`bench/edge_bench.py`, unpinned: time from the trigger to the last viewer having "
        "the change, N viewers split over two client processes. App via nchan: "
        "`python wsgi.py` with `HOTLINE_EDGE_PUBLISH_URL`, nginx with `deploy/nginx.conf` "
        "(nchan on Redis), WebSocket viewers (`ws+meta.nchan`, as `static/live.js`) on "
        "the show's channel, a call logged over HTTP. Bare nchan: the same nginx and "
        "viewers, the same bytes POSTed straight to the publisher (the harness's and "
        "nchan's ceiling). App via Socket.IO: the embedded shape, python-socketio "
        "viewers. Memory per viewer at the edge: the nginx workers' RSS growth / N. "
        "CPU per push: the nginx workers' and the app process's CPU time / rounds.",
        "",
        *edge_table(edge),
        "",
        "## Board first page against a static file of the same size, same server",
        "",
        f"{http[0].get('connections', 50)} keep-alive connections, {plan['seconds']} s each, "
        "uncompressed (`Accept-Encoding: identity`); eventlet.",
        "",
        *http_table(http),
        "",
        "## The board while a show is on",
        "",
        "p99 of the board's first page over 5 connections with N viewers connected to a "
        "live show and one call logged a second, against the same server idle. The "
        "board's load runs in a process of its own, apart from the viewers' client. "
        "The bare relay does the same in the same run (a page of the board's size, the "
        "same events to the same viewers once a second): its ratio is what pushing to "
        "that many sockets costs any server here, the harness's share included.",
        "",
        *busy_table(busy),
        "",
        "## Fan-out over 3 processes on PostgreSQL + Redis (call logged on process 1)",
        "",
        *(fanout_table(cluster, processes=True) if cluster else ["(not run: --no-cluster)"]),
        "",
        "Viewers are spread round-robin over the processes; the bare relays share the "
        "same Redis as their message queue.",
        "",
        "## Async modes side by side",
        "",
        *fanout_table(modes["fanout"]),
        "",
        *http_table(modes["http"]),
        "",
        "## Board size: 100 against 10,000 commitments (Flask test client, in-process)",
        "",
        "```",
        *board,
        "```",
        "",
        "## Writes on SQLite: moderators logging calls (one process, eventlet)",
        "",
        "`bench/write_bench.py` with 10 desks (client threads) for 15 s, each running "
        "its own shows of 11 calls on a fresh demo SQLite; only the calls (htmx POSTs, "
        "as the console sends them) are timed. Closed loop: each desk sends again as "
        "soon as it is answered (the most the server does; the times are mostly the "
        "queue of the other desks). Open loop: 50 calls/s offered, each timed from when "
        "it was due. Watched: a public viewer, the overlay and a desk in every room a "
        "call reaches, in both languages (their sockets run in the client process).",
        "",
        *write_rows,
        "",
        "## The desk's radar (上次承诺): 10,000 earlier items (Flask test client, in-process)",
        "",
        "```",
        *radar_rows,
        "```",
        "",
        *by_hand(Path(args.out)),
    ]
    Path(args.out).write_text("\n".join(out))
    print(f"wrote {args.out}", flush=True)
    failed = [r for r in fanout + cluster + modes["fanout"] + http + modes["http"] if "failed" in r]
    sys.exit(1 if args.tiny and failed else 0)


if __name__ == "__main__":
    main()
