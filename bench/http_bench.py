"""The board's first page under load against a static file of the same size
served by the same server (`python wsgi.py`, same async mode): requests per
second over 50 keep-alive connections for a few seconds each, uncompressed.
The static file is the server's ceiling for a response of that size.

Usage: python bench/http_bench.py [--seconds 10] [--connections 50] [--mode eventlet]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, DemoDatabase, app_server, http_load, ms, pin_harness  # noqa: E402


def run(seconds: float, connections: int = 50, mode: str = "eventlet") -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as folder:
        database = DemoDatabase(Path(folder))
        server = app_server(mode, database.fresh_url(), 0)
        # A file of the board page's size in the app's own static folder,
        # removed again at the end (its name is unique to this run).
        static = ROOT / "static" / f"bench-{os.getpid()}.html"
        try:
            board = asyncio.run(http_load(f"{server.url}/", seconds, connections))
            static.write_bytes(b"x" * board["size"])
            page = asyncio.run(
                http_load(f"{server.url}/static/{static.name}", seconds, connections)
            )
        finally:
            static.unlink(missing_ok=True)
            server.stop()
    result = {
        "mode": mode,
        "connections": connections,
        "seconds": seconds,
        "bytes": board["size"],
        "board_rps": board["rps"],
        "board_p50": board["p50"],
        "board_p99": board["p99"],
        "static_rps": page["rps"],
        "static_p50": page["p50"],
        "static_p99": page["p99"],
        "ratio": board["rps"] / page["rps"],
        "errors": board["errors"] + page["errors"],
    }
    print_row(result)
    return [result]


def print_row(r: dict) -> None:
    print(
        f"{r['mode']:9} board first page {r['board_rps']:7.0f} req/s (p99 {ms(r['board_p99'])})"
        f"  static file, same {r['bytes']} bytes {r['static_rps']:7.0f} req/s"
        f" (p99 {ms(r['static_p99'])})  ratio {r['ratio']:.2f}"
        f"  [{r['connections']} connections, {r['seconds']} s each, {r['errors']} errors]",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--mode", default="eventlet")
    args = parser.parse_args()
    pin_harness()
    run(args.seconds, args.connections, args.mode)


if __name__ == "__main__":
    main()
