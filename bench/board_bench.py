"""The board's first page with 10,000 commitments against the same page with
100 (each in its own temporary SQLite database). Prints both median times and
the ratio; the board pages in SQL, so the ratio should stay small."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from hotline import create_app  # noqa: E402
from hotline.clock import today  # noqa: E402
from hotline.extensions import db  # noqa: E402
from hotline.models import Call, Commitment, Department, Deputy, Show  # noqa: E402

REPEAT = 15
STATES = ["open", "open", "open", "met", "reported", "withdrawn"]


def seed(n: int) -> None:
    """n commitments over shows of 20 calls, five departments, all statuses."""
    departments = [Department(name=f"部门{i}") for i in range(5)]
    deputies = [Deputy(name=f"代表{i}") for i in range(10)]
    db.session.add_all(departments + deputies)
    db.session.flush()
    day = today()
    shows = [
        Show(
            title=f"代表专线（第{i + 1}期）",
            starts_at=datetime(2020, 1, 1) + timedelta(days=7 * i),
            status="ended",
        )
        for i in range((n + 19) // 20)
    ]
    db.session.add_all(shows)
    db.session.flush()
    db.session.execute(
        insert(Call),
        [
            {
                "show_id": shows[i // 20].id,
                "number": i % 20 + 1,
                "topic": f"群众反映的问题 {i}",
                "area": "凤凰街道",
                "department_id": departments[i % 5].id,
                "deputy_id": deputies[i % 10].id,
                "outcome": "committed",
            }
            for i in range(n)
        ],
    )
    call_ids = db.session.scalars(select(Call.id).order_by(Call.id)).all()
    rows = []
    for i, call_id in enumerate(call_ids):
        deadline = day + timedelta(days=i % 90 - 60)
        state = STATES[i % len(STATES)]
        rows.append(
            {
                "call_id": call_id,
                "department_id": departments[i % 5].id,
                "pledge": f"承诺在期限内解决问题 {i}",
                "official_name": "某局长",
                "deadline": deadline,
                "original_deadline": deadline - timedelta(days=10 * (i % 3 == 0)),
                "state": state,
                "completed_on": deadline - timedelta(days=3)
                if state in ("met", "reported")
                else None,
                "withdrawn_reason": "原因" if state == "withdrawn" else None,
            }
        )
    db.session.execute(insert(Commitment), rows)
    db.session.commit()


def time_board(n: int, folder: Path) -> float:
    path = folder / f"board-{n}.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "HOTLINE_ASYNC_MODE": "threading",
            "HOTLINE_MESSAGE_QUEUE": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed(n)
        db.session.remove()
    client = app.test_client()
    assert client.get("/").status_code == 200  # warm up
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get("/")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        small = time_board(100, Path(folder))
        large = time_board(10_000, Path(folder))
    print(f"board, first page, 100 commitments:    {small * 1000:8.1f} ms (median of {REPEAT})")
    print(f"board, first page, 10,000 commitments: {large * 1000:8.1f} ms (median of {REPEAT})")
    print(f"ratio 10,000 / 100: {large / small:.2f}x")


if __name__ == "__main__":
    main()
