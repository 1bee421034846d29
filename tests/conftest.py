"""The app tier: an app on its own temporary SQLite database per test, clients
that sign in and carry the CSRF token, socket clients sharing the HTTP login,
and checks for the real services. The other tiers (databases, servers, the
browser) are fixture modules in tests/fixtures/, loaded below."""

from __future__ import annotations

import os
import shutil
import socket
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from client_support import HotlineClient
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"

# The other tiers, each a module of fixtures: databases, real servers, a real
# browser, a real OpenID Connect provider.
pytest_plugins = [
    "fixtures.databases",
    "fixtures.servers",
    "fixtures.browsers",
    "fixtures.oidc",
]


def need(condition: bool, reason: str) -> None:
    """Skip when a real service is missing, except in CI where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it: see scripts/ensure-*.sh)")
    pytest.skip(reason)


def cjk_font_families() -> list[str]:
    """The installed fonts that cover Chinese (fontconfig), names without spaces."""
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return []
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    names = {n.strip() for line in listed.splitlines() for n in line.split(",")}
    return sorted(n.replace(" ", "") for n in names if n and n.isascii())


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _compile_translations() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = ROOT / "hotline/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=True)


def _test_config(db_path: Path, instance: Path) -> dict:
    return {
        "TESTING": True,
        "PROPAGATE_EXCEPTIONS": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "HOTLINE_ASYNC_MODE": "threading",
        "HOTLINE_MESSAGE_QUEUE": None,
        # Tests change the database directly, without the push that ends a cached
        # fragment; tests/realtime/test_fragments.py turns the cache on.
        "HOTLINE_FRAGMENT_CACHE_SECONDS": 0,
        # Every viewer's vote pushed at once; tests/public/test_votes.py paces them.
        "HOTLINE_VOTE_PUSH_SECONDS": 0,
        "HOTLINE_UPLOAD_DIR": str(instance / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture(scope="session")
def template_databases(tmp_path_factory) -> dict[str, Path]:
    """Migrate once (and load the demo once); each test gets a copy of the file."""
    from flask_migrate import upgrade

    from hotline import create_app
    from hotline.cli import demo
    from hotline.extensions import db

    _compile_translations()
    folder = tmp_path_factory.mktemp("templates")
    paths = {}
    for name in ("empty", "demo"):
        path = folder / f"{name}.sqlite3"
        app = create_app(_test_config(path, folder))
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            if name == "demo":
                demo.load(demo_today(), app.config["HOTLINE_TIMEZONE"])
            db.session.remove()
            with db.engine.connect() as conn:  # fold the WAL into the file we copy
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            db.engine.dispose()
        paths[name] = path
    return paths


def demo_today() -> date:
    from datetime import datetime

    from hotline.rules.status import local_date

    return local_date(datetime.now().astimezone())


def make_app(template: Path, tmp_path: Path, settings: dict | None = None):
    """An app on a copy of a template database; `settings` added to the test config."""
    from hotline import create_app

    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template, db_path)
    app = create_app({**_test_config(db_path, tmp_path), **(settings or {})})
    app.test_client_class = HotlineClient
    return app


@pytest.fixture
def app(template_databases, tmp_path):
    """An app with the demo data (departments, deputies, shows, staff accounts)."""
    app = make_app(template_databases["demo"], tmp_path)
    yield app
    from hotline.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_app(template_databases, tmp_path):
    """An app on a migrated but empty database."""
    app = make_app(template_databases["empty"], tmp_path)
    yield app
    from hotline.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> HotlineClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(app):
    """login("host") → a client signed in as that demo account."""

    def make(username: str) -> HotlineClient:
        c = app.test_client()
        c.login(username)
        return c

    return make


@pytest.fixture
def moderator(login):
    return login("host")


@pytest.fixture
def supervisor(login):
    return login("office")


@pytest.fixture
def liaison(login):
    """The housing department's liaison (市住房和城乡建设局)."""
    return login("housing")


@pytest.fixture
def socket_client(app):
    """socket_client(namespace, http_client=None) → a Socket.IO test client
    that shares the HTTP client's cookies (and so its login)."""
    from hotline.extensions import socketio

    made = []

    def make(namespace: str, http_client=None):
        c = socketio.test_client(app, namespace=namespace, flask_test_client=http_client)
        made.append(c)
        return c

    yield make
    for c in made:
        if c.is_connected():
            c.disconnect()


@pytest.fixture
def count_queries(app):
    """with count_queries() as n: ... → n[0] SQL statements ran inside."""
    from hotline.extensions import db

    @contextmanager
    def counter():
        n = [0]

        def before(*_args, **_kwargs):
            n[0] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield n
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter


# The live desk: a show on air and a call logged on it (tests/desk_support.py).


@pytest.fixture
def live_show(app, moderator):
    from desk_support import go_live, scheduled_show

    return go_live(moderator, scheduled_show(app))


@pytest.fixture
def call_id(app, moderator, live_show):
    from desk_support import HOUSING, calls_of, log

    log(moderator, live_show, topic="菜市场排水沟堵塞", department=str(HOUSING))
    return calls_of(app, live_show)[0].id
