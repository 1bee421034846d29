"""Live fan-out and memory per viewer, app against the bare relay.

For each N: start `python wsgi.py` on a fresh copy of the demo data, connect N
public viewers into a live show's room, and time, per round, from the
moderator's POST of a new call until the last viewer has every `swap` event
the change sends. Then the bare relay (bench/bare_server.py) with the same
async mode gets the same N viewers and emits the same number of events of the
same sizes. Prints p50 and p99 of both, their ratio, and the server's RSS
growth per connected viewer (app and bare).

With --floor N, at that N bench/floor_server.py runs too, between the two:
the app's stack doing the least a desk's change does (its docstring), with
the same viewers and bytes. Its ratio to the bare relay is what the app's
request pipeline costs any change before a logged call's own work.

Usage: python bench/fanout_bench.py [--sizes 100,1000,3000] [--rounds 20] [--mode eventlet]
       [--floor 100]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    DemoDatabase,
    Desk,
    Viewers,
    aiohttp,
    app_server,
    bare_server,
    ms,
    percentile,
    pin_harness,
    rounds_at,
)


async def measure(servers: list, room: str, n: int, rounds: int, trigger, sizes=None) -> dict:
    """N viewers in `room`, spread over `servers`; `trigger(i)` makes round i's
    change. With `sizes`, its warm-up push must bring events of exactly those sizes."""
    viewers = Viewers()
    try:
        rss_before = sum(s.rss_kb() for s in servers)
        await viewers.connect([s.url for s in servers], room, n)
        rss_after = sum(s.rss_kb() for s in servers)
        got = await viewers.discover(trigger)
        assert sizes is None or got == sizes, (got, sizes)
        times = await viewers.rounds(trigger, rounds)
    finally:
        await viewers.close()
    return result(times, got, rss_before, rss_after, n)


async def measure_app(servers: list, desk_base: str, n: int, rounds: int) -> dict:
    """N viewers spread over `servers`, calls logged on desk_base."""
    desk = Desk(desk_base)
    try:
        room = await desk.open()
        return await measure(servers, room, n, rounds, desk.log_call)
    finally:
        await desk.close()


async def measure_floor(server, sizes: list[int], n: int, rounds: int) -> dict:
    """bench/floor_server.py: the same viewers, the same bytes, pushed by a
    signed-in, CSRF-checked POST that commits one row (its docstring)."""
    desk = Desk(server.url)

    async def push(_i: int) -> None:
        await desk.floor(sizes)

    try:
        room = await desk.open()
        return await measure([server], room, n, rounds, push, sizes)
    finally:
        await desk.close()


async def measure_bare(servers: list, sizes: list[int], n: int, rounds: int) -> dict:
    http = aiohttp.ClientSession()

    async def broadcast(_i: int) -> None:
        body = {"room": "show:1", "sizes": sizes}
        async with http.post(f"{servers[0].url}/broadcast", json=body) as r:
            assert r.status == 204, r.status

    try:
        return await measure(servers, "show:1", n, rounds, broadcast, sizes)
    finally:
        await http.close()


def result(times, sizes, rss_before, rss_after, n) -> dict:
    return {
        "p50": percentile(times, 0.5),
        "p99": percentile(times, 0.99),
        "sizes": sizes,
        "events": len(sizes),
        "bytes": sum(sizes),
        "rss_per_viewer_kb": (rss_after - rss_before) / n,
    }


def on(label: str, server, measuring) -> dict:
    """`measuring(server)` run to its end, then the server stopped; a failure
    says which server it was."""
    try:
        return asyncio.run(measuring(server))
    except Exception as error:
        raise RuntimeError(f"{label}: {error}") from error
    finally:
        server.stop()


def one_size(mode: str, database: DemoDatabase, n: int, rounds: int, floor: bool = False) -> dict:
    rounds = rounds_at(n, rounds)
    app = on(
        "app",
        app_server(mode, database.fresh_url(), n),
        lambda s: measure_app([s], s.url, n, rounds),
    )
    least = None
    if floor:
        least = on(
            "floor",
            app_server(mode, database.fresh_url(), n, script="bench/floor_server.py"),
            lambda s: measure_floor(s, app["sizes"], n, rounds),
        )
    base = on("bare", bare_server(mode), lambda s: measure_bare([s], app["sizes"], n, rounds))
    return row(mode, n, rounds, app, base, least)


def row(mode: str, n: int, rounds: int, app: dict, bare: dict, floor: dict | None = None) -> dict:
    extra = {}
    if floor is not None:
        extra = {
            "floor_p50": floor["p50"],
            "floor_p99": floor["p99"],
            "ratio_floor_p99": floor["p99"] / bare["p99"],
        }
    return {
        **extra,
        "mode": mode,
        "viewers": n,
        "rounds": rounds,
        "events": app["events"],
        "bytes": app["bytes"],
        "app_p50": app["p50"],
        "app_p99": app["p99"],
        "bare_p50": bare["p50"],
        "bare_p99": bare["p99"],
        "ratio_p99": app["p99"] / bare["p99"],
        "app_rss_kb": app["rss_per_viewer_kb"],
        "bare_rss_kb": bare["rss_per_viewer_kb"],
        "ratio_rss": app["rss_per_viewer_kb"] / bare["rss_per_viewer_kb"]
        if bare["rss_per_viewer_kb"] > 0
        else float("nan"),
    }


def run(
    sizes: list[int], rounds: int, mode: str = "eventlet", floor_sizes: tuple[int, ...] = ()
) -> list[dict]:
    """One row per N; at the N in floor_sizes the floor server runs too."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as folder:
        database = DemoDatabase(Path(folder))
        for n in sizes:
            try:
                rows.append(one_size(mode, database, n, rounds, floor=n in floor_sizes))
            except Exception as error:  # a size the machine cannot hold: say so, go on
                print(f"  {mode} N={n}: failed: {error}", flush=True)
                rows.append({"mode": mode, "viewers": n, "failed": str(error)})
                continue
            print_row(rows[-1])
    return rows


def print_row(r: dict) -> None:
    if "failed" in r:
        print(f"{r['mode']:9} N={r['viewers']:5}  failed: {r['failed']}", flush=True)
        return
    print(
        f"{r['mode']:9} N={r['viewers']:5}  app p50 {ms(r['app_p50'])} p99 {ms(r['app_p99'])}"
        f"  bare p50 {ms(r['bare_p50'])} p99 {ms(r['bare_p99'])}"
        f"  ratio p99 {r['ratio_p99']:.2f}"
        f"  | RSS/viewer app {r['app_rss_kb']:.1f} kB bare {r['bare_rss_kb']:.1f} kB"
        f"  ratio {r['ratio_rss']:.2f}"
        f"  ({r['events']} events, {r['bytes']} bytes per change)",
        flush=True,
    )
    if "floor_p99" in r:
        print(
            f"{r['mode']:9} N={r['viewers']:5}  floor p50 {ms(r['floor_p50'])}"
            f" p99 {ms(r['floor_p99'])}  ratio floor / bare p99 {r['ratio_floor_p99']:.2f}"
            "  (bench/floor_server.py: sign-in, CSRF, one committed row, the same bytes)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--mode", default="eventlet")
    parser.add_argument(
        "--floor", default="", help="the N (comma separated) at which the floor server runs too"
    )
    args = parser.parse_args()
    pin_harness()
    floor = tuple(int(n) for n in args.floor.split(",") if n)
    rows = run([int(n) for n in args.sizes.split(",")], args.rounds, args.mode, floor)
    sys.exit(1 if any("failed" in r for r in rows) else 0)


if __name__ == "__main__":
    main()
