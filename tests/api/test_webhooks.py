"""Webhooks: queued in the same commit as the change, never sent inside the
request; signed (HMAC-SHA256 over timestamp + body); retried with backoff
after failures; recorded; and carrying no private caller field unless the
endpoint is the department's own system and the caller asked for a callback."""

import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from api_support import HOUSING, api_post, make_token
from sqlalchemy import select
from webhook_support import Receiver

from hotline.extensions import db
from hotline.integration import webhooks
from hotline.models import utcnow

CALL = {
    "topic": "菜市场排水沟堵塞",
    "department": HOUSING,
    "caller_name": "上官婉儿",
    "caller_phone": "13912345678",
    "callback": True,
}


@pytest.fixture
def receiver():
    """A local HTTP receiver on 127.0.0.1 that fails twice, then accepts."""
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((dict(self.headers), body))
            self.send_response(500 if len(got) <= 2 else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", got
    server.shutdown()
    server.server_close()


def register(app, url, events, **kwargs) -> str:
    with app.app_context():
        hook = webhooks.register(url, events, **kwargs)
        db.session.commit()
        return hook.secret


def deliveries(app):
    with app.app_context():
        return [
            (d.event, d.status, d.attempts, d.last_status_code)
            for d in db.session.scalars(
                select(webhooks.WebhookDelivery).order_by(webhooks.WebhookDelivery.id)
            )
        ]


def test_only_https_unless_local_http_is_allowed(app):
    with app.app_context(), pytest.raises(ValueError):
        webhooks.register("http://127.0.0.1:9/hook", [webhooks.CALL_LOGGED])
    with app.app_context():
        assert webhooks.url_allowed("https://12345.example.gov.cn/hook")
        assert not webhooks.url_allowed("http://example.com/hook")
        assert not webhooks.url_allowed("file:///etc/passwd")


def test_delivered_signed_retried_and_without_private_fields(app, live_show, receiver):
    url, got = receiver
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    secret = register(app, url, [webhooks.CALL_LOGGED, webhooks.COMMITMENT_MADE])
    desk = make_token(app, "phones", "moderator")
    response = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="1")
    assert response.status_code == 201
    # Queued with the call, not sent by the request.
    assert got == [] and deliveries(app) == [(webhooks.CALL_LOGGED, "pending", 0, None)]

    now = utcnow()
    with app.app_context():
        assert webhooks.deliver_due(now) == 0  # the receiver fails
        assert webhooks.deliver_due(now) == 0  # not due yet: backoff
    assert len(got) == 1
    with app.app_context():
        assert webhooks.deliver_due(now + timedelta(seconds=31)) == 0  # fails again
        assert webhooks.deliver_due(now + timedelta(seconds=61)) == 0  # backoff doubled
        assert webhooks.deliver_due(now + timedelta(seconds=92)) == 1
    assert deliveries(app) == [(webhooks.CALL_LOGGED, "delivered", 3, 204)]
    assert len(got) == 3

    headers, body = got[-1]
    assert headers["X-Hotline-Event"] == webhooks.CALL_LOGGED
    fields = dict(part.split("=", 1) for part in headers["X-Hotline-Signature"].split(","))
    signed = fields["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(fields["v1"], expected)
    payload = json.loads(body)
    assert payload["type"] == webhooks.CALL_LOGGED
    assert payload["data"]["topic"] == CALL["topic"]
    text = body.decode()
    assert "上官婉儿" not in text and "13912345678" not in text and "caller" not in payload["data"]


def test_the_department_own_system_gets_the_callback_contact(app, live_show):
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    register(
        app,
        "https://housing.example.gov.cn/12345",
        [webhooks.CALL_LOGGED],
        department_id=HOUSING,
        own_system=True,
    )
    register(
        app,
        "https://other.example.gov.cn/12345",
        [webhooks.CALL_LOGGED],
        department_id=2,
        own_system=True,
    )
    desk = make_token(app, "phones", "moderator")
    api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="1")
    api_post(app, f"/api/v1/shows/{live_show}/calls", desk, {**CALL, "callback": False}, key="2")
    with app.app_context():
        rows = db.session.scalars(
            select(webhooks.WebhookDelivery).order_by(webhooks.WebhookDelivery.id)
        ).all()
        bodies = [(r.webhook.department_id, json.loads(r.body)["data"]) for r in rows]
    with_contact = [data for dept, data in bodies if "caller" in data]
    assert len(with_contact) == 1 and with_contact[0]["caller"]["phone"] == "13912345678"
    assert [dept for dept, data in bodies if "caller" in data] == [HOUSING]


def test_follow_up_events_and_overdue_are_queued(app, supervisor):
    from desk_support import demo_commitment

    from hotline.clock import today
    from hotline.rules.status import State

    register(app, "https://12345.example.gov.cn/hook", list(webhooks.EVENT_TYPES))
    office = make_token(app, "office", "supervisor")
    item_id, version, _ = demo_commitment(app, State.OPEN)
    api_post(
        app, f"/api/v1/commitments/{item_id}/press", office, {"note": "请加快", "version": version}
    )
    with app.app_context():
        assert webhooks.queue_overdue(today() + timedelta(days=4000)) >= 1
        again = webhooks.queue_overdue(today() + timedelta(days=4000))
        assert again == 0  # once per item and deadline
    events = [e for e, *_ in deliveries(app)]
    assert webhooks.PRESSED in events and webhooks.OVERDUE in events


def test_deliver_command_runs(app, runner):
    result = runner.invoke(args=["deliver"])
    assert result.exit_code == 0, result.output


def test_the_contact_follows_the_department_responsible_for_the_item(app, live_show):
    """A commitment made for another department than the call's: only that
    department's own system hears who to call back, never the call's."""
    for department_id, host in ((HOUSING, "housing"), (2, "transport")):
        register(
            app,
            f"https://{host}.example.gov.cn/12345",
            [webhooks.COMMITMENT_MADE],
            department_id=department_id,
            own_system=True,
        )
    desk = make_token(app, "phones", "moderator")
    logged = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="c1")
    call_id = logged.json["data"]["id"]
    commit = {
        "pledge": "30天内完成清淤",
        "official_name": "周建华",
        "department": 2,
        "deadline_preset": "30",
    }
    assert api_post(app, f"/api/v1/calls/{call_id}/commitments", desk, commit).status_code == 201
    with app.app_context():
        rows = db.session.scalars(select(webhooks.WebhookDelivery)).all()
        told = [r.webhook.department_id for r in rows if "caller" in json.loads(r.body)["data"]]
    assert told == [2]


def verify(secret: str, headers: dict, body: bytes, max_age: int = 300) -> bool:
    """What docs/api.md tells a receiver to do: check v2, over the timestamp,
    the delivery id and the raw body, and refuse an old timestamp."""
    fields = dict(part.split("=", 1) for part in headers["X-Hotline-Signature"].split(","))
    signed = f"{fields['t']}.{headers['X-Hotline-Delivery']}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(fields["t"])) <= max_age
    return hmac.compare_digest(fields["v2"], expected) and fresh


def test_the_signature_covers_the_delivery_id_and_the_timestamp(app, live_show):
    """A delivery replayed under a fresh id (past a receiver that drops the
    ids it has seen) or with a new timestamp no longer verifies."""
    receiver = Receiver(204)
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    secret = register(app, receiver.url, [webhooks.CALL_LOGGED])
    desk = make_token(app, "phones", "moderator")
    api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="1")
    with app.app_context():
        assert webhooks.deliver_due() == 1
    ((headers, body),) = receiver.got
    receiver.close()
    assert verify(secret, headers, body)
    assert not verify(secret, {**headers, "X-Hotline-Delivery": str(uuid.uuid4())}, body)
    t = headers["X-Hotline-Signature"].split(",")[0]
    later = headers["X-Hotline-Signature"].replace(t, f"t={int(t[2:]) + 1}")
    assert not verify(secret, {**headers, "X-Hotline-Signature": later}, body)
    assert not verify(secret, headers, body.replace(b"}", b" }", 1))


def test_no_delivered_or_failed_row_keeps_the_callers_contact(app, live_show, monkeypatch):
    """The department's own system gets the contact; the queue (in every
    backup) keeps it only while the delivery waits."""
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 1)  # the failing one gives up at once
    accepting, failing = Receiver(204), Receiver(500)
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    for receiver in (accepting, failing):
        register(app, receiver.url, [webhooks.CALL_LOGGED], department_id=HOUSING, own_system=True)
    desk = make_token(app, "phones", "moderator")
    api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="1")

    def table() -> str:
        with app.app_context(), db.engine.connect() as connection:
            return repr(connection.exec_driver_sql("SELECT * FROM webhook_deliveries").all())

    assert CALL["caller_phone"] in table()  # waiting to be sent: it must be there
    with app.app_context():
        assert webhooks.deliver_due() == 1
    assert json.loads(accepting.got[0][1])["data"]["caller"]["phone"] == CALL["caller_phone"]
    accepting.close()
    failing.close()
    assert sorted(status for _e, status, _a, _c in deliveries(app)) == ["delivered", "failed"]
    text = table()
    assert CALL["caller_phone"] not in text and CALL["caller_name"] not in text
    assert "caller" not in text and CALL["topic"] in text  # the rest of the payload stays


def _upgrade_clears_what_earlier_versions_kept(url):
    """Rows sent or given up before 0017 lose the contact; their detailed
    socket errors become the one generic word."""
    from pathlib import Path

    from flask_migrate import upgrade
    from sqlalchemy import text

    from hotline import create_app

    migrations = str(Path(__file__).resolve().parents[2] / "migrations")
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url})
    contact = {"name": CALL["caller_name"], "phone": CALL["caller_phone"]}
    with app.app_context():
        upgrade(directory=migrations, revision="0016_assign")
        with db.engine.begin() as conn:
            hook = conn.execute(
                text(
                    "INSERT INTO webhooks (url, secret, events, own_system, active, created_at) "
                    "VALUES ('https://x.example.gov.cn/', 's', '[]', true, true, "
                    "'2030-01-01 00:00:00') RETURNING id"
                )
            ).scalar()
            for n, (status, error) in enumerate(
                [("delivered", ""), ("failed", "[Errno 111] Connection refused"), ("pending", "")]
            ):
                body = {"type": "call.logged", "data": {"id": n, "caller": contact}}
                conn.execute(
                    text(
                        "INSERT INTO webhook_deliveries (uid, webhook_id, event, body, status, "
                        "attempts, next_attempt_at, last_error, created_at) VALUES (:u, :h, "
                        "'call.logged', :b, :s, 1, '2030-01-01 00:00:00', :e, "
                        "'2030-01-01 00:00:00')"
                    ),
                    {
                        "u": str(uuid.uuid4()),
                        "h": hook,
                        "b": json.dumps(body),
                        "s": status,
                        "e": error,
                    },
                )
        upgrade(directory=migrations)
        with db.engine.connect() as conn:
            kept = conn.execute(
                text("SELECT status, body, last_error FROM webhook_deliveries ORDER BY id")
            ).all()
        db.session.remove()
        db.engine.dispose()
    assert [(s, "caller" in json.loads(b)["data"], e) for s, b, e in kept] == [
        ("delivered", False, ""),
        ("failed", False, "connection failed"),
        ("pending", True, ""),  # still to be sent to the department's own system
    ]


def test_the_upgrade_clears_what_earlier_versions_kept_on_sqlite(tmp_path):
    _upgrade_clears_what_earlier_versions_kept(f"sqlite:///{tmp_path}/old.sqlite3")


@pytest.mark.postgres
def test_the_upgrade_clears_what_earlier_versions_kept_on_postgresql(postgres_database):
    _upgrade_clears_what_earlier_versions_kept(postgres_database)
