"""Small defects found by attacking the site: a Socket.IO `join` without a
proper payload, and HSTS behind TLS."""

from __future__ import annotations

import logging

import pytest

from hotline import create_app


@pytest.mark.parametrize("namespace", ["/live", "/desk"])
def test_join_without_a_payload_joins_nothing_and_logs_no_traceback(
    namespace, socket_client, moderator, caplog
):
    http = moderator if namespace == "/desk" else None
    client = socket_client(namespace, http)
    assert client.is_connected(namespace)
    with caplog.at_level(logging.DEBUG):
        assert client.emit("join", namespace=namespace, callback=True) == {}
        for payload in ("board", ["board"], 7, None, {"rooms": "board"}, {"rooms": [1, None]}):
            assert client.emit("join", payload, namespace=namespace, callback=True) == {}
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert client.is_connected(namespace)


def _app(tmp_path, https: bool):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
            "HOTLINE_ASYNC_MODE": "threading",
            "HOTLINE_HTTPS": https,
        }
    )


def test_hsts_only_behind_tls(tmp_path):
    secure = _app(tmp_path, True).test_client().get("/auth/login")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = _app(tmp_path, False).test_client().get("/auth/login")
    assert "Strict-Transport-Security" not in plain.headers
