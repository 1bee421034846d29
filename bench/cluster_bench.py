"""Fan-out across processes: N viewers spread over 3 `python wsgi.py`
processes on one PostgreSQL database and one Redis (HOTLINE_MESSAGE_QUEUE), a
call logged on process 1; time until the last viewer on any process has it.
Beside it, 3 bare relays on the same Redis, the broadcast asked of relay 1.

Needs PostgreSQL (HOTLINE_BENCH_POSTGRES, default the local `test` database's
server) and Redis (HOTLINE_BENCH_REDIS, default redis://127.0.0.1:6379/0).

Usage: python bench/cluster_bench.py [--sizes 100,1000,3000] [--rounds 20] [--processes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout_bench import measure_app, measure_bare, print_row, row  # noqa: E402
from harness import (  # noqa: E402
    app_server,
    bare_server,
    flask_setup,
    pin_harness,
    postgres_database,
    rounds_at,
)

POSTGRES = os.environ.get(
    "HOTLINE_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS = os.environ.get("HOTLINE_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def one_size(n: int, rounds: int, processes: int, mode: str) -> dict:
    rounds = rounds_at(n, rounds)
    # A channel of our own, so parallel runs and tests never hear each other.
    channel = f"bench-{uuid.uuid4().hex[:8]}"
    with postgres_database(POSTGRES) as (database_url, _name):
        flask_setup({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
        servers = []
        try:
            for _ in range(processes):
                servers.append(
                    app_server(
                        mode,
                        database_url,
                        n,
                        pinned=False,  # three servers on two cores: the system places them
                        HOTLINE_MESSAGE_QUEUE=REDIS,
                        HOTLINE_SOCKETIO_CHANNEL=channel,
                    )
                )
            try:
                app = asyncio.run(measure_app(servers, servers[0].url, n, rounds))
            except Exception as error:
                raise RuntimeError(f"app: {error}") from error
        finally:
            for server in servers:
                server.stop()
    relays = []
    try:
        for _ in range(processes):
            relays.append(bare_server(mode, queue=REDIS, channel=channel + "-bare", pinned=False))
        try:
            bare = asyncio.run(measure_bare(relays, app["sizes"], n, rounds))
        except Exception as error:
            raise RuntimeError(f"bare: {error}") from error
    finally:
        for relay in relays:
            relay.stop()
    result = row(mode, n, rounds, app, bare)
    result["processes"] = processes
    return result


def run(sizes: list[int], rounds: int, processes: int = 3, mode: str = "eventlet") -> list[dict]:
    rows = []
    for n in sizes:
        try:
            rows.append(one_size(n, rounds, processes, mode))
        except Exception as error:  # a size the machine cannot hold: say so, go on
            rows.append({"mode": mode, "viewers": n, "processes": processes, "failed": str(error)})
        print(f"{processes} processes on Redis:", end=" ")
        print_row(rows[-1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--mode", default="eventlet")
    args = parser.parse_args()
    pin_harness()
    rows = run([int(n) for n in args.sizes.split(",")], args.rounds, args.processes, args.mode)
    sys.exit(1 if any("failed" in r for r in rows) else 0)


if __name__ == "__main__":
    main()
