"""The async mode chosen by data: the same fan-out (app and bare relay, each
in the mode under test) and the same board-versus-static load, under
eventlet, gevent and threading, side by side.

Usage: python bench/modes_bench.py [--sizes 1000] [--rounds 20] [--seconds 5]
       [--modes eventlet,gevent,threading]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fanout_bench  # noqa: E402
import http_bench  # noqa: E402
from harness import pin_harness  # noqa: E402

MODES = ("eventlet", "gevent", "threading")


def run(sizes: list[int], rounds: int, seconds: float, modes=MODES) -> dict:
    fanout, http = [], []
    for mode in modes:
        fanout += fanout_bench.run(sizes, rounds, mode)
        try:
            http += http_bench.run(seconds, mode=mode)
        except Exception as error:
            print(f"{mode}: board load failed: {error}", flush=True)
            http.append({"mode": mode, "failed": str(error)})
    return {"fanout": fanout, "http": http}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args()
    pin_harness()
    run([int(n) for n in args.sizes.split(",")], args.rounds, args.seconds, args.modes.split(","))


if __name__ == "__main__":
    main()
