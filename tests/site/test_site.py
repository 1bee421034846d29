"""The site as a whole: every page in both languages for the role that uses it,
navigation by role, error pages, cookies, first-run set-up and the async
servers."""

import re

import pytest
from sqlalchemy import select

from hotline import create_app
from hotline.extensions import db
from hotline.models import Commitment, Deputy


def pages_by_role(app) -> dict[str | None, list[str]]:
    with app.app_context():
        cid = db.session.scalar(select(Commitment.id).where(Commitment.department_id == 1))
        deputy = db.session.scalar(select(Deputy.id))
    public = [
        "/",
        "/shows",
        "/shows/1",
        "/shows/4/ask",
        f"/commitments/{cid}",
        "/departments",
        "/deputies",
        f"/deputies/{deputy}",
        "/lists/",
        "/lists/suggestions",
        "/lists/assignments",
        "/lists/results",
        "/lists/report",
        "/auth/login",
    ]
    return {
        None: public,
        "host": [
            "/desk/",
            "/desk/shows/new",
            "/desk/shows/4",
            "/desk/shows/4/edit",
            "/desk/shows/4/dossier",
            "/desk/calls/1",
            f"/desk/commitments/{cid}/correct",
            "/followup/",
        ],
        "housing": [
            "/desk/department",
            "/desk/shows/4/dossier",
            "/followup/",
            f"/followup/commitments/{cid}",
        ],
        "office": ["/followup/", f"/followup/commitments/{cid}", "/admin/"],
    }


def test_every_page_renders_in_both_languages(app, login):
    for username, urls in pages_by_role(app).items():
        client = login(username) if username else app.test_client()
        for url in urls:
            joiner = "&" if "?" in url else "?"
            zh = client.get(f"{url}{joiner}lang=zh_CN")
            en = client.get(f"{url}{joiner}lang=en")
            assert zh.status_code == en.status_code == 200, (username, url)
            assert 'lang="zh-CN"' in zh.text and 'lang="en"' in en.text, (username, url)
            # The Chinese page is in Chinese: its title is translated.
            zh_title = re.search(r"<title>(.*?)</title>", zh.text, re.S).group(1)
            assert re.search(r"[\u4e00-\u9fff]", zh_title), (username, url, zh_title)


def test_navigation_shows_each_role_its_own_places(app, login):
    def nav(client):
        html = client.get("/?lang=en").text
        return set(re.findall(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)[0].split("href="))

    anonymous = " ".join(nav(app.test_client()))
    assert "/desk/" not in anonymous and "/followup/" not in anonymous
    host = " ".join(nav(login("host")))
    assert '"/desk/"' in host and "/desk/department" not in host
    housing = " ".join(nav(login("housing")))
    assert "/desk/department" in housing and '"/desk/"' not in housing
    office = " ".join(nav(login("office")))
    assert "/followup/" in office and '"/desk/"' in office


@pytest.mark.parametrize(
    "code,zh,en",
    [
        (400, "请求有误", "Bad request"),
        (403, "无权操作", "Not allowed"),
        (404, "页面不存在", "Not found"),
        (409, "已被他人修改", "Changed by someone else"),
        (429, "请求过于频繁", "Too many requests"),
        (500, "出错了", "Something went wrong"),
    ],
)
def test_error_pages_in_both_languages(tmp_path, code, zh, en):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "HOTLINE_ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.db",
        }
    )
    from flask import abort

    @app.route("/fail")
    def fail():
        if code == 500:
            raise RuntimeError("internal detail")
        abort(code)

    client = app.test_client()
    for lang, title in (("zh_CN", zh), ("en", en)):
        response = client.get(f"/fail?lang={lang}")
        assert response.status_code == code
        assert title in response.text and "internal detail" not in response.text


def test_cookies_are_secure_behind_https(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_HTTPS", "1")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "HOTLINE_ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db",
        }
    )
    client = app.test_client()
    client.get("/?lang=en", base_url="https://hotline.example.cn")
    cookie = client.get_cookie("session", domain="hotline.example.cn")
    assert cookie is not None and cookie.secure and cookie.http_only


def test_setup_migrates_loads_the_demo_once_and_prints_the_logins(empty_app):
    runner = empty_app.test_cli_runner()
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "hotline-demo" in first.output and "office" in first.output
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0 and "existing data kept" in second.output
    with empty_app.app_context():
        assert db.session.scalar(select(Commitment.id)) is not None


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_the_server_runs_in_each_async_mode(template_databases, tmp_path, mode):
    """`python wsgi.py` serves pages and Socket.IO in every supported mode."""
    import shutil

    import requests
    import socketio as socketio_client
    from fixtures.servers import free_port, start_server

    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    port = free_port()
    process = start_server(
        {"DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "t", "HOTLINE_ASYNC_MODE": mode},
        port,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(base + "/", timeout=10).status_code == 200
        viewer = socketio_client.Client(reconnection=False)
        viewer.connect(base, namespaces=["/live"], transports=["polling"], wait_timeout=10)
        ack = viewer.call("join", {"rooms": ["board"]}, namespace="/live", timeout=10)
        assert "board" in ack
        viewer.disconnect()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_reading_the_board_starts_no_session(app):
    """Thousands of viewers: reading public pages sets no cookie (so a cache in
    front can serve them); only a page with a form, or a language choice, does."""
    client = app.test_client()
    for url in ("/", "/shows", "/shows/1", "/departments", "/deputies", "/lists/"):
        response = client.get(url)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, url
    assert "Set-Cookie" in client.get("/auth/login").headers
