"""The public edge, app side (hotline/realtime/edge.py): with
HOTLINE_EDGE_PUBLISH_URL set, a change's public messages go to nchan's
publisher location (here a stand-in that records what it is sent), one
request per room and language, in order, after the commit; staff rooms stay on
Socket.IO; a publisher that is down never breaks the staff action. nginx and
nchan for real, with a browser: tests/scale/test_edge.py."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import make_app
from desk_support import HOUSING, go_live, log, scheduled_show
from fixtures.servers import free_port

from hotline.extensions import db
from hotline.realtime import live


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx answers

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, json.loads(body), self.client_address[1]))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def publisher():
    """A stand-in for nchan's publisher location: records (path, messages, client port)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.posts, server.status = [], 201
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=5)


def edge_app(template_databases, tmp_path, url: str):
    return make_app(
        template_databases["demo"], tmp_path, {"HOTLINE_EDGE_PUBLISH_URL": url + "/edge/pub"}
    )


@pytest.fixture
def edged(template_databases, tmp_path, publisher):
    app = edge_app(template_databases, tmp_path, f"http://127.0.0.1:{publisher.server_port}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def swaps(client, namespace):
    return [e["args"][0] for e in client.get_received(namespace) if e["name"] == "swap"]


def signed_in(app, username):
    c = app.test_client()
    c.login(username)
    return c


def test_a_logged_call_goes_to_nchan_per_room_and_language_and_staff_stay_on_socketio(
    edged, publisher
):
    moderator = signed_in(edged, "host")
    show_id = go_live(moderator, scheduled_show(edged))
    from hotline.extensions import socketio

    housing = socketio.test_client(
        edged, namespace="/desk", flask_test_client=signed_in(edged, "housing")
    )
    public = socketio.test_client(edged, namespace="/live")
    housing.emit("join", {"rooms": [f"department:{HOUSING}"]}, namespace="/desk", callback=True)
    public.emit("join", {"rooms": [f"show:{show_id}"]}, namespace="/live", callback=True)
    housing.get_received("/desk")
    public.get_received("/live")
    publisher.posts.clear()

    log(moderator, show_id, topic="电梯加装审批难", department=str(HOUSING), caller_name="上官婉儿")

    paths = [path for path, _messages, _port in publisher.posts]
    # One request per room and language; every room in the public allowlist.
    assert len(paths) == len(set(paths))
    assert f"/edge/pub/zh_CN/show:{show_id}" in paths and f"/edge/pub/en/show:{show_id}" in paths
    assert all(live.PUBLIC_ROOM.match(p.rsplit("/", 1)[1]) for p in paths), paths
    by_path = {path: messages for path, messages, _port in publisher.posts}
    show_messages = by_path[f"/edge/pub/zh_CN/show:{show_id}"]
    assert show_messages[0]["target"] == "#call-list"
    assert "电梯加装审批难" in show_messages[0]["html"]
    assert set(show_messages[0]) == {"room", "target", "swap", "html", "seq"}
    seqs = [m["seq"] for m in show_messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    english = by_path[f"/edge/pub/en/show:{show_id}"]
    assert [m["seq"] for m in english] == seqs  # the same change, the other language
    for _path, messages, _port in publisher.posts:
        assert "上官婉儿" not in json.dumps(messages, ensure_ascii=False)
    # Pooled: the whole change went over one kept connection.
    assert len({port for _p, _m, port in publisher.posts}) == 1
    # The public socket room hears nothing now; the department's desk still does.
    assert swaps(public, "/live") == []
    to_housing = swaps(housing, "/desk")
    assert [s["target"] for s in to_housing] == ["#dept-calls"]
    for c in (housing, public):
        if c.is_connected():
            c.disconnect()


def test_a_publisher_that_is_down_never_breaks_the_staff_action(
    template_databases, tmp_path, caplog
):
    app = edge_app(template_databases, tmp_path, f"http://127.0.0.1:{free_port()}")
    moderator = signed_in(app, "host")
    show_id = go_live(moderator, scheduled_show(app))
    with caplog.at_level(logging.WARNING, logger="hotline.edge"):
        response = log(moderator, show_id, topic="停电的时候也要记下来")
    assert response.status_code in (200, 303)
    assert "edge publish" in caplog.text
    page = app.test_client().get(f"/shows/{show_id}")
    assert "停电的时候也要记下来" in page.get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_refusing_publisher_is_logged_and_the_call_is_kept(edged, publisher, caplog):
    publisher.status = 403
    moderator = signed_in(edged, "host")
    show_id = go_live(moderator, scheduled_show(edged))
    with caplog.at_level(logging.WARNING, logger="hotline.edge"):
        response = log(moderator, show_id, topic="被拒绝也不影响")
    assert response.status_code in (200, 303)
    assert "HTTP 403" in caplog.text


def test_public_pages_subscribe_to_the_edge_in_their_language(edged):
    client = edged.test_client()
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'data-live-ns="/live" data-live-edge="/edge/sub/en"' in page
    page = client.get("/?lang=zh_CN").get_data(as_text=True)
    assert 'data-live-edge="/edge/sub/zh_CN"' in page


def test_the_embedded_default_has_no_edge(app, client):
    assert not app.config["HOTLINE_EDGE_PUBLISH_URL"]
    page = client.get("/").get_data(as_text=True)
    assert 'data-live-ns="/live"' in page and "data-live-edge" not in page


def test_only_rooms_of_the_public_allowlist_go_to_the_edge(edged, publisher):
    with edged.test_request_context("/"):
        for namespace, room in ((live.STAFF, f"department:{HOUSING}"), (live.PUBLIC, "admin")):
            live.publish(namespace, room, target="#x", swap="innerHTML", render=lambda: "<p>x</p>")
        live.publish(live.PUBLIC, "board", target="#x", swap="innerHTML", render=lambda: "<p>x</p>")
    paths = [path for path, _messages, _port in publisher.posts]
    assert sorted(paths) == ["/edge/pub/en/board", "/edge/pub/zh_CN/board"]


def test_a_malformed_setting_stops_the_start(template_databases, tmp_path):
    with pytest.raises(ValueError):
        make_app(template_databases["demo"], tmp_path, {"HOTLINE_EDGE_PUBLISH_URL": "nginx:8081"})
    with pytest.raises(ValueError):
        make_app(
            template_databases["demo"],
            tmp_path,
            {
                "HOTLINE_EDGE_PUBLISH_URL": "http://127.0.0.1:8081/edge/pub",
                "HOTLINE_EDGE_SUBSCRIBE_URL": "https://elsewhere.example/sub",
            },
        )
