"""Notifying 1,000 followers of one change does not slow the request that made it.

On a fresh demo SQLite database, two open items of one department: one
followed by nobody, the other by N confirmed followers by e-mail (and both by
a consenting caller, e-mail and SMS). A liaison posts a progress note on each
in turn, as the follow-up page does (the POST timed, in-process through the
Flask test client), for `--rounds` rounds. Each change's outbox rows are
written in the same commit: the caller's two, and ONE fan-out row however
many follow; the worker expands it later. It prints the median and 95th
percentile of both requests, their ratio (followed / not followed), the SQL
statements each request ran (the same, whatever N), and, apart, what the
worker's fan-out of one change to the N followers took.

Usage: python bench/notifications_bench.py [--followers 1000] [--rounds 40]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def hidden(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html).group(1)


def make_items(followers: int) -> tuple[int, int]:
    """Two open items of the housing department, each from a call whose caller
    agreed to be told; the second followed by `followers` confirmed e-mails."""
    from sqlalchemy import insert, select

    from hotline.changes import calls, commitments, notifications
    from hotline.extensions import db
    from hotline.models import Department, Show, Subscription, utcnow

    department = db.session.scalar(select(Department).where(Department.name.like("%住房%")))
    show = db.session.scalar(select(Show).limit(1))
    ids = []
    for n in range(2):
        call = calls.log_call(
            show,
            topic=f"基准测试来电{n}",
            department_id=department.id,
            caller_phone="13900000000",
            caller_email=f"caller{n}@bench.invalid",
            notify=True,
            issue_code=False,
        )
        item = commitments.create_commitment(
            call,
            department_id=department.id,
            pledge=f"基准测试承诺{n}",
            official_name="某局长",
            official_title="局长",
            deadline=date.today() + timedelta(days=60),
            actor=None,
        )
        db.session.flush()
        ids.append(item.id)
    now = utcnow()
    db.session.execute(
        insert(Subscription),
        [
            {
                "kind": "commitment",
                "token": notifications.new_token(),
                "target_id": ids[1],
                "area": "",
                "email": f"follower{i}@bench.invalid",
                "digest": False,
                "locale": "zh_CN",
                "created_at": now,
                "confirmed_at": now,
            }
            for i in range(followers)
        ],
    )
    db.session.commit()
    return ids[0], ids[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import event, func, select

    from hotline import create_app
    from hotline.cli import demo
    from hotline.extensions import db
    from hotline.integration import notifications
    from hotline.models import Event, Notification, utcnow

    folder = Path(tempfile.mkdtemp(prefix="notifications-bench-"))
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
        quiet, followed = make_items(args.followers)

    client = app.test_client()
    signed = client.post(
        "/auth/login", data={"username": "housing", "password": demo.DEMO_PASSWORD}
    )
    assert signed.status_code == 302 and "/auth/" not in signed.headers["Location"], "sign-in"

    statements = [0]
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a, **k: statements.__setitem__(0, statements[0] + 1),
        )

    def post(item_id: int, n: int) -> tuple[float, int]:
        page = client.get(f"/followup/commitments/{item_id}").get_data(as_text=True)
        data = {
            "progress-version": hidden(page, "progress-version"),
            "progress-idem": hidden(page, "progress-idem"),
            "progress-note": f"第{n}次进展",
        }
        statements[0] = 0
        start = time.perf_counter()
        response = client.post(f"/followup/commitments/{item_id}/progress", data=data)
        took = (time.perf_counter() - start) * 1000
        assert response.status_code in (200, 302, 303), response.status_code
        return took, statements[0]

    times = {quiet: [], followed: []}
    sql = {quiet: set(), followed: set()}
    post(quiet, 0)  # warm
    post(followed, 0)
    for n in range(1, args.rounds + 1):
        for item_id in (quiet, followed) if n % 2 else (followed, quiet):
            took, count = post(item_id, n)
            times[item_id].append(took)
            sql[item_id].add(count)

    with app.app_context():  # the worker's part, apart: one change to N followers
        last = db.session.scalar(
            select(Notification)
            .join(Event, Event.id == Notification.event_id)
            .where(Notification.kind == "fanout", Event.commitment_id == followed)
            .order_by(Notification.id.desc())
            .limit(1)
        )
        start = time.perf_counter()
        made = notifications.expand(last, utcnow())
        db.session.commit()
        expand_ms = (time.perf_counter() - start) * 1000
        queued = db.session.scalar(select(func.count(Notification.id)))

    print(f"notifications bench: {args.followers} followers, {args.rounds} rounds, SQLite")
    print(f"{'':36}{'median ms':>10}{'p95 ms':>10}{'SQL':>6}")
    for label, item_id in (
        ("progress POST, 0 followers", quiet),
        (f"progress POST, {args.followers} followers", followed),
    ):
        values = times[item_id]
        count = "/".join(str(c) for c in sorted(sql[item_id]))
        print(f"{label:36}{statistics.median(values):10.1f}{p95(values):10.1f}{count:>6}")
    ratio_median = statistics.median(times[followed]) / statistics.median(times[quiet])
    ratio_p95 = p95(times[followed]) / p95(times[quiet])
    print(f"ratio followed / not followed: median {ratio_median:.2f}, p95 {ratio_p95:.2f}")
    print(
        f"worker: one change expanded to {made} follower rows in {expand_ms:.0f} ms "
        f"({queued} rows in the outbox)"
    )


if __name__ == "__main__":
    main()
