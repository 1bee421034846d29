"""The bare relay: the least a Flask-SocketIO server can do for the same job.

It speaks the app's /live protocol (join a room, get `swap` events) and, when
POSTed a list of payload sizes, emits that many `swap` events of those sizes to
the room, the same bytes the app pushes for one logged call; GET /page?size=N
is a page of N bytes (the busy-board benchmark's). Same async mode,
same message queue setting as the app, nothing else: no database, no
templates. What it costs the harness is the ceiling of every benchmark.

Usage: HOTLINE_PORT=5001 python bench/bare_server.py (HOTLINE_ASYNC_MODE,
HOTLINE_MESSAGE_QUEUE and HOTLINE_SOCKETIO_CHANNEL as for wsgi.py)
"""

import os
import warnings

mode = os.environ.get("HOTLINE_ASYNC_MODE", "eventlet")
if mode == "eventlet":
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
elif mode == "gevent":
    from gevent import monkey

    monkey.patch_all()

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
sio = SocketIO(
    app,
    async_mode=mode,
    message_queue=os.environ.get("HOTLINE_MESSAGE_QUEUE") or None,
    channel=os.environ.get("HOTLINE_SOCKETIO_CHANNEL", "hotline"),
)


@sio.on("join", namespace="/live")
def join(data):
    for room in data["rooms"]:
        join_room(f"{room}|zh_CN", namespace="/live")
    return {room: 0 for room in data["rooms"]}


@app.get("/page")
def page():
    # A page of the given size, for the busy-board benchmark's baseline.
    return "x" * int(request.args.get("size", "1000")), 200, {"Content-Type": "text/html"}


@app.post("/broadcast")
def broadcast():
    # One event per payload, to the zh_CN room the viewers are in, and an
    # event of the same size to the (empty) en room, as the app renders both.
    body = request.get_json()
    for seq, size in enumerate(body["sizes"], 1):
        for locale in ("zh_CN", "en"):
            payload = {
                "room": body["room"],
                "target": "#calls",
                "swap": "afterbegin",
                "html": "x" * size,
                "seq": seq,
            }
            sio.emit("swap", payload, to=f"{body['room']}|{locale}", namespace="/live")
    return "", 204


if __name__ == "__main__":
    port = int(os.environ["HOTLINE_PORT"])
    print(f"bare relay on {port} ({mode})", flush=True)
    if mode == "eventlet":
        # Served as wsgi.py serves the app (TCP_NODELAY, a high connection
        # limit), so the two differ only in what the app does.
        import socket

        import eventlet.wsgi

        listener = eventlet.listen(("127.0.0.1", port), backlog=2048)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        eventlet.wsgi.server(listener, app, max_size=20000, log_output=False)
    else:
        options = {"allow_unsafe_werkzeug": True} if mode == "threading" else {}
        sio.run(app, host="127.0.0.1", port=port, **options)
