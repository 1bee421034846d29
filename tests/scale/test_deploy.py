"""deploy/nginx.conf for real: nginx on 127.0.0.1 with a temporary prefix in
front of two `python wsgi.py` processes on PostgreSQL and Redis. Pages and
Socket.IO (WebSocket and long-polling, with the browser's Origin) go through
it, static files come from disk with a long lifetime, and a call logged
through nginx reaches viewers on both processes."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest
import requests
import socketio as socketio_client
from conftest import ROOT, need, port_open
from fixtures.databases import fresh_postgres_database
from fixtures.servers import at_sign_in, free_port, start_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REDIS = "redis://127.0.0.1:6379/0"
# This run's nchan channels in Redis, apart from any other run's.
NAMESPACE = f"hotline_edge_test_{uuid.uuid4().hex[:8]}"


NCHAN = "/usr/lib/nginx/modules/ngx_nchan_module.so"


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    need(bool(found), "nginx is not installed (scripts/ensure-nginx.sh installs it)")
    # deploy/nginx.conf loads it (the public edge) whether the app publishes or not.
    need(os.path.exists(NCHAN), "nginx's nchan module is not installed (libnginx-mod-nchan)")
    return found


def workers_as_me() -> str:
    """Run as root, nginx hands its workers to `nobody`, who cannot read a clone
    in a folder only its owner can (a home directory, a `mktemp -d`): the
    workers run as the test's own user instead. In production the static
    folder is readable by nginx's user (docs/operating.md)."""
    if os.geteuid() != 0:
        return ""  # an unprivileged nginx's workers are this user already
    return f" user {pwd.getpwuid(os.geteuid()).pw_name};"


def render_config(
    ports: list[int], listen: int, publish: int | None = None, redis: str | None = None
) -> str:
    """deploy/nginx.conf with this test's ports, paths and Redis (its edge
    publisher on `publish`, its channels under a namespace of its own), nothing
    else changed."""
    conf = (ROOT / "deploy/nginx.conf").read_text()
    upstream = re.compile(r"(?:^\s*server 127\.0\.0\.1:\d+;\n)+", re.M)
    assert upstream.search(conf), "the upstream block moved"
    servers = "".join(f"        server 127.0.0.1:{p};\n" for p in ports)
    conf = upstream.sub(servers, conf, count=1)
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{listen};",
        "alias /srv/hotline/static/;": f"alias {ROOT}/static/;",
        "include mime.types;": "include /etc/nginx/mime.types;",
        "worker_processes auto;": "worker_processes 1;",
        "listen 127.0.0.1:8081;": f"listen 127.0.0.1:{publish or free_port()};",
        "nchan_redis_server redis://127.0.0.1:6379/0;": f"nchan_redis_server {redis or REDIS};",
        "nchan_redis_namespace hotline_edge;": f"nchan_redis_namespace {NAMESPACE};",
    }
    for old, new in replacements.items():
        assert old in conf, old
        conf = conf.replace(old, new)
    return conf


def start_nginx(nginx: str, folder, conf: str, listen: int) -> subprocess.Popen:
    """nginx with `conf`, its prefix (logs, temp files, pid) in `folder`, in
    the foreground; returns the process once it listens on `listen`."""
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(conf)
    command = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    command += ["-e", str(folder / "logs/error.log")]
    command += ["-g", f"daemon off; pid {folder}/nginx.pid;{workers_as_me()}"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while not port_open(listen) and time.monotonic() < deadline:
        assert proxy.poll() is None, proxy.stdout.read()
        time.sleep(0.1)
    return proxy


@pytest.fixture(scope="module")
def behind_nginx(postgres_url, redis_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    nginx = nginx_binary()
    with fresh_postgres_database(postgres_url) as database_url:
        env = {
            "DATABASE_URL": database_url,
            "HOTLINE_MESSAGE_QUEUE": redis_url,
            "HOTLINE_SOCKETIO_CHANNEL": f"deploy-{uuid.uuid4().hex[:8]}",
            "SECRET_KEY": "shared-by-every-process",
            "HOTLINE_ASYNC_MODE": "eventlet",
            "HOTLINE_PROXY_HOPS": "1",
            "HOTLINE_UPLOAD_DIR": str(folder / "uploads"),
        }
        setup = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "hotline", "setup"],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert setup.returncode == 0, setup.stderr
        servers, ports = [], []
        proxy = None
        try:
            for _ in range(2):
                ports.append(free_port())
                servers.append(start_server(env, ports[-1]))
            listen = free_port()
            proxy = start_nginx(nginx, folder, render_config(ports, listen), listen)
            yield {
                "url": f"http://127.0.0.1:{listen}",
                "direct": [f"http://127.0.0.1:{p}" for p in ports],
            }
        finally:
            if proxy is not None:
                proxy.terminate()
                proxy.wait(timeout=10)
            for process in servers:
                process.terminate()
                process.wait(timeout=10)


def test_pages_and_static_files_through_nginx(behind_nginx):
    base = behind_nginx["url"]
    page = requests.get(f"{base}/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert page.status_code == 200
    assert "承诺公示" in page.text
    assert page.headers.get("Content-Encoding") == "gzip"  # compressed by the app
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', page.text).group(1)
    static = requests.get(f"{base}{css}", timeout=10)
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Served by nginx from disk: the app would not cache a URL whose hash is wrong.
    wrong = requests.get(f"{base}/static/app.css?v=stale", timeout=10)
    assert wrong.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert wrong.content == static.content


def test_a_call_logged_through_nginx_reaches_viewers_on_both_processes(behind_nginx):
    base = behind_nginx["url"]
    desk, token = at_sign_in(base)
    signed = desk.post(
        f"{base}/auth/login",
        data={"username": "host", "password": "hotline-demo", "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert signed.status_code == 302
    listing = desk.get(f"{base}/desk/", timeout=10).text
    show_id = re.search(r'href="/desk/shows/(\d+)"', listing).group(1)
    token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
    desk.post(
        f"{base}/desk/shows/{show_id}/status",
        data={"action": "live", "csrf_token": token},
        timeout=10,
    )

    viewers = []
    got: dict[str, list] = {}
    # Through nginx on WebSocket and on long-polling (sticky), with the page's
    # Origin as a browser sends it; and one straight on the second process.
    for name, url, transport in [
        ("websocket", base, "websocket"),
        ("polling", base, "polling"),
        ("second process", behind_nginx["direct"][1], "websocket"),
    ]:
        client = socketio_client.Client(reconnection=False)
        got[name] = []
        client.on("swap", got[name].append, namespace="/live")
        client.connect(
            url,
            namespaces=["/live"],
            transports=[transport],
            # websocket-client sends the Origin itself (a second one would be doubled).
            headers={} if transport == "websocket" else {"Origin": url},
            wait_timeout=10,
        )
        client.call("join", {"rooms": [f"show:{show_id}"]}, namespace="/live", timeout=10)
        viewers.append(client)
    try:
        response = desk.post(
            f"{base}/desk/shows/{show_id}/calls",
            data={"topic": "经过代理的来电", "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 303
        deadline = time.monotonic() + 15
        while not all(got.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for client in viewers:
            client.disconnect()
    for name, events in got.items():
        assert events, f"the {name} viewer got nothing"
        assert "经过代理的来电" in events[0]["html"]
