"""Entry point: `python wsgi.py` serves the site with live updates.

The async server is chosen by HOTLINE_ASYNC_MODE (eventlet by default; gevent
and threading also work). Eventlet and gevent must patch the standard library
before anything else is imported.
"""

import gc
import os
import resource
import socket
import warnings

mode = os.environ.get("HOTLINE_ASYNC_MODE", "eventlet")
if mode == "eventlet":
    # Eventlet is in maintenance mode; we chose it knowingly (gevent and
    # threading are one setting away), so its import-time notice is noise.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
elif mode == "gevent":
    from gevent import monkey

    monkey.patch_all()

from hotline import create_app  # noqa: E402
from hotline.extensions import socketio  # noqa: E402
from hotline.serving import nodelay_listener  # noqa: E402

# Descriptors a process needs besides its client connections: database and
# Redis connections, log files, templates being read.
FD_RESERVE = 256

app = create_app()

# What the app loaded at start (modules, templates, the ORM's mappings) lives
# as long as the process: keep it out of the garbage collector's full passes,
# which otherwise walk it all during every burst of fan-out allocations.
gc.freeze()


def connection_limits(config: dict) -> int:
    """Fit the connection limits to the file-descriptor limit; returns the
    server's connection limit and lowers HOTLINE_MAX_VIEWERS when it must.

    Every open socket is a file descriptor: with too few, accept() fails and
    the whole site stops answering, staff included.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        # The soft limit is often 1,024 while the hard one allows far more.
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    connections = config["HOTLINE_MAX_CONNECTIONS"]
    viewers = config["HOTLINE_MAX_VIEWERS"]
    staff = max(connections - viewers, 0)  # kept free of viewers
    if soft != resource.RLIM_INFINITY and soft < connections + FD_RESERVE:
        connections = max(soft - FD_RESERVE, 4)
        # Staff keep their room, or at least a quarter of what there is.
        viewers = min(viewers, connections - min(staff, connections // 4))
        print(
            f"WARNING: the file-descriptor limit ({soft}) is too low for "
            f"{config['HOTLINE_MAX_CONNECTIONS']} connections: serving at most {connections}, "
            f"of which {viewers} public viewers. Raise it (`ulimit -n`, or LimitNOFILE= "
            "in the systemd unit) or lower HOTLINE_MAX_VIEWERS / HOTLINE_MAX_CONNECTIONS.",
            flush=True,
        )
    config["HOTLINE_MAX_VIEWERS"] = viewers
    return connections


def start_webhook_worker() -> None:
    """HOTLINE_WEBHOOK_WORKER=1: this process also sends webhook deliveries (a
    background task). Several processes may: each claims a delivery before
    sending it (hotline/integration/webhook_queue.py)."""
    if app.config.get("HOTLINE_WEBHOOK_WORKER"):
        from hotline.integration import webhooks

        socketio.start_background_task(webhooks.run, app, 5.0, False, socketio.sleep)


def serve(host: str, port: int, limit: int) -> None:
    """What socketio.run does, on a listener of our own (hotline/serving.py says why)."""
    if mode == "eventlet":
        import eventlet.wsgi

        # A long accept queue: thousands of viewers reconnect at once after a blip.
        listener = nodelay_listener(
            host, port, lambda address: eventlet.listen(address, backlog=2048)
        )
        # Eventlet's WSGI server serves 1,024 connections by default and then
        # stops accepting any: every WebSocket holds one for as long as it is open.
        eventlet.wsgi.server(listener, app, max_size=limit, log_output=False)
    elif mode == "gevent":
        from gevent import pywsgi
        from gevent.server import StreamServer

        # gevent's server has no pool limit by default.
        listener = nodelay_listener(
            host, port, lambda address: StreamServer.get_listener(address, family=socket.AF_INET)
        )
        pywsgi.WSGIServer(listener, app, log=None).serve_forever()
    else:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    start_webhook_worker()
    host = os.environ.get("HOTLINE_HOST", "127.0.0.1")
    port = int(os.environ.get("HOTLINE_PORT", "5000"))
    limit = connection_limits(app.config)
    print(
        f"Hotline on http://{host}:{port}/ (async mode: {mode}, "
        f"viewers ≤ {app.config['HOTLINE_MAX_VIEWERS']}, connections ≤ {limit})",
        flush=True,
    )
    serve(host, port, limit)
