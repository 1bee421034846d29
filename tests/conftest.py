"""Fixtures: an app on its own temporary SQLite database per test, clients that
sign in and carry the CSRF token, socket clients sharing the HTTP login, and
checks for the real services (PostgreSQL, Redis, Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import threading
import warnings
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
DEMO_PASSWORD = "hotline-demo"


def need(condition: bool, reason: str) -> None:
    """Skip when a real service is missing, except in CI where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it: see scripts/ensure-*.sh)")
    pytest.skip(reason)


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


class HotlineClient(FlaskClient):
    """A test client that knows the page's CSRF token and how to sign in."""

    def csrf(self) -> str:
        html = self.get("/auth/login").get_data(as_text=True)
        found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', html
        )
        return found.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf())
        return self.post(url, data=data, **kwargs)

    def htmx_post(self, url: str, data: dict | None = None, **kwargs):
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf(), **kwargs.pop("headers", {})}
        return self.post(url, data=data or {}, headers=headers, **kwargs)

    def login(self, username: str, password: str = DEMO_PASSWORD):
        response = self.post_form("/auth/login", {"username": username, "password": password})
        assert response.status_code == 302, f"login as {username} failed"
        return response


def _test_config(db_path: Path, instance: Path) -> dict:
    return {
        "TESTING": True,
        "PROPAGATE_EXCEPTIONS": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "HOTLINE_ASYNC_MODE": "threading",
        "HOTLINE_MESSAGE_QUEUE": None,
        # Tests change the database directly, without the push that ends a cached
        # fragment; tests/test_fragments.py turns the cache on.
        "HOTLINE_FRAGMENT_CACHE_SECONDS": 0,
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


def _make_app(template: Path, tmp_path: Path):
    from hotline import create_app

    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template, db_path)
    app = create_app(_test_config(db_path, tmp_path))
    app.test_client_class = HotlineClient
    return app


@pytest.fixture
def app(template_databases, tmp_path):
    """An app with the demo data (departments, deputies, shows, staff accounts)."""
    app = _make_app(template_databases["demo"], tmp_path)
    yield app
    from hotline.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_app(template_databases, tmp_path):
    """An app on a migrated but empty database."""
    app = _make_app(template_databases["empty"], tmp_path)
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


@pytest.fixture(scope="session")
def postgres_url():
    need(port_open(5432), "PostgreSQL is not running on 127.0.0.1:5432")
    return os.environ.get(
        "HOTLINE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )


@contextmanager
def fresh_postgres_database(server_url: str):
    """A new, empty PostgreSQL database for one test (or module); dropped after."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"hotline_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_database(postgres_url):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with fresh_postgres_database(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url():
    need(port_open(6379), "Redis is not running on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"


class LiveServer(str):
    """The base URL of a really served app (a str), with the app at `.app`."""

    app = None


@pytest.fixture
def live_server(template_databases, tmp_path):
    """The demo app served over real HTTP and Socket.IO (threading mode) on a
    free port, on its own SQLite copy; returns the base URL, app at `.app`.
    Change data inside `with live_server.app.test_request_context(): ...`."""
    import threading

    from werkzeug.serving import make_server

    from hotline.extensions import db

    app = _make_app(template_databases["demo"], tmp_path)
    app.config["TESTING"] = False  # serve as in production (errors as pages)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = LiveServer(f"http://127.0.0.1:{server.server_port}")
    url.app = app
    yield url
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- a real server and a real browser --------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, script: str = "wsgi.py"):
    """`python wsgi.py` as production runs it (or another script that serves
    the same way); returns the process once it listens."""
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, script],
        cwd=ROOT,
        env={**os.environ, **env, "HOTLINE_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read()}")
        if port_open(port):
            return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


@contextmanager
def served(template: Path, folder: Path, script: str = "wsgi.py", **env: str):
    """`python wsgi.py` (eventlet, as in production; or `script`) on a copy of
    `template` in `folder`, with `env` on top of the defaults; yields (base URL,
    database path, process) and stops it after."""
    import subprocess

    db_path = folder / "hotline.sqlite3"
    shutil.copy(template, db_path)
    port = free_port()
    defaults = {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": "served-test",
        "HOTLINE_ASYNC_MODE": "eventlet",
        "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
    }
    process = start_server({**defaults, **env}, port, script)
    try:
        yield f"http://127.0.0.1:{port}", db_path, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def at_sign_in(base: str):
    """A `requests` session that has opened a served site's sign-in page (not
    signed in), and that page's CSRF token."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/auth/login", timeout=10).text
    return session, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def desk_session(base: str, username: str = "host"):
    """A `requests` session signed in as `username` on a served site, and the
    desk's CSRF token (the one its pages carry)."""
    session, token = at_sign_in(base)
    response = session.post(
        f"{base}/auth/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, f"login as {username} failed"
    listing = session.get(f"{base}/desk/", timeout=10).text
    return session, re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)


def first_show_live(base: str, desk, token: str) -> str:
    """Take the first show the desk lists live, over HTTP; returns its id."""
    listing = desk.get(f"{base}/desk/", timeout=10).text
    show_id = re.search(r'href="/desk/shows/(\d+)"', listing).group(1)
    response = desk.post(
        f"{base}/desk/shows/{show_id}/status",
        data={"action": "live", "csrf_token": token},
        timeout=10,
    )
    assert response.status_code == 200
    return show_id


@pytest.fixture(scope="module")
def wsgi_server(template_databases, tmp_path_factory):
    """The site served by `python wsgi.py` in its own process (eventlet, as in
    production) on a copy of the demo database; yields its base URL. One per
    test module: tests in it share the data."""
    # A browser module signs the crew in many times from one address.
    folder = tmp_path_factory.mktemp("live")
    with served(template_databases["demo"], folder, HOTLINE_LOGIN_LIMIT="600 per minute") as site:
        yield site[0]


def _kill_chromium() -> None:
    """SIGKILL the browser Playwright launched for this process: the Chromium
    (not one of its helpers, which carry --type=) whose parent is the
    Playwright driver, a child of this process."""
    parents, commands = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        commands[int(entry)] = command
    ours = {pid for pid, parent in parents.items() if parent == os.getpid()}
    for pid, parent in parents.items():
        command = commands[pid]
        if parent in ours and command[0].endswith(b"/chromium"):
            if not any(arg.startswith(b"--type=") for arg in command):
                os.kill(pid, signal.SIGKILL)


@contextmanager
def chromium_watchdog(seconds: float = 60):
    """Chromium now and then never answers a close (seen in CI: a context's
    close() waited for good after its test had passed, and so did the whole
    run). Playwright's close has no timeout: after `seconds` the browser is
    killed, the call fails, and `browser` launches a fresh one."""
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        _kill_chromium()

    timer = threading.Timer(seconds, kill)
    timer.daemon = True
    timer.start()
    try:
        yield killed
    finally:
        timer.cancel()


class RelaunchingBrowser:
    """The session's browser, launched again when the last one died; used as
    Playwright's Browser (new_context, new_page ...)."""

    def __init__(self, playwright):
        self._playwright, self._browser = playwright, None

    def current(self):
        if self._browser is None or not self._browser.is_connected():
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self._browser

    def __getattr__(self, name):
        return getattr(self.current(), name)

    def close(self) -> None:
        """Close the browser if one is running (never launch one to close it)."""
        if self._browser is not None and self._browser.is_connected():
            close_in_time(self._browser)


def close_in_time(closable, seconds: float = 60) -> None:
    """closable.close() (a context, the browser), or a warning if Chromium
    hung and was killed for it."""
    from playwright.sync_api import Error

    with chromium_watchdog(seconds) as killed:
        try:
            closable.close()
        except Error:
            if not killed.is_set():
                raise
            warnings.warn(
                "Chromium did not answer a close and was killed; launched again", stacklevel=2
            )


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright (skips locally when missing,
    fails in CI). Open pages with browser.new_page() / new_context()."""
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = RelaunchingBrowser(playwright)
        yield chromium
        chromium.close()


def browser_login(context, base_url: str, username: str):
    """A page in `context` signed in as a demo account."""
    page = context.new_page()
    page.goto(f"{base_url}/auth/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page


@pytest.fixture
def sign_in(wsgi_server):
    """sign_in(context, "host") → a page of that browser context, signed in to
    the wsgi_server."""
    return lambda context, username: browser_login(context, wsgi_server, username)


@pytest.fixture
def contexts(browser):
    """contexts(**options) → a fresh browser context (a separate person: own
    cookies and session), closed after the test."""
    made = []

    def make(**kwargs):
        context = browser.new_context(**kwargs)
        made.append(context)
        return context

    yield make
    for context in made:
        close_in_time(context)


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
