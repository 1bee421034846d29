"""A send has one deadline for the whole exchange, kept even when a receiver
trickles a byte at a time (a timeout per read never fires then), and one
slow receiver holds up no delivery to another endpoint."""

import time

from api_support import HOUSING, api_post, make_token
from webhook_support import Receiver, register, rows

from hotline.integration import webhooks

DEADLINE = 3  # seconds, instead of the 10 s a real send gets
DRIP = 30  # seconds the slow receiver would go on trickling


def test_a_trickling_receiver_is_cut_off_at_the_deadline_and_holds_up_no_other(
    app, live_show, monkeypatch
):
    monkeypatch.setattr(webhooks, "TIMEOUT", DEADLINE)
    trickling = []  # when the slow receiver got its delivery

    def trickle(handler, _body):
        """The status line at once, then a header one byte every 0.2 s."""
        trickling.append(time.monotonic())
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(DRIP * 5):
                handler.wfile.write(b"z")
                time.sleep(0.2)
        except OSError:  # the sender hung up
            pass

    def without_waiting(_handler, _body):
        """Accepted only if it came well before the slow send's deadline:
        sent beside the slow one, not after it."""
        return 204 if not trickling or time.monotonic() < trickling[0] + DEADLINE / 2 else 500

    slow = Receiver(trickle)
    fast = Receiver(without_waiting)
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    register(app, slow.url)  # registered first: its delivery comes first
    register(app, fast.url)
    desk = make_token(app, "phones", "moderator")
    body = {"topic": "菜市场排水沟堵塞", "department": HOUSING}
    assert api_post(app, f"/api/v1/shows/{live_show}/calls", desk, body).status_code == 201

    started = time.monotonic()
    with app.app_context():
        assert webhooks.deliver_due() == 1
    took = time.monotonic() - started
    assert took < DRIP / 3  # the deadline, not the receiver, ended it
    slow_row, fast_row = rows(app)
    assert (slow_row.status, slow_row.last_error) == ("pending", "timed out")
    assert (fast_row.status, fast_row.last_status_code) == ("delivered", 204)
    assert len(fast.got) == 1
    slow.close()
    fast.close()
