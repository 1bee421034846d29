"""The floor: the app as `python wsgi.py` serves it, with one route added that
does the least any change made at the desk must do, and nothing else.

POST /bench/floor/<show_id> (form field `sizes`: the payload sizes, comma
separated) passes what every desk request passes: the signed-in session read
from the database, the role check, the CSRF check, the rate limiter, the
locale, and after it the security and compression hooks. Then it writes
one row and commits, emits `swap` events of those sizes to the show's public
rooms (both locales, as the bare relay does) and yields once, as live.publish
does. No validation, no call, no timeline event, no reference code, no
webhooks, no room numbers, no render: what a logged call adds to this is the
call's own work; what this adds to the bare relay (bench/bare_server.py) is
what the app's request pipeline costs every change (Flask-Login with the
server-side session, Flask-WTF, Flask-Limiter, Babel, those hooks,
SQLAlchemy, SQLite). A logged call pays it and then its own work on top.

Usage: as wsgi.py (DATABASE_URL, HOTLINE_PORT, ...): python bench/floor_server.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wsgi  # noqa: E402  (first: it patches the standard library, then builds the app)

# isort: split
from flask import request  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, insert  # noqa: E402

from hotline.access import roles_required  # noqa: E402
from hotline.config import LOCALES  # noqa: E402
from hotline.desk.helpers import DESK  # noqa: E402
from hotline.extensions import db, socketio  # noqa: E402
from hotline.realtime import live  # noqa: E402

app = wsgi.app
floor_writes = Table(
    "bench_floor_writes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("body", String(200), nullable=False),
)


@app.post("/bench/floor/<int:show_id>")
@roles_required(*DESK)
def floor(show_id: int):
    sizes = [int(size) for size in request.form["sizes"].split(",")]
    db.session.execute(insert(floor_writes).values(body=f"show {show_id}"))
    db.session.commit()
    for seq, size in enumerate(sizes, 1):
        for locale in LOCALES:
            payload = {
                "room": f"show:{show_id}",
                "target": "#calls",
                "swap": "afterbegin",
                "html": "x" * size,
                "seq": seq,
            }
            socketio.emit("swap", payload, to=f"show:{show_id}|{locale}", namespace=live.PUBLIC)
    live._let_sockets_send()
    return "", 204


if __name__ == "__main__":
    import os

    with app.app_context():
        floor_writes.create(db.engine, checkfirst=True)
    limit = wsgi.connection_limits(app.config)
    port = int(os.environ["HOTLINE_PORT"])
    print(f"floor server on {port} ({wsgi.mode})", flush=True)
    wsgi.serve(os.environ.get("HOTLINE_HOST", "127.0.0.1"), port, limit)
