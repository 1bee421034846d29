"""`flask remind`: each department's overdue items and those due within 7 days,
listed and (with SMTP configured) e-mailed to the office."""

import base64
import socketserver
import threading
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from followup_support import TRANSPORT, make_commitment, submit


class SMTPSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept messages; keeps what it received."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink")
                self.reply("250 AUTH PLAIN")
            elif verb == b"HELO":
                self.reply("250 sink")
            elif verb == b"AUTH":
                # AUTH PLAIN <base64 of \0user\0password>
                self.server.logins.append(base64.b64decode(line.split()[2]).split(b"\0")[1:])
                self.reply("235 welcome")
            elif verb == b"DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.messages.append(message_from_bytes(data))
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPSink)
    server.messages = []
    server.logins = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_remind_lists_overdue_and_due_soon_per_department(app, runner, supervisor):
    overdue = make_commitment(app, days=-3, department=TRANSPORT)
    soon = make_commitment(app, days=6, department=TRANSPORT)
    later = make_commitment(app, days=8, department=TRANSPORT)
    submit(supervisor, overdue, "press", note="请三日内报告办理情况。")
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    block = result.output.split("市交通运输局：")[1].split("\n\n")[0]
    assert f"#{overdue} " in block and f"#{soon} " in block
    assert f"#{later} " not in block
    assert "已逾期3天" in block and "还剩6天" in block
    assert "请三日内报告办理情况" in block  # the latest 督办 note reaches the department
    assert "13807110001" not in result.output  # no caller details


def test_remind_emails_one_message_per_department(app, runner, smtp_sink):
    make_commitment(app, days=-1, department=TRANSPORT)
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_sink.server_address[1],
        HOTLINE_REMIND_TO="office@rd.example",
    )
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    departments = result.output.count("E-mailed ")
    assert departments >= 2  # the demo's city management and water items, and transport
    assert len(smtp_sink.messages) == departments
    subjects = [str(make_header(decode_header(m["Subject"]))) for m in smtp_sink.messages]
    assert any("市交通运输局" in s for s in subjects)
    # Each department at its own address, the office in copy.
    assert all("office@rd.example" in m["To"] for m in smtp_sink.messages)
    pairs = zip(smtp_sink.messages, subjects, strict=True)
    transport = next(m for m, s in pairs if "市交通运输局" in s)
    assert "dept2@hotline.example" in transport["To"]


def test_remind_needs_an_address_when_smtp_is_set(app, runner):
    from sqlalchemy import update

    from hotline.extensions import db
    from hotline.models import Department

    make_commitment(app, days=-1)
    with app.app_context():
        db.session.execute(update(Department).values(email=""))
        db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", HOTLINE_REMIND_TO=None)
    result = runner.invoke(args=["remind"])
    assert result.exit_code != 0 and "HOTLINE_REMIND_TO" in result.output


def test_remind_logs_in_when_the_mail_server_wants_it(app, runner, smtp_sink):
    make_commitment(app, days=-1, department=TRANSPORT)
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_sink.server_address[1],
        SMTP_USER="hotline",
        SMTP_PASSWORD="s3cret",
        HOTLINE_REMIND_TO="office@rd.example",
    )
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert smtp_sink.logins == [[b"hotline", b"s3cret"]]
    assert smtp_sink.messages


def test_pressing_an_item_emails_the_department_at_once(app, supervisor, smtp_sink):
    cid = make_commitment(app, days=-2, department=TRANSPORT)
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_sink.server_address[1],
        HOTLINE_REMIND_TO="office@rd.example",
    )
    response = submit(supervisor, cid, "press", note="请两日内报告进展。")
    assert response.status_code == 302
    (message,) = smtp_sink.messages
    assert "dept2@hotline.example" in message["To"]
    body = message.get_payload(decode=True).decode()
    assert "请两日内报告进展" in body and f"/followup/commitments/{cid}" in body


def test_a_department_email_is_set_in_the_admin(app, supervisor):
    from hotline.extensions import db
    from hotline.models import Department

    bad = supervisor.post_form("/admin/departments/2", {"name": "市交通运输局", "email": "nope"})
    assert bad.status_code == 422
    ok = supervisor.post_form(
        "/admin/departments/2", {"name": "市交通运输局", "email": "jt@example.gov.cn"}
    )
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Department, 2).email == "jt@example.gov.cn"
