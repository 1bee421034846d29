"""The board while a show is on: p99 of the board's first page with N viewers
connected to a live show and one call logged a second, against the same page
on the same server with nobody connected (idle). The idle figure is this
benchmark's reference: the ratio is what a running show costs board readers.
The bare relay does the same in the same run (a page of the board's size, the
same events to the same viewers once a second): its ratio is what pushing to
that many sockets costs any server on this machine, the harness's share
included.

Usage: python bench/busy_board_bench.py [--viewers 1000] [--seconds 10] [--connections 5]
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
    http_load_apart,
    ms,
    pin_harness,
)


async def measure(url: str, viewers: int, seconds: float, connections: int) -> dict:
    idle = await http_load_apart(f"{url}/", seconds, connections)
    desk = Desk(url)
    crowd = Viewers()
    try:
        room = await desk.open()
        await crowd.connect([url], room, viewers)
        crowd.per_round = 10**9  # counting only; no round ends
        rounds = int(seconds) + 1

        async def one_push_a_second():
            for i in range(rounds):
                await desk.log_call(i)
                await asyncio.sleep(1)

        pushes = asyncio.create_task(one_push_a_second())
        busy = await http_load_apart(f"{url}/", seconds, connections)
        await pushes
        sizes = crowd.sizes[: max(1, len(crowd.sizes) // rounds)]  # one push's events
    finally:
        await crowd.close()
        await desk.close()
    return {"idle": idle, "busy": busy, "size": idle["size"], "sizes": sizes}


async def measure_bare(url, viewers, seconds, connections, size, sizes) -> dict:
    page = f"{url}/page?size={size}"
    idle = await http_load_apart(page, seconds, connections)
    crowd = Viewers()
    http = aiohttp.ClientSession()
    try:
        await crowd.connect([url], "show:1", viewers)
        crowd.per_round = 10**9

        async def one_push_a_second():
            for _ in range(int(seconds) + 1):
                async with http.post(f"{url}/broadcast", json={"room": "show:1", "sizes": sizes}):
                    pass
                await asyncio.sleep(1)

        pushes = asyncio.create_task(one_push_a_second())
        busy = await http_load_apart(page, seconds, connections)
        await pushes
    finally:
        await crowd.close()
        await http.close()
    return {"idle": idle, "busy": busy}


def run(viewers: int, seconds: float, connections: int = 5, mode: str = "eventlet") -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as folder:
        database = DemoDatabase(Path(folder))
        server = app_server(mode, database.fresh_url(), viewers)
        try:
            got = asyncio.run(measure(server.url, viewers, seconds, connections))
        finally:
            server.stop()
    bare = bare_server(mode)
    try:
        base = asyncio.run(
            measure_bare(bare.url, viewers, seconds, connections, got["size"], got["sizes"])
        )
    finally:
        bare.stop()
    result = {
        "mode": mode,
        "viewers": viewers,
        "connections": connections,
        "seconds": seconds,
        "idle_p99": got["idle"]["p99"],
        "busy_p99": got["busy"]["p99"],
        "idle_rps": got["idle"]["rps"],
        "busy_rps": got["busy"]["rps"],
        "ratio": got["busy"]["p99"] / got["idle"]["p99"],
        "bare_idle_p99": base["idle"]["p99"],
        "bare_busy_p99": base["busy"]["p99"],
        "bare_ratio": base["busy"]["p99"] / base["idle"]["p99"],
        "errors": got["idle"]["errors"] + got["busy"]["errors"],
    }
    print_row(result)
    return [result]


def print_row(r: dict) -> None:
    print(
        f"{r['mode']:9} board p99 with {r['viewers']} viewers and a push a second"
        f" {ms(r['busy_p99'])} ({r['busy_rps']:.0f} req/s), idle {ms(r['idle_p99'])}"
        f" ({r['idle_rps']:.0f} req/s)  ratio {r['ratio']:.2f}"
        f"  | bare relay, same page size and pushes: {ms(r['bare_busy_p99'])},"
        f" idle {ms(r['bare_idle_p99'])}  ratio {r['bare_ratio']:.2f}"
        f"  [{r['connections']} connections, {r['seconds']} s each, {r['errors']} errors]",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=5)
    parser.add_argument("--mode", default="eventlet")
    args = parser.parse_args()
    pin_harness()
    run(args.viewers, args.seconds, args.connections, args.mode)


if __name__ == "__main__":
    main()
