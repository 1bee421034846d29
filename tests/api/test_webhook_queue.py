"""Webhook deliveries wait in the database and survive a restart of the worker
(and of Redis); with Redis configured a waiting worker is woken at once; two
workers never send one delivery twice; a worker killed in the middle of a
send leaves it to be sent again after its lease, with the same delivery id.

The worker is the real `flask --app hotline deliver --loop` in its own
process, killed with SIGKILL; its poll interval is ten minutes, so a delivery
that arrives within the test's wait was woken by Redis or sent at start."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from api_support import HOUSING, api_post, make_token
from sqlalchemy import select

from hotline.extensions import db
from hotline.integration import webhook_queue, webhooks
from hotline.models import utcnow

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
READY = "Webhook worker: pending deliveries sent"


def until(condition, what: str, timeout: float = 30.0):
    """Wait for something to happen (never a measure of how fast it happened)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what}")


class Receiver:
    """A local endpoint that records each request's delivery id; with `hang`,
    it holds the first request open until `release` is set."""

    def __init__(self, hang: bool = False):
        self.got: list[str] = []
        self.release = threading.Event()
        received = self.got
        release, hangs = self.release, [hang]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                received.append(self.headers["X-Hotline-Delivery"])
                if hangs and hangs.pop():
                    release.wait(60)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def queued(app, redis_url, tmp_path):
    """The app with Redis as its queue's doorbell (a list of its own), a
    receiver registered for call.logged, and a way to start workers."""
    import redis

    channel = f"hotline-test-{uuid.uuid4().hex[:8]}"
    app.config.update(
        HOTLINE_MESSAGE_QUEUE=redis_url,
        HOTLINE_SOCKETIO_CHANNEL=channel,
        HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP=True,
    )
    client = redis.Redis.from_url(redis_url)
    receivers, workers = [], []

    def receiver(**kwargs) -> Receiver:
        made = Receiver(**kwargs)
        receivers.append(made)
        with app.app_context():
            webhooks.register(made.url, [webhooks.CALL_LOGGED])
            db.session.commit()
        return made

    def worker(**env) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "hotline", "deliver", "--loop"]
            + ["--interval", "600"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "test-secret",
                "HOTLINE_ASYNC_MODE": "threading",
                "HOTLINE_MESSAGE_QUEUE": redis_url,
                "HOTLINE_SOCKETIO_CHANNEL": channel,
                "HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP": "1",
                "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
                "RATELIMIT_STORAGE_URI": "memory://",
                "PYTHONUNBUFFERED": "1",
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        workers.append(process)
        lines = queue.Queue()
        threading.Thread(
            target=lambda: [lines.put(line) for line in process.stdout], daemon=True
        ).start()
        seen = []

        def ready():
            while not lines.empty():
                seen.append(lines.get())
            assert process.poll() is None, "".join(seen)
            return any(READY in line for line in seen)

        until(ready, "the worker's first round")
        return process

    yield type("Queued", (), {"receiver": receiver, "worker": worker, "redis": client})
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    for made in receivers:
        made.close()
    with app.app_context():
        client.delete(webhook_queue.list_key(app))


def log_call(app, live_show, desk, n: int) -> None:
    body = {"topic": f"排队的来电{n}", "department": HOUSING}
    response = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, body, key=f"call-{n}")
    assert response.status_code == 201


def rows(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        db.session.remove()
        return [
            (d.uid, d.status, d.attempts)
            for d in db.session.scalars(
                select(webhooks.WebhookDelivery).order_by(webhooks.WebhookDelivery.id)
            )
        ]


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def test_a_delivery_queued_while_the_worker_is_down_is_sent_once_after_restart(
    app, live_show, queued
):
    receiver = queued.receiver()
    desk = make_token(app, "phones", "moderator")
    first = queued.worker()
    log_call(app, live_show, desk, 1)
    until(lambda: len(receiver.got) == 1, "the first delivery (Redis wakes the worker)")

    kill(first)
    log_call(app, live_show, desk, 2)
    # Queued: the row is pending and its id waits in Redis; nobody sends it.
    (_one, (uid, status, attempts)) = rows(app)
    assert (status, attempts) == ("pending", 0)
    with app.app_context():
        assert queued.redis.llen(webhook_queue.list_key(app)) == 1

    second = queued.worker()  # its first round sends what waited
    until(lambda: len(receiver.got) == 2, "the delivery queued while no worker ran")
    log_call(app, live_show, desk, 3)  # its id comes after the stale one in the list
    until(lambda: len(receiver.got) == 3, "a delivery after the restart")
    second.terminate()
    second.wait(timeout=10)

    uids = [row[0] for row in rows(app)]
    assert receiver.got == uids and uids[1] == uid  # each once, in order
    assert [(status, attempts) for _uid, status, attempts in rows(app)] == [("delivered", 1)] * 3
    with app.app_context():
        assert queued.redis.llen(webhook_queue.list_key(app)) == 0


def test_what_redis_forgets_is_still_sent_from_the_database(app, live_show, queued):
    """Redis as deployed keeps nothing on disk: a restart of Redis loses the
    ids, never the deliveries."""
    receiver = queued.receiver()
    desk = make_token(app, "phones", "moderator")
    log_call(app, live_show, desk, 1)
    log_call(app, live_show, desk, 2)
    with app.app_context():
        queued.redis.delete(webhook_queue.list_key(app))  # Redis restarted, empty
    queued.worker()
    until(lambda: len(receiver.got) == 2, "both deliveries, from the rows")
    assert sorted(receiver.got) == sorted(uid for uid, *_ in rows(app))


def test_two_workers_never_send_one_delivery_twice(app, live_show, queued):
    receiver = queued.receiver()
    desk = make_token(app, "phones", "moderator")
    queued.worker()
    queued.worker()
    for n in range(8):
        log_call(app, live_show, desk, n)
    until(lambda: len(receiver.got) >= 8, "eight deliveries")
    until(lambda: all(status == "delivered" for _u, status, _a in rows(app)), "all recorded")
    assert sorted(receiver.got) == sorted(uid for uid, *_ in rows(app))  # none twice
    assert {attempts for *_rest, attempts in rows(app)} == {1}


def test_a_worker_killed_while_sending_leaves_it_to_be_sent_again_with_the_same_id(
    app, live_show, queued
):
    receiver = queued.receiver(hang=True)
    desk = make_token(app, "phones", "moderator")
    lease = {"HOTLINE_WEBHOOK_LEASE_SECONDS": "2"}
    first = queued.worker(**lease)
    log_call(app, live_show, desk, 1)
    until(lambda: len(receiver.got) == 1, "the first attempt, held open by the receiver")
    kill(first)  # in the middle of the send: no answer was recorded
    receiver.release.set()
    ((uid, status, attempts),) = rows(app)
    assert (status, attempts) == ("pending", 1)  # the attempt counted when claimed

    queued.worker(**lease)  # retries once the dead worker's lease is over
    until(lambda: rows(app)[0][1] == "delivered", "the delivery, sent again")
    # The same delivery id both times: a receiver that keeps the ids it has
    # seen acts on it exactly once.
    assert receiver.got == [uid, uid]
    assert rows(app) == [(uid, "delivered", 2)]


def test_a_worker_told_to_stop_while_sending_finishes_the_send_first(app, live_show, queued):
    """SIGTERM (systemd, `docker stop`) in the middle of a send: the worker
    records the answer, then exits, so the receiver is not sent it twice."""
    receiver = queued.receiver(hang=True)
    desk = make_token(app, "phones", "moderator")
    worker = queued.worker()
    log_call(app, live_show, desk, 1)
    until(lambda: len(receiver.got) == 1, "the attempt, held open by the receiver")
    worker.terminate()
    with pytest.raises(subprocess.TimeoutExpired):
        worker.wait(timeout=1)  # still waiting for the receiver's answer
    receiver.release.set()
    assert worker.wait(timeout=10) == 0
    ((uid, status, attempts),) = rows(app)
    assert (status, attempts) == ("delivered", 1)
    assert receiver.got == [uid]


def test_a_worker_told_to_stop_while_waiting_stops_at_once(queued):
    worker = queued.worker()
    worker.terminate()
    assert worker.wait(timeout=10) == 0


def test_a_stop_asked_during_a_round_that_fails_still_stops_the_loop(app, live_show, monkeypatch):
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    with app.app_context():
        webhooks.register("http://127.0.0.1:9/hook", [webhooks.CALL_LOGGED])
        db.session.commit()
    log_call(app, live_show, make_token(app, "phones", "moderator"), 1)
    stop = webhooks.Stop()

    def send_then_fail(delivery, now):
        stop.ask()  # SIGTERM arrives mid-send: deferred
        raise OSError("the database went away")

    def sleep(_seconds):
        pytest.fail("the worker went on waiting after it was asked to stop")

    monkeypatch.setattr(webhooks, "send", send_then_fail)
    webhooks.run(app, interval=600, sleep=sleep, stop=stop)  # returns instead of waiting
    assert stop.asked


def test_a_claimed_delivery_is_not_taken_by_another_worker(app, live_show):
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    with app.app_context():
        webhooks.register("http://127.0.0.1:9/hook", [webhooks.CALL_LOGGED])
        db.session.commit()
    desk = make_token(app, "phones", "moderator")
    log_call(app, live_show, desk, 1)
    now = utcnow()
    with app.app_context():
        delivery_id = db.session.scalar(select(webhooks.WebhookDelivery.id))
        assert webhooks.claim(delivery_id, now)
        assert not webhooks.claim(delivery_id, now)  # the other worker's
        assert webhooks.deliver_due(now) == 0  # nothing sent: it is claimed
        lease = timedelta(seconds=app.config["HOTLINE_WEBHOOK_LEASE_SECONDS"])
        # Woken no later than the lease's end, when it may be retried.
        assert webhooks.seconds_to_next(now, 600) == pytest.approx(lease.total_seconds(), abs=1)
    assert rows(app)[0][2] == 1


def test_without_redis_the_worker_polls_and_tells_no_list(app):
    assert not webhook_queue.enabled(app)
    slept = []
    assert webhook_queue.wait(app, 5.0, slept.append) == [] and slept == [5.0]
