"""A webhook reaches only the public internet (or what HOTLINE_WEBHOOK_ALLOW
names): an address inside the network is refused when registered, however it
is spelled, and again when connecting, so a name rebound to 127.0.0.1 gets no
connection; no redirect is followed; and a failure is recorded as a generic
word, so the delivery record cannot tell Redis from a closed port."""

import socket

import pytest
from api_support import HOUSING, api_post, make_token
from webhook_support import Receiver, fake_dns, register, rows

from hotline.extensions import db
from hotline.integration import webhooks
from hotline.models import Webhook

INSIDE = [
    "https://127.0.0.1:6379/",
    "https://localhost:5432/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]:6379/",
    "https://0x7f000001/",
    "https://2130706433/",
    "https://127.1/",
    "https://0.0.0.0:5000/",
    "https://10.0.0.8/hook",
    "https://192.168.1.1/",
    "https://100.64.0.1/",
    "https://224.0.0.1/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://[fe80::1]/",
    "https://[fd00::1]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[2002:7f00:1::]/",
    "https://rebound.example.com/hook",  # one address of two inside
    "https://intranet.example.gov.cn/hook",
    "https://hotline.example.gov.cn/api/v1/shows",  # this site
]
DNS = {
    "rebound.example.com": ["93.184.216.34", "127.0.0.1"],
    "intranet.example.gov.cn": ["10.20.30.40"],
    "hotline.example.gov.cn": ["93.184.216.35"],
    "public.example.com": ["93.184.216.36", "2606:2800:220:1::36"],
}


def log_call(app, live_show, key="1") -> None:
    desk = make_token(app, f"phones-{key}", "moderator")
    body = {"topic": "菜市场排水沟堵塞", "department": HOUSING}
    response = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, body, key=key)
    assert response.status_code == 201


def test_addresses_inside_the_network_are_refused_however_spelled(app, monkeypatch):
    fake_dns(monkeypatch, DNS)
    app.config["HOTLINE_TRUSTED_HOSTS"] = ["hotline.example.gov.cn"]
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True  # allows http://127.0.0.1 only
    accepted = []
    with app.app_context():
        for url in INSIDE:
            try:
                webhooks.register(url, [webhooks.CALL_LOGGED])
                accepted.append(url)
            except ValueError:
                pass
        db.session.rollback()
        assert accepted == []
        assert webhooks.url_allowed("https://public.example.com/hook")
        assert webhooks.url_allowed("https://93.184.216.34/hook")
        assert webhooks.url_allowed("http://127.0.0.1:9/hook")  # the explicit dev allowance


def test_the_allowlist_lets_an_intranet_receiver_in(app, monkeypatch):
    fake_dns(monkeypatch, DNS)
    with app.app_context():
        assert not webhooks.url_allowed("https://intranet.example.gov.cn/hook")
        app.config["HOTLINE_WEBHOOK_ALLOW"] = ["10.20.0.0/16"]
        assert webhooks.url_allowed("https://intranet.example.gov.cn/hook")
        assert webhooks.url_allowed("https://10.20.1.2/hook")
        assert not webhooks.url_allowed("https://10.21.1.2/hook")
        assert not webhooks.url_allowed("https://127.0.0.1:6379/")
        app.config["HOTLINE_WEBHOOK_ALLOW"] = ["Intranet.Example.gov.cn"]
        assert webhooks.url_allowed("https://intranet.example.gov.cn/hook")
        assert not webhooks.url_allowed("https://10.20.1.2/hook")


def test_the_office_is_told_why_an_address_is_refused(app, supervisor):
    response = supervisor.post_form(
        "/admin/webhooks",
        {"url": "https://169.254.169.254/latest/meta-data/", "events": "call.logged"},
    )
    assert response.status_code == 422
    assert "HOTLINE_WEBHOOK_ALLOW" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Webhook).count() == 0


def test_a_name_rebound_to_loopback_after_registering_gets_no_connection(
    app, live_show, monkeypatch
):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    dns = fake_dns(monkeypatch, {"rebind.example.com": ["93.184.216.34"]})
    register(app, f"https://rebind.example.com:{port}/hook")
    dns["rebind.example.com"] = ["127.0.0.1"]  # the attacker's DNS answers anew
    log_call(app, live_show)
    with app.app_context():
        assert webhooks.deliver_due() == 0
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    listener.close()
    ((row),) = rows(app)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, None)
    assert row.last_error == "address not allowed"


def test_a_redirect_is_a_failure_and_is_not_followed(app, live_show, supervisor):
    target = Receiver(204)

    def redirect(handler, _body):
        handler.send_response(302)
        handler.send_header("Location", target.url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    redirector = Receiver(redirect)
    app.config["HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    register(app, redirector.url)
    log_call(app, live_show)
    with app.app_context():
        assert webhooks.deliver_due() == 0
    assert len(redirector.got) == 1 and target.got == []
    ((row),) = rows(app)
    assert (row.status, row.last_status_code, row.last_error) == (
        "pending",
        302,
        "redirect refused",
    )
    assert "拒绝重定向" in supervisor.get("/admin/tokens").get_data(as_text=True)
    redirector.close()
    target.close()


def test_failures_do_not_tell_one_service_from_another(app, live_show, supervisor):
    """Behind the allowlist (an intranet range) a closed port, a plain-HTTP
    service and a Redis-like one all read "connection failed"."""
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    plain = Receiver(200)
    redis_like = socket.create_server(("127.0.0.1", 0))

    def answer_like_redis():
        while True:
            try:
                conn, _ = redis_like.accept()
            except OSError:
                return
            conn.recv(4096)
            conn.sendall(b"-ERR unknown command\r\n")
            conn.close()

    import threading

    threading.Thread(target=answer_like_redis, daemon=True).start()
    app.config["HOTLINE_WEBHOOK_ALLOW"] = ["127.0.0.1/32"]
    for port in (closed_port, plain.port, redis_like.getsockname()[1]):
        register(app, f"https://127.0.0.1:{port}/hook")
    log_call(app, live_show)
    with app.app_context():
        assert webhooks.deliver_due() == 0
    assert [(r.last_status_code, r.last_error) for r in rows(app)] == [
        (None, "connection failed")
    ] * 3
    page = supervisor.get("/admin/tokens").get_data(as_text=True)
    assert page.count("连接失败") == 3
    plain.close()
    redis_like.close()
