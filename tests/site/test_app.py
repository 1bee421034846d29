"""The factory, settings, security headers, error pages and languages."""

import os
import re
from pathlib import Path

import pytest

from hotline import config, create_app


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load(str(tmp_path))["SECRET_KEY"]
    second = config.load(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    assert config.load(str(other))["SECRET_KEY"] != first


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/hotline")
    monkeypatch.setenv("HOTLINE_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("HOTLINE_TIMEZONE", "Asia/Urumqi")
    monkeypatch.setenv("HOTLINE_ASYNC_MODE", "gevent")
    settings = config.load(str(tmp_path))
    assert settings["SECRET_KEY"] == "from-env"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/hotline"
    assert settings["HOTLINE_MESSAGE_QUEUE"] == "redis://127.0.0.1:6379/0"
    assert settings["HOTLINE_TIMEZONE"] == "Asia/Urumqi"
    assert settings["HOTLINE_ASYNC_MODE"] == "gevent"


def test_every_documented_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    """A setting the docs name does something: config.load reads it (HOTLINE_HOST
    and HOTLINE_PORT are read by wsgi.py when it listens; names ending in `_` are
    prefixes such as HOTLINE_IDLE_MINUTES_<ROLE>)."""
    root = Path(__file__).resolve().parents[2]
    documented = set()
    for doc in ("docs/operating.md", "docs/api.md", "docs/guide.md", "README.md"):
        documented |= set(re.findall(r"`(HOTLINE_[A-Z0-9_]*[A-Z0-9])`", (root / doc).read_text()))
    read = set()
    real_get = os.environ.get

    def recording_get(name, default=None):
        read.add(name)
        return real_get(name, default)

    monkeypatch.setattr(os.environ, "get", recording_get)
    settings = config.load(str(tmp_path))
    by_role = {n for n in documented if n.startswith(config.IDLE_PREFIX)}  # read as a prefix
    assert documented - read - by_role - {"HOTLINE_HOST", "HOTLINE_PORT"} == set()
    assert "HOTLINE_HOST" in (root / "wsgi.py").read_text()
    monkeypatch.setattr(os.environ, "get", real_get)
    monkeypatch.setenv("HOTLINE_TRACK_LIMIT", "2 per minute")
    monkeypatch.setenv("HOTLINE_RANK_MIN_SAMPLE", "7")
    monkeypatch.setenv("HOTLINE_IDLE_MINUTES_MODERATOR", "240")
    settings = config.load(str(tmp_path))
    assert settings["HOTLINE_IDLE_MINUTES_BY_ROLE"]["moderator"] == 240
    assert settings["HOTLINE_TRACK_LIMIT"] == "2 per minute"
    assert settings["HOTLINE_RANK_MIN_SAMPLE"] == 7


def test_defaults_are_embedded_sqlite_in_instance(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "HOTLINE_MESSAGE_QUEUE", "HOTLINE_TIMEZONE", "HOTLINE_ASYNC_MODE"):
        monkeypatch.delenv(name, raising=False)
    settings = config.load(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/hotline.sqlite3"
    assert settings["HOTLINE_MESSAGE_QUEUE"] is None
    assert settings["HOTLINE_TIMEZONE"] == "Asia/Shanghai"
    assert settings["HOTLINE_ASYNC_MODE"] == "eventlet"


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    from hotline.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # No busy wait inside the driver (it would block the event loop):
            # hotline/database.py waits for a lock in Python instead.
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert type(conn.connection.dbapi_connection).__name__ == "GreenConnection"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_no_inline_script_or_handlers_in_any_page(client, moderator):
    for c, url in [
        (client, "/"),
        (client, "/shows"),
        (client, "/auth/login"),
        (moderator, "/desk/"),
    ]:
        html = c.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert ' style="' not in html, url


def test_session_cookie_is_httponly_and_lax(client):
    client.get("/?lang=en")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize("lang,title", [("zh_CN", "页面不存在"), ("en", "Not found")])
def test_404_page_in_both_languages(client, lang, title):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_500_shows_no_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "出错了" in body


def test_language_choice_sticks(client):
    assert "承诺公示" in client.get("/").get_data(as_text=True)
    assert "Commitment board" in client.get("/?lang=en").get_data(as_text=True)
    html = client.get("/shows").get_data(as_text=True)
    assert 'lang="en"' in html and "Shows" in html
    assert "承诺公示" in client.get("/?lang=zh_CN").get_data(as_text=True)


def test_vendored_libraries_are_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/vendor/socket.io/socket.io.min.js"):
        assert path in html
        assert client.get(path).status_code == 200
    assert "http://" not in re.sub(r'href="http[^"]*"', "", html.split("<body")[0])


def test_factory_accepts_overrides(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "HOTLINE_ASYNC_MODE": "threading",
        }
    )
    assert app.testing


@pytest.mark.parametrize("mode", ["threading", "gevent", "eventlet"])
def test_async_mode_is_one_setting(tmp_path, mode):
    from hotline.extensions import socketio

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "HOTLINE_ASYNC_MODE": mode,
        }
    )
    assert app.extensions["socketio"].server.async_mode == mode
    assert socketio.server.async_mode == mode


def test_private_files_have_no_group_or_other_bits_under_umask_0022(tmp_path, monkeypatch):
    """With the common umask 0022, everything that holds callers' details or
    withheld evidence is its owner's alone: instance/, the secret key, the
    SQLite database and its -wal and -shm, the evidence folder and files, and
    what `flask backup` writes (folder or archive, and what is in them) and
    `flask restore` brings back."""
    import os
    import tarfile
    from pathlib import Path

    from flask_migrate import upgrade

    from hotline.changes.uploads import commit_with
    from hotline.extensions import db
    from hotline.models import Attachment

    migrations = str(Path(__file__).resolve().parents[2] / "migrations")
    for name in ("SECRET_KEY", "DATABASE_URL", "HOTLINE_UPLOAD_DIR", "HOTLINE_MESSAGE_QUEUE"):
        monkeypatch.delenv(name, raising=False)
    settings = {"TESTING": True, "HOTLINE_ASYNC_MODE": "threading"}

    def loose(*roots: Path) -> list[str]:
        paths = [p for root in roots for p in (root, *root.rglob("*"))]
        return [f"{p} {p.stat().st_mode & 0o777:o}" for p in paths if p.stat().st_mode & 0o077]

    umask = os.umask(0o022)
    try:
        instance = tmp_path / "instance"
        app = create_app(settings, instance_path=str(instance))
        with app.app_context():
            upgrade(directory=migrations)
            with db.engine.connect() as conn:  # held open: the -wal and -shm are there
                conn.exec_driver_sql("SELECT count(*) FROM users").scalar()
                photo = Attachment(stored_name="0123abcd.png")
                commit_with([(photo, b"\x89PNG withheld photo")])
                names = {p.name for p in instance.iterdir()}
                assert {"hotline.sqlite3", "hotline.sqlite3-wal", "hotline.sqlite3-shm"} <= names
                assert {"secret_key", "uploads"} <= names
                assert (instance / "uploads" / "0123abcd.png").is_file()
                assert loose(instance) == []
        runner = app.test_cli_runner()
        for name in ("backup.tar.gz", "backup-folder"):
            result = runner.invoke(args=["backup", str(tmp_path / name)])
            assert result.exit_code == 0, result.output
            assert loose(tmp_path / name) == []
        with tarfile.open(tmp_path / "backup.tar.gz") as tar:
            members = tar.getmembers()
        assert len(members) >= 4 and [m.name for m in members if m.mode & 0o077] == []
        with app.app_context():
            db.engine.dispose()

        other = tmp_path / "restored"
        restored = create_app(settings, instance_path=str(other))
        result = restored.test_cli_runner().invoke(
            args=["restore", str(tmp_path / "backup.tar.gz")]
        )
        assert result.exit_code == 0, result.output
        assert (other / "uploads" / "0123abcd.png").read_bytes() == b"\x89PNG withheld photo"
        assert loose(other) == []
        with restored.app_context():
            db.engine.dispose()
    finally:
        os.umask(umask)


def test_the_systemd_units_run_with_umask_0077():
    from pathlib import Path

    units = list((Path(__file__).resolve().parents[2] / "deploy").glob("*.service"))
    assert units and all("\nUMask=0077\n" in unit.read_text() for unit in units)


def test_every_template_helper_of_the_site_is_used_by_a_template(app):
    """A helper the site registers for its templates is read by one of them (a
    helper left behind is a wording kept in two places)."""
    root = Path(__file__).resolve().parents[2] / "templates"
    text = "\n".join(p.read_text() for p in root.rglob("*.html"))
    ours = {
        name
        for name, value in app.jinja_env.globals.items()
        if getattr(value, "__module__", "").startswith("hotline.")
    }
    assert "radar_status" in ours  # the check sees the site's own helpers
    assert [name for name in sorted(ours) if not re.search(rf"\b{name}\b", text)] == []


def test_the_workers_have_a_systemd_unit_the_docs_and_make_run_name(app):
    """The notifications and the webhooks are sent only by `flask notify --loop`
    and `flask deliver --loop`: production runs them as units, and whoever
    starts the site with `make run` is told to start them."""
    assert {"deliver", "notify"} <= set(app.cli.commands)
    root = Path(__file__).resolve().parents[2]
    unit = (root / "deploy" / "hotline-worker@.service").read_text()
    assert "ExecStart=/srv/hotline/.venv/bin/flask --app hotline %i --loop" in unit
    assert "EnvironmentFile=/etc/hotline/hotline.env" in unit
    operating = (root / "docs" / "operating.md").read_text()
    assert "systemctl enable --now hotline-worker@deliver hotline-worker@notify" in operating
    run = (root / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "notify --loop" in run and "deliver --loop" in run
