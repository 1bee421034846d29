"""Viewers never lock staff out: `python wsgi.py` (eventlet, as in production)
with a small cap on public sockets refuses the viewers beyond it with a reason
the page can show, while staff pages, a logged call and the /desk socket keep
working; a viewer who leaves frees their place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import socketio as socketio_client
from conftest import ROOT
from fixtures.servers import desk_session, first_show_live, free_port, served

CAP = 20


@pytest.fixture(scope="module")
def capped_server(template_databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("capped")
    with served(
        template_databases["demo"],
        folder,
        HOTLINE_MAX_VIEWERS=str(CAP),
        # A small server limit too: the refused viewers must not use it up.
        HOTLINE_MAX_CONNECTIONS=str(CAP + 30),
    ) as site:
        yield site[0]


def viewer(base: str) -> tuple[socketio_client.Client, str | None]:
    """A public viewer on WebSocket; returns it and the refusal message, if any."""
    client = socketio_client.Client(reconnection=False)
    refusals = []
    client.on("connect_error", refusals.append, namespace="/live")
    try:
        client.connect(base, namespaces=["/live"], transports=["websocket"], wait_timeout=10)
    except socketio_client.exceptions.ConnectionError as error:
        client.disconnect()
        message = refusals[0]["message"] if refusals else str(error)
        return client, message
    return client, None


def test_viewers_beyond_the_cap_are_refused_and_staff_keep_working(capped_server):
    base = capped_server
    accepted, refused = [], []
    try:
        for _ in range(CAP + 10):
            client, message = viewer(base)
            (refused if message else accepted).append(message or client)
        assert len(accepted) == CAP
        assert len(refused) == 10
        # The reason is for people (zh_CN is the default locale).
        assert refused[0] == "当前观看人数已满，请几分钟后再试。"

        # Staff: sign in, take a show live, log a call.
        desk, token = desk_session(base, "host")
        show_id = first_show_live(base, desk, token)
        response = desk.post(
            f"{base}/desk/shows/{show_id}/calls",
            data={"topic": "满员时的来电", "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 303

        # The desk's own socket still connects and joins its room.
        staff = socketio_client.Client(reconnection=False)
        cookie = "; ".join(f"{k}={v}" for k, v in desk.cookies.items())
        staff.connect(
            base,
            namespaces=["/desk"],
            transports=["websocket"],
            headers={"Cookie": cookie},
            wait_timeout=10,
        )
        ack = staff.call("join", {"rooms": [f"show:{show_id}"]}, namespace="/desk", timeout=10)
        assert f"show:{show_id}" in ack
        staff.disconnect()

        # Viewers who leave free their places.
        for client in accepted[:5]:
            client.disconnect()
        del accepted[:5]
        for _ in range(5):
            client, message = viewer(base)
            assert message is None
            accepted.append(client)
        _client, message = viewer(base)
        assert message
    finally:
        for client in accepted:
            client.disconnect()


def test_a_low_file_descriptor_limit_is_reported_at_start(template_databases, tmp_path):
    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": "fd-limit-test",
        "HOTLINE_ASYNC_MODE": "eventlet",
        "HOTLINE_PORT": str(free_port()),
        "HOTLINE_MAX_VIEWERS": "5000",
    }

    # The limit is lowered in the child itself (a preexec_fn would fork this
    # process, which eventlet warns about once it is imported here).
    low_limit = (
        "import resource, runpy, sys; "
        "resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512)); "
        "sys.argv = ['wsgi.py']; runpy.run_path('wsgi.py', run_name='__main__')"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", low_limit],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Hotline on") or len(lines) > 50:
                break
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = "".join(lines)
    assert "file-descriptor limit (512) is too low" in output
    # What is left after the reserve: a quarter kept for staff, the rest for viewers.
    assert "connections ≤ 256" in output
    assert "viewers ≤ 192" in output
