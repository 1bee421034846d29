"""Local webhook receivers (real HTTP servers on 127.0.0.1, each request
answered by a function), a stand-in DNS, and the delivery rows as the admin
page shows them; shared by the webhook tests."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from hotline.extensions import db
from hotline.integration import webhooks


class Receiver:
    """Answers each POST with `answer(handler, body)`, which writes the answer
    itself (or returns a status to send with no body); records what came."""

    def __init__(self, answer=204):
        self.got: list[tuple[dict, bytes]] = []
        got = self.got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got.append((dict(self.headers), body))
                status = answer(self, body) if callable(answer) else answer
                if status is not None:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def fake_dns(monkeypatch, table: dict[str, list[str]]) -> dict[str, list[str]]:
    """Names in `table` resolve to its addresses (change them to rebind);
    every other name goes to the real resolver."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host not in table:
            return real(host, port, *args, **kwargs)
        found, port = [], int(port or 0)
        for address in table[host]:
            if ":" in address:
                found.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                found.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return found

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return table


def register(app, url, events=(webhooks.CALL_LOGGED,), **kwargs) -> str:
    with app.app_context():
        hook = webhooks.register(url, list(events), **kwargs)
        db.session.commit()
        return hook.secret


def rows(app) -> list[webhooks.WebhookDelivery]:
    """Every delivery, oldest first (detached, for reading)."""
    with app.app_context():
        db.session.remove()
        found = db.session.scalars(
            select(webhooks.WebhookDelivery).order_by(webhooks.WebhookDelivery.id)
        ).all()
        for row in found:
            db.session.expunge(row)
        return found
