"""Every benchmark still runs: each at a tiny size (N=3, a couple of rounds,
half a second of load). Only that it completes and prints its ratio is
checked; a time never is (it depends on the machine)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))


def bench(*args: str, env: dict | None = None) -> str:
    import os

    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_fanout_bench_runs_app_and_bare_side_by_side():
    out = bench("bench/fanout_bench.py", "--sizes", "3", "--rounds", "2", "--floor", "3")
    assert "N=    3" in out and "ratio p99" in out and "RSS/viewer app" in out
    assert "ratio floor / bare p99" in out
    assert "failed" not in out


def test_the_floor_server_does_the_checks_every_desk_change_does(template_databases, tmp_path):
    """The floor is only a floor if it pays for what a logged call cannot skip:
    the sign-in, the role, the CSRF token, a committed row."""
    import sqlite3

    from fixtures.servers import at_sign_in, desk_session, first_show_live, served

    def written(db_path) -> int:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT count(*) FROM bench_floor_writes").fetchone()[0]

    with served(template_databases["demo"], tmp_path, script="bench/floor_server.py") as site:
        base, db_path, _process = site
        desk, token = desk_session(base, "host")
        show_id = first_show_live(base, desk, token)
        url = f"{base}/bench/floor/{show_id}"
        anonymous, anonymous_token = at_sign_in(base)  # a valid token, not signed in
        headers = {"X-CSRFToken": anonymous_token}
        response = anonymous.post(
            url, data={"sizes": "10"}, headers=headers, allow_redirects=False, timeout=10
        )
        assert response.status_code in (302, 401)
        liaison, liaison_token = desk_session(base, "housing")
        headers = {"X-CSRFToken": liaison_token}
        refused = liaison.post(url, data={"sizes": "10"}, headers=headers, timeout=10)
        assert refused.status_code == 403
        assert desk.post(url, data={"sizes": "10"}, timeout=10).status_code == 400  # no token
        assert written(db_path) == 0
        done = desk.post(url, data={"sizes": "10"}, headers={"X-CSRFToken": token}, timeout=10)
        assert done.status_code == 204
        assert written(db_path) == 1


def test_http_bench_compares_the_board_with_a_static_file():
    out = bench("bench/http_bench.py", "--seconds", "0.5", "--connections", "5")
    assert "board first page" in out and "static file" in out and "ratio" in out
    assert not list((ROOT / "static").glob("bench-*.html")), "the static file is left behind"


def test_busy_board_bench_compares_a_running_show_with_idle():
    out = bench("bench/busy_board_bench.py", "--viewers", "3", "--seconds", "1")
    assert "board p99 with 3 viewers and a push a second" in out and "ratio" in out
    assert "bare relay, same page size and pushes" in out


def test_modes_bench_runs_every_async_mode():
    out = bench("bench/modes_bench.py", "--sizes", "3", "--rounds", "1", "--seconds", "0.3")
    for mode in ("eventlet", "gevent", "threading"):
        assert f"{mode:9} N=    3" in out
        assert f"{mode:9} board first page" in out
    assert "failed" not in out


@pytest.mark.postgres
@pytest.mark.redis
def test_cluster_bench_spreads_viewers_over_three_processes(postgres_url, redis_url):
    out = bench(
        "bench/cluster_bench.py",
        "--sizes",
        "3",
        "--rounds",
        "2",
        env={"HOTLINE_BENCH_POSTGRES": postgres_url, "HOTLINE_BENCH_REDIS": redis_url},
    )
    assert "3 processes on Redis:" in out and "ratio p99" in out
    assert "failed" not in out


def test_results_tables_show_figures_and_ratios():
    import run

    fanout = {
        "mode": "eventlet",
        "viewers": 1000,
        "app_p50": 0.1,
        "app_p99": 0.2,
        "bare_p50": 0.1,
        "bare_p99": 0.16,
        "ratio_p99": 1.25,
        "app_rss_kb": 60.0,
        "bare_rss_kb": 50.0,
        "ratio_rss": 1.2,
    }
    lines = run.fanout_table([fanout, {"mode": "gevent", "viewers": 5000, "failed": "boom"}])
    assert lines[2] == (
        "| eventlet | 1,000 | 100 ms | 200 ms | 100 ms | 160 ms | **1.25** | 60.0 kB |"
        " 50.0 kB | **1.20** |"
    )
    assert "failed: boom" in lines[3]
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    busy = {"mode": "eventlet", "viewers": 1000, "busy_p99": 0.02, "idle_p99": 0.0125}
    busy |= {"busy_rps": 600, "idle_rps": 700, "ratio": 1.6, "errors": 0}
    busy |= {"bare_busy_p99": 0.018, "bare_idle_p99": 0.012, "bare_ratio": 1.5}
    lines = run.busy_table([busy])
    assert lines[2] == (
        "| eventlet | 1,000 | 20 ms (600 req/s) | 12 ms (700 req/s) | **1.60** |"
        " 18 ms | 12 ms | 1.50 | 0 |"
    )
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    assert run.floor_table([fanout]) == ["(the floor did not run)"]
    floor = {**fanout, "floor_p50": 0.05, "floor_p99": 0.18, "ratio_floor_p99": 1.125}
    lines = run.floor_table([floor, fanout])
    assert lines[2:] == [
        "| eventlet | 1,000 | 100 ms | 200 ms | 50 ms | 180 ms | 100 ms | 160 ms | **1.25** |"
        " **1.12** |"
    ]
    assert lines[0].count("|") == lines[2].count("|")
    cluster = run.fanout_table([{**fanout, "processes": 3}], processes=True)
    assert cluster[2].startswith("| eventlet | 3 | 1,000 |")
    assert all(line.count("|") == cluster[0].count("|") for line in cluster)


@pytest.mark.parametrize("watched", ["0", "1"])
def test_write_bench_logs_calls_with_and_without_watchers(watched):
    out = bench("bench/write_bench.py", "2", "1", "3", env={"HOTLINE_BENCH_WATCHED": watched})
    assert "writes/s:" in out and "p95:" in out and "statuses: {200:" in out
    if watched == "1":
        received = int(re.search(r"pushes received by the watchers: (\d+)", out)[1])
        assert received > 0, out


def test_a_new_results_file_keeps_the_sections_written_by_hand(tmp_path):
    import run

    results = tmp_path / "RESULTS.md"
    assert run.by_hand(results) == []
    results.write_text(
        "# Benchmark results\n\n## Fan-out\n\n| figures |\n\n"
        "## Pushing in slices (2026-12-02, by hand)\n\nruns by hand\n\n"
        "## Writes (by hand)\n\nmore\n"
    )
    kept = run.by_hand(results)
    assert kept[0] == "## Pushing in slices (2026-12-02, by hand)"
    assert "runs by hand" in kept and kept[-1] == "more"
    assert "| figures |" not in kept  # what the run writes anew


def test_servers_under_test_get_a_core_the_harness_does_not_use():
    import json
    import os

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: nothing to pin")
    out = bench(
        "-c",
        "import json, os, sys; sys.path.insert(0, 'bench'); import harness; harness.pin_harness();"
        "s = harness.bare_server('threading'); t = harness.bare_server('threading', pinned=False);"
        "print(json.dumps([sorted(os.sched_getaffinity(p)) for p in"
        " (s.process.pid, 0, t.process.pid)])); s.stop(); t.stop()",
    )
    server, harness_cpus, unpinned = json.loads(out)
    assert len(server) == 1 and server[0] not in harness_cpus
    assert sorted(server + harness_cpus) == unpinned  # a cluster's servers run anywhere


def test_radar_bench_runs_beside_its_baseline():
    out = bench("bench/radar_bench.py", "--items", "20", "--rounds", "2")
    assert "radar GET /radar" in out and "baseline GET /header" in out
    assert "ratio radar / baseline p95" in out and "FTS5 trigram" in out


def test_notifications_bench_runs_beside_its_baseline():
    out = bench("bench/notifications_bench.py", "--followers", "3", "--rounds", "2")
    assert "0 followers" in out and "3 followers" in out
    assert "ratio followed / not followed" in out and "expanded to 3 follower rows" in out


@pytest.mark.redis
def test_edge_bench_runs_app_via_nchan_bare_nchan_and_socketio_side_by_side(redis_url):
    from scale.test_deploy import nginx_binary

    nginx_binary()  # skips without nginx and its nchan module (fails in CI)
    out = bench("bench/edge_bench.py", "--sizes", "3", "--rounds", "2")
    assert "edge N=    3" in out and "app via nchan" in out and "bare nchan" in out
    assert "ratio p99" in out and "edge RSS/viewer" in out and "CPU/push" in out
    assert "socketio p50" in out
    assert "failed" not in out
