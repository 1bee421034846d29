"""The radar (上次承诺) at 10,000 earlier items: how long the desk waits for it.

Fills a fresh demo SQLite database with N earlier calls (half of them with a
commitment) in one department and one area — the worst case, where SQL's
narrowing (same department or area) lets every row through and the radar
scores its full candidate set — then times, in the same run and process:

- radar: GET /desk/shows/<id>/radar?topic=…&area=…&department=… (signed in,
  htmx), what the console asks as the moderator types;
- baseline: GET /desk/shows/<id>/header, the console's tiny endpoint (the same
  sign-in and role checks, one show loaded, a few lines of HTML);
- select: the bare SELECT of the same candidate rows, without the scoring.

It prints the median and 95th percentile of each and the ratio radar/baseline.
Target: radar p95 ≤ 50 ms at 10,000 items. It also measures the alternative it
was chosen over: SQLite FTS5's trigram tokenizer on the same topics (what it
finds for a two-character word, and its time).

Usage: python bench/radar_bench.py [--items 10000] [--rounds 60]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPIC = "菜市场排水沟又堵了"
AREA = "凤凰街道"
WORDS = ["排水沟", "路灯", "垃圾", "噪音", "停车", "供暖", "漏水", "公交", "护栏", "油烟"]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(fn, rounds: int) -> list[float]:
    fn()  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def fill(n: int, department_id: int, show_id: int) -> None:
    """n earlier calls on one show, in one department and area; every other one
    with a commitment (deadlines spread over past and future)."""
    from hotline.extensions import db
    from hotline.models import Call, Commitment

    today = date.today()
    for i in range(n):
        word = WORDS[i % len(WORDS)]
        call = Call(
            show_id=show_id,
            number=1000 + i,
            topic=f"{AREA}第{i}号小区{word}问题反映",
            area=AREA,
            department_id=department_id,
            outcome="committed" if i % 2 else "answered",
        )
        db.session.add(call)
        if i % 2:
            deadline = today + timedelta(days=i % 60 - 30)
            call.commitments.append(
                Commitment(
                    department_id=department_id,
                    pledge=f"针对{word}问题，限期整改",
                    official_name="某局长",
                    deadline=deadline,
                    original_deadline=deadline,
                )
            )
        if i % 500 == 499:
            db.session.flush()
    db.session.commit()


def fts5_trigram(topics: list[str], rounds: int) -> tuple[int, int, float]:
    """What SQLite's FTS5 trigram index finds for a three- and a two-character
    word on the same topics, and the median time of the longer query."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(topic, tokenize='trigram')")
    conn.executemany("INSERT INTO t(topic) VALUES (?)", [(t,) for t in topics])
    three = conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", ('"排水沟"',)).fetchone()[0]
    two = conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", ('"路灯"',)).fetchone()[0]
    query = "SELECT rowid FROM t WHERE t MATCH ? LIMIT 300"
    times = timed(lambda: conn.execute(query, ('"排水沟"',)).fetchall(), rounds)
    return three, two, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from hotline import create_app
    from hotline.cli import demo
    from hotline.clock import today
    from hotline.extensions import db
    from hotline.models import Call, Department, Show, ShowStatus
    from hotline.queries import radar as radar_query

    folder = Path(tempfile.mkdtemp(prefix="radar-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "HOTLINE_ASYNC_MODE": "threading",
            "HOTLINE_MESSAGE_QUEUE": None,
            "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        demo.load(date.today(), app.config["HOTLINE_TIMEZONE"])
        dept = db.session.scalar(select(Department.id).where(Department.name == "市城市管理执法局"))
        earlier = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.ENDED))
        live = db.session.scalar(select(Show).where(Show.status == ShowStatus.SCHEDULED))
        live.status = ShowStatus.LIVE
        db.session.commit()
        live_id = live.id
        fill(args.items, dept, earlier)
        topics = list(db.session.scalars(select(Call.topic)))

    client = app.test_client()
    signed = client.post(
        "/auth/login", data={"username": "host", "password": demo.DEMO_PASSWORD}
    ).status_code
    assert signed == 302, "sign-in failed"
    htmx = {"HX-Request": "true"}
    query = {"topic": TOPIC, "area": AREA, "department": dept}

    def radar():
        response = client.get(f"/desk/shows/{live_id}/radar", query_string=query, headers=htmx)
        assert response.status_code == 200 and "radar-hit" in response.get_data(as_text=True)

    def baseline():
        assert client.get(f"/desk/shows/{live_id}/header", headers=htmx).status_code == 200

    def bare_select():
        with app.app_context():
            radar_query._items(dept, AREA, live_id)
            radar_query._calls(dept, AREA, live_id)
            radar_query._messages(AREA)
            db.session.remove()

    def scored():
        with app.app_context():
            radar_query.radar(TOPIC, AREA, dept, show_id=live_id, today=today())
            db.session.remove()

    results = {}
    for name, fn in (
        ("baseline", baseline),
        ("radar", radar),
        ("select", bare_select),
        ("query", scored),
    ):
        times = timed(fn, args.rounds)
        results[name] = (statistics.median(times), p95(times))
    three, two, fts_ms = fts5_trigram(topics, args.rounds)

    print(f"radar bench: {args.items} earlier items, {args.rounds} rounds, SQLite")
    print(f"{'':28}{'median ms':>10}{'p95 ms':>10}")
    labels = {
        "baseline": "baseline GET /header",
        "radar": "radar GET /radar",
        "select": "bare SELECT (candidates)",
        "query": "radar() without the request",
    }
    for name, label in labels.items():
        median, high = results[name]
        print(f"{label:28}{median:10.1f}{high:10.1f}")
    ratio = results["radar"][1] / results["baseline"][1]
    print(f"ratio radar / baseline p95: {ratio:.1f}")
    target = "met" if results["radar"][1] <= 50 else "NOT met"
    print(f"target radar p95 <= 50 ms: {target}")
    print(
        f"FTS5 trigram: '排水沟' finds {three}, '路灯' (two characters) finds {two}; "
        f"median {fts_ms:.2f} ms"
    )


if __name__ == "__main__":
    main()
