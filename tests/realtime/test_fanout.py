"""A room bigger than INLINE is pushed to a slice at a time by one background
sender (hotline/realtime/fanout.py), so the server answers pages and desks in between;
a smaller one goes out in one go, its sockets sending before the request goes
on. Every viewer must still get every push, in the order made, with no number
skipped, and the desk its answer. Run for real on `python wsgi.py` (eventlet,
as in production) with a room of each kind, and in-process in threading mode
with a slice of two."""

from __future__ import annotations

import re
import threading
import time

import pytest
import socketio as socketio_client
from fixtures.servers import desk_session, first_show_live, served

from hotline.realtime import fanout

SLICED = fanout.INLINE + 5  # five slices
IN_ONE_GO = fanout.SLICE + 5  # more than a slice: the request yields to its sockets
CALLS = 4


@pytest.fixture(scope="module")
def server(template_databases, tmp_path_factory):
    with served(template_databases["demo"], tmp_path_factory.mktemp("fanout")) as site:
        yield site[0]


class Viewer:
    """A public page's socket in a show's room, keeping every `swap` it gets."""

    def __init__(self, base: str, room: str):
        self.swaps: list[dict] = []
        self.got_all = threading.Event()
        self.client = socketio_client.Client(reconnection=False)
        self.client.on("swap", self._swap, namespace="/live")
        self.client.connect(base, namespaces=["/live"], transports=["websocket"], wait_timeout=10)
        self.joined = self.client.call("join", {"rooms": [room]}, namespace="/live", timeout=10)

    def _swap(self, data: dict) -> None:
        if data["target"] == "#call-list":
            self.swaps.append(data)
            if len(self.swaps) == CALLS:
                self.got_all.set()


@pytest.mark.parametrize("size", [SLICED, IN_ONE_GO], ids=["sliced", "in-one-go"])
def test_a_big_room_gets_every_push_in_order(server, size):
    desk, token = desk_session(server, "host")
    show_id = first_show_live(server, desk, token)
    room = f"show:{show_id}"
    viewers = [Viewer(server, room) for _ in range(size)]
    try:
        start = viewers[0].joined[room]
        topics = [f"分片推送来电 {i}" for i in range(CALLS)]
        for topic in topics:  # back to back: later pushes queue behind earlier ones
            answer = desk.post(
                f"{server}/desk/shows/{show_id}/calls",
                data={"topic": topic},
                headers={"HX-Request": "true", "X-CSRFToken": token},
                timeout=10,
            )
            assert answer.status_code == 200
            assert topic in answer.text  # the desk's own row came back with the answer
        for viewer in viewers:
            assert viewer.got_all.wait(15), f"a viewer got {len(viewer.swaps)} of {CALLS} calls"
        for viewer in viewers:
            assert [s["seq"] for s in viewer.swaps] == list(range(start + 1, start + CALLS + 1))
            rows = [re.search(r"分片推送来电 \d", s["html"]).group(0) for s in viewer.swaps]
            assert rows == topics
    finally:
        for viewer in viewers:
            viewer.client.disconnect()


def public_viewers(socket_client, room: str, n: int) -> list:
    """n test clients of the public namespace, joined to `room`."""
    viewers = [socket_client("/live") for _ in range(n)]
    for viewer in viewers:
        viewer.emit("join", {"rooms": [room]}, namespace="/live", callback=True)
    return viewers


def test_in_threading_mode_slices_keep_the_order(moderator, live_show, socket_client, monkeypatch):
    monkeypatch.setattr(fanout, "SLICE", 2)
    monkeypatch.setattr(fanout, "INLINE", 2)
    show_id = live_show
    viewers = public_viewers(socket_client, f"show:{show_id}", 5)
    for i in range(3):
        response = moderator.post_form(
            f"/desk/shows/{show_id}/calls", {"topic": f"线程模式来电 {i}"}
        )
        assert response.status_code == 303

    def rows(viewer) -> list[str]:
        return [
            re.search(r"线程模式来电 \d", packet["args"][0]["html"]).group(0)
            for packet in viewer.get_received("/live")
            if packet["name"] == "swap" and packet["args"][0]["target"] == "#call-list"
        ]

    received = {id(v): [] for v in viewers}
    deadline = time.monotonic() + 10  # the sender is a background thread here
    while time.monotonic() < deadline and any(len(r) < 3 for r in received.values()):
        for viewer in viewers:
            received[id(viewer)] += rows(viewer)
        time.sleep(0.05)
    expected = [f"线程模式来电 {i}" for i in range(3)]
    assert all(r == expected for r in received.values()), received
    from hotline.extensions import socketio

    assert socketio.server.manager._queue is not None, "the room went out in one go, not in slices"


def test_a_desk_is_not_held_behind_a_big_room(moderator, live_show, socket_client, monkeypatch):
    """While a show's public room waits for the sender, the desks' own room
    (small) gets the new call at once."""
    monkeypatch.setattr(fanout, "SLICE", 2)
    monkeypatch.setattr(fanout, "INLINE", 2)
    held = threading.Event()
    send_in_slices = fanout.PacedDelivery._send_in_slices

    def after_release(self, *args):
        held.wait(10)
        return send_in_slices(self, *args)

    monkeypatch.setattr(fanout.PacedDelivery, "_send_in_slices", after_release)
    show_id = live_show
    room = f"show:{show_id}"
    viewers = public_viewers(socket_client, room, 3)
    desk = socket_client("/desk", moderator)
    desk.emit("join", {"rooms": [room]}, namespace="/desk", callback=True)

    def new_rows(client, namespace, target) -> int:
        return sum(
            1
            for packet in client.get_received(namespace)
            if packet["name"] == "swap" and packet["args"][0]["target"] == target
        )

    moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "大房间排队时的来电"})
    assert new_rows(desk, "/desk", "#desk-calls") == 1  # at once, the public room still held
    assert sum(new_rows(v, "/live", "#call-list") for v in viewers) == 0
    held.set()
    got = 0
    deadline = time.monotonic() + 10
    while got < 3 and time.monotonic() < deadline:
        got += sum(new_rows(v, "/live", "#call-list") for v in viewers)
        time.sleep(0.05)
    assert got == 3


class Killed(BaseException):
    """What stops a task without any message being at fault (GreenletExit is one)."""


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_stopped_sender_is_started_again(moderator, live_show, socket_client, monkeypatch):
    monkeypatch.setattr(fanout, "SLICE", 2)
    monkeypatch.setattr(fanout, "INLINE", 2)
    send_in_slices = fanout.PacedDelivery._send_in_slices
    stops = iter([True])

    def stopped_once(self, *args):
        if next(stops, False):
            raise Killed
        return send_in_slices(self, *args)

    monkeypatch.setattr(fanout.PacedDelivery, "_send_in_slices", stopped_once)
    show_id = live_show
    room = f"show:{show_id}"
    viewers = public_viewers(socket_client, room, 3)
    start = socket_client("/live").emit("join", {"rooms": [room]}, namespace="/live", callback=True)
    from hotline.extensions import socketio

    manager = socketio.server.manager
    moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "发送中断时的来电"})
    deadline = time.monotonic() + 10
    while manager._sending and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not manager._sending  # that sender is gone

    moderator.post_form(f"/desk/shows/{show_id}/calls", {"topic": "中断之后的来电"})
    got = {id(v): [] for v in viewers}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(not rows for rows in got.values()):
        for viewer in viewers:
            got[id(viewer)] += [
                packet["args"][0]
                for packet in viewer.get_received("/live")
                if packet["name"] == "swap" and packet["args"][0]["target"] == "#call-list"
            ]
        time.sleep(0.05)
    for swaps in got.values():
        assert [("中断之后的来电" in s["html"]) for s in swaps] == [True]
    # The missed push left a gap in the numbers: the page fetches its regions again.
    assert {s["seq"] for swaps in got.values() for s in swaps} == {start[room] + 2}


def test_a_change_is_handed_out_whole_then_the_request_yields_before_its_answer(
    moderator, live_show, socket_client, monkeypatch
):
    """Up to INLINE sockets the push goes out at once. The request yields once,
    after every message of the change (public row, desk row, panel, ...) is
    handed out, so (under eventlet) those sockets send before the desk's own
    answer is rendered, and no other change's message gets between them."""
    monkeypatch.setattr(fanout, "SLICE", 2)
    monkeypatch.setattr(fanout, "INLINE", 5)
    from hotline.desk import shows
    from hotline.extensions import socketio
    from hotline.realtime import live

    show_id = live_show
    viewers = public_viewers(socket_client, f"show:{show_id}", 4)
    desk = socket_client("/desk", moderator)
    desk.emit("join", {"rooms": [f"show:{show_id}"]}, namespace="/desk", callback=True)
    happened = []
    monkeypatch.setattr(socketio.server, "sleep", lambda seconds=0: happened.append("yield"))
    emit = live.socketio.emit

    def emitted(event, data, to=None, namespace=None, **kwargs):
        happened.append(f"emit {namespace}")
        return emit(event, data, to=to, namespace=namespace, **kwargs)

    monkeypatch.setattr(live.socketio, "emit", emitted)
    render_block = shows.render_block

    def answer(*args, **kwargs):
        happened.append("answer")
        return render_block(*args, **kwargs)

    monkeypatch.setattr(shows, "render_block", answer)
    response = moderator.htmx_post(f"/desk/shows/{show_id}/calls", {"topic": "一次推完的来电"})
    assert response.status_code == 200
    first_answer = happened.index("answer")
    before_answer = happened[:first_answer]
    assert "emit /live" in before_answer and "emit /desk" in before_answer
    # One yield, after the last message of the change.
    assert before_answer.count("yield") == 1 and before_answer[-1] == "yield"
    for viewer in viewers:
        assert any(
            "一次推完的来电" in packet["args"][0]["html"]
            for packet in viewer.get_received("/live")
            if packet["name"] == "swap"
        )
    assert socketio.server.manager._queue is None  # no sender: the room went out in one go
