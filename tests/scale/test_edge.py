"""The public edge for real: deploy/nginx.conf's nchan locations on two nginx
nodes sharing one Redis, in front of two `python wsgi.py` processes on
PostgreSQL with HOTLINE_EDGE_PUBLISH_URL set (each process publishes to its
own node). A real browser sees a logged call reach a public page through
nchan, resumes after a short absence and refetches after a long one, falls
back to EventSource with WebSockets blocked, and is told "too many viewers"
when the node is full; the publisher cannot be reached from the public side;
a call logged on one process reaches viewers on both nodes. Without the
setting, public pages stay on Socket.IO."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import requests
import websocket
from conftest import ROOT
from fixtures.databases import fresh_postgres_database
from fixtures.servers import at_sign_in, free_port, start_server
from playwright.sync_api import expect
from scale.test_deploy import nginx_binary, render_config, start_nginx

from hotline.realtime import edge

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser]

# Viewers node B holds in these tests (deploy/nginx.conf: 20000), to see it full.
B_VIEWERS = 2


def edge_config(app_ports, listen, publish, namespace, viewers=None) -> str:
    conf = render_config(app_ports, listen, publish)
    conf = re.sub(r"nchan_redis_namespace \S+;", f"nchan_redis_namespace {namespace};", conf)
    if viewers is not None:
        assert "limit_conn edge_viewers 20000;" in conf
        conf = conf.replace("limit_conn edge_viewers 20000;", f"limit_conn edge_viewers {viewers};")
    return conf


@pytest.fixture(scope="module")
def edge_site(postgres_url, redis_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge")
    nginx = nginx_binary()
    namespace = f"hotline_edge_test_{uuid.uuid4().hex[:8]}"
    with fresh_postgres_database(postgres_url) as database_url:
        env = {
            "DATABASE_URL": database_url,
            "HOTLINE_MESSAGE_QUEUE": redis_url,
            "HOTLINE_SOCKETIO_CHANNEL": f"edge-{uuid.uuid4().hex[:8]}",
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
        listens, publishers = [free_port(), free_port()], [free_port(), free_port()]
        app_ports = [free_port(), free_port()]
        processes, nodes = [], {}
        try:
            for port, publish in zip(app_ports, publishers, strict=True):
                edge = {"HOTLINE_EDGE_PUBLISH_URL": f"http://127.0.0.1:{publish}/edge/pub"}
                processes.append(start_server({**env, **edge}, port))
            confs = [
                edge_config(app_ports, listen, publish, namespace, B_VIEWERS if node else None)
                for node, (listen, publish) in enumerate(zip(listens, publishers, strict=True))
            ]

            def start_node(node: int) -> None:
                nodes[node] = start_nginx(nginx, folder / f"node{node}", confs[node], listens[node])

            def stop_node(node: int) -> None:
                nodes[node].terminate()
                nodes[node].wait(timeout=10)

            for node in (0, 1):
                start_node(node)
            yield {
                "nodes": [f"http://127.0.0.1:{p}" for p in listens],
                "apps": [f"http://127.0.0.1:{p}" for p in app_ports],
                "stop_node": stop_node,
                "start_node": start_node,
            }
        finally:
            for process in [*nodes.values(), *processes]:
                process.terminate()
                process.wait(timeout=10)


class Desk:
    """A moderator signed in to one server process, with a show on air."""

    def __init__(self, base: str):
        self.base = base
        self.session, token = at_sign_in(base)
        signed = self.session.post(
            f"{base}/auth/login",
            data={"username": "host", "password": "hotline-demo", "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert signed.status_code == 302
        listing = self.session.get(f"{base}/desk/", timeout=10).text
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
        shows = re.findall(r'href="/desk/shows/(\d+)"', listing)
        self.show_id = int(shows[0])
        self.session.post(
            f"{base}/desk/shows/{self.show_id}/status",
            data={"action": "live", "csrf_token": self.token},
            timeout=10,
        )

    def log(self, topic: str) -> None:
        response = self.session.post(
            f"{self.base}/desk/shows/{self.show_id}/calls",
            data={"topic": topic, "csrf_token": self.token},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 303, response.text[:300]


def subscribe(node: str, path: str, **options):
    """A WebSocket viewer of nchan at `path` (as live.js opens it), with the page's Origin."""
    url = node.replace("http://", "ws://") + path
    options.setdefault("origin", node)
    return websocket.create_connection(url, subprotocols=["ws+meta.nchan"], timeout=10, **options)


def heard(viewer, text: str, seconds: float = 15) -> str:
    """Messages until one carries `text`; that one (nchan's id lines and all)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        viewer.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            message = viewer.recv()
        except websocket.WebSocketTimeoutException:
            break
        if text in message:
            return message
    raise AssertionError(f"no message with {text!r}")


def watch_transports(page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"websocket": [], "requests": []}
    page.on("websocket", lambda ws: seen["websocket"].append(ws.url))
    page.on("request", lambda r: seen["requests"].append(r.url))
    return seen


def test_a_logged_call_reaches_a_public_page_through_nchan(edge_site, contexts):
    node = edge_site["nodes"][0]
    desk = Desk(node)
    page = contexts().new_page()
    seen = watch_transports(page)
    page.goto(f"{node}/shows/{desk.show_id}?lang=en")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "connected")
    desk.log("经过边缘节点的来电")
    expect(page.locator("#call-list")).to_contain_text("经过边缘节点的来电")
    assert any(f"/edge/sub/en/show:{desk.show_id}" in url for url in seen["websocket"]), seen
    # The public page never opened Socket.IO: the app's processes hold no viewer.
    assert not any("/socket.io/?EIO" in url for url in seen["requests"] + seen["websocket"])


def test_a_page_back_soon_resumes_and_one_back_after_a_gap_refetches(edge_site, contexts):
    node = edge_site["nodes"][0]
    desk = Desk(edge_site["apps"][0])  # publishes to node A
    page = contexts().new_page()
    page.goto(f"{node}/shows/{desk.show_id}")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "connected")
    refetches = []
    page.on("request", lambda r: refetches.append(r.url) if r.headers.get("hx-request") else None)

    # Away for a few calls: nchan replays them from the page's last message id.
    page.evaluate("window.hotlineLive.edge.disconnect()")
    expect(status).to_have_attribute("data-state", "disconnected")
    for n in range(3):
        desk.log(f"离线时记录的来电 {n}")
    page.evaluate("window.hotlineLive.edge.connect()")
    expect(page.locator("#call-list")).to_contain_text("离线时记录的来电 0")
    expect(page.locator("#call-list")).to_contain_text("离线时记录的来电 2")
    expect(status).to_have_attribute("data-state", "connected")
    assert not any(f"/shows/{desk.show_id}" in url for url in refetches)  # no HTTP needed

    # The node goes down: the page loses its connection, and a call logged
    # meanwhile never reaches nchan (the desk is not held up by it). The page
    # comes back; the next change's number shows the one it never got, and it
    # fetches its regions over HTTP.
    edge_site["stop_node"](0)
    expect(status).to_have_attribute("data-state", re.compile("disconnected|connecting"))
    desk.log("节点宕机时的来电")
    edge_site["start_node"](0)
    expect(status).to_have_attribute("data-state", "connected", timeout=30_000)
    desk.log("节点恢复后的来电")
    expect(page.locator("#call-list")).to_contain_text("节点恢复后的来电")
    expect(page.locator("#call-list")).to_contain_text("节点宕机时的来电")
    assert any(f"/shows/{desk.show_id}" in url for url in refetches), refetches


def test_with_websockets_blocked_the_page_hears_through_eventsource(edge_site, contexts):
    node = edge_site["nodes"][0]
    desk = Desk(node)
    page = contexts().new_page()
    # A proxy on the way that refuses WebSocket upgrades.
    page.route_web_socket(re.compile(r".*/edge/sub/.*"), lambda ws: ws.close())
    seen = watch_transports(page)
    page.goto(f"{node}/shows/{desk.show_id}")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    desk.log("不走WebSocket的来电")
    expect(page.locator("#call-list")).to_contain_text("不走WebSocket的来电")
    assert any(f"/edge/sub/zh_CN/show:{desk.show_id}" in url for url in seen["requests"]), seen


def test_with_javascript_off_the_page_still_reads(edge_site, contexts):
    node = edge_site["nodes"][0]
    desk = Desk(node)
    desk.log("不用脚本也能看到")
    page = contexts(java_script_enabled=False).new_page()
    page.goto(f"{node}/shows/{desk.show_id}")
    expect(page.locator("#call-list")).to_contain_text("不用脚本也能看到")


def test_a_call_logged_on_one_process_reaches_viewers_on_both_nodes(edge_site):
    """Two nginx nodes on one Redis: process 2 publishes to node B only, yet a
    viewer on node A hears it, and the other way round."""
    desk = Desk(edge_site["apps"][1])
    path = f"/edge/sub/zh_CN/show:{desk.show_id}"
    viewers = [subscribe(node, path) for node in edge_site["nodes"]]
    try:
        desk.log("两个节点都能收到")
        for viewer in viewers:
            message = heard(viewer, "两个节点都能收到")
            assert message.startswith("id: ")  # resumable: nchan's message id comes along
        Desk(edge_site["apps"][0]).log("另一个进程记录的来电")
        for viewer in viewers:
            heard(viewer, "另一个进程记录的来电")
    finally:
        for viewer in viewers:
            viewer.close()


def test_the_publisher_is_not_reachable_from_the_public_side(edge_site):
    node = edge_site["nodes"][0]
    desk = Desk(edge_site["apps"][0])
    channel = f"zh_CN/show:{desk.show_id}"
    viewer = subscribe(node, f"/edge/sub/{channel}")
    try:
        forged = json.dumps(
            [
                {
                    "room": f"show:{desk.show_id}",
                    "target": "#call-list",
                    "swap": "afterbegin",
                    "html": "<li>伪造的消息</li>",
                    "seq": 999999,
                }
            ]
        )
        for path in (f"/edge/pub/{channel}", f"/edge/sub/{channel}"):
            response = requests.post(f"{node}{path}", data=forged.encode(), timeout=10)
            assert response.status_code not in (200, 201, 202), path
        desk.log("真正的来电")
        message = heard(viewer, "真正的来电")
        assert "伪造的消息" not in message
    finally:
        viewer.close()
    conf = (ROOT / "deploy/nginx.conf").read_text()
    publisher = conf[conf.index("server_name edge_publisher;") - 200 :]
    assert "listen 127.0.0.1:" in publisher and "allow 127.0.0.1;\n        deny all;" in publisher
    assert conf.count("nchan_publisher") == 1  # one publisher location, in that server


def test_only_public_rooms_from_the_site_itself_can_be_heard(edge_site):
    node = edge_site["nodes"][0]
    # A staff room is no channel: the path is not nchan's (the app answers 404).
    staff = requests.get(
        f"{node}/edge/sub/zh_CN/department:1", headers={"Accept": "text/event-stream"}, timeout=10
    )
    assert staff.status_code == 404
    assert "text/event-stream" not in staff.headers.get("Content-Type", "")
    # The subscriber location's rooms are the viewers' rooms of the app's allowlist.
    conf = (ROOT / "deploy/nginx.conf").read_text()
    rooms = re.search(r"\^/edge/sub/\(zh_CN\|en\)/\(\(\?:([^)]+)\)", conf).group(1)
    allowed = edge.ROOM.pattern.removeprefix("^(").removesuffix(")$")
    assert rooms.replace("\\\\", "\\") == allowed
    # Another site's page may not subscribe (as Socket.IO's same-origin rule).
    with pytest.raises(websocket.WebSocketBadStatusException):
        subscribe(node, "/edge/sub/zh_CN/board", origin="https://elsewhere.example")


def test_a_full_node_tells_the_page_too_many_viewers(edge_site, contexts):
    node = edge_site["nodes"][1]
    path = "/edge/sub/zh_CN/board"
    held = [subscribe(node, path) for _ in range(B_VIEWERS)]
    try:
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            subscribe(node, path)
        assert refused.value.status_code == 429
        page = contexts().new_page()
        page.goto(f"{node}/")
        status = page.locator("#live-status")
        expect(status).to_have_attribute("data-state", "full")
        expect(status.locator("[data-when=full]")).to_be_visible()
        expect(page.locator("#board-rows")).not_to_be_empty()  # still reads over HTTP
    finally:
        for viewer in held:
            viewer.close()


def test_without_the_setting_public_pages_stay_on_socketio(live_server, contexts):
    """The embedded default: one process, in-process Socket.IO, no nginx."""
    assert not live_server.app.config["HOTLINE_EDGE_PUBLISH_URL"]
    desk = Desk(live_server)
    page = contexts().new_page()
    seen = watch_transports(page)
    page.goto(f"{live_server}/shows/{desk.show_id}")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    desk.log("内置方式的来电")
    expect(page.locator("#call-list")).to_contain_text("内置方式的来电")
    assert not any("/edge/" in url for url in seen["requests"] + seen["websocket"])
    assert any("/socket.io/?EIO" in url for url in seen["requests"] + seen["websocket"])
