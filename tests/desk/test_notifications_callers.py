"""Callers who agree on air (希望收到办理进展通知) are told of each public
change of their item by e-mail and text message, through the outbox, with a
real SMTP server and the city's SMS gateway on loopback (tests/fixtures/servers.py)."""

from datetime import timedelta

import pytest
from desk_support import HOUSING, calls_of, commit, go_live, log, scheduled_show
from notifications_support import body, local_moment, progress, rows, run_worker, sms_reply
from sqlalchemy import select

from hotline.extensions import db
from hotline.integration import notifications
from hotline.models import AuditLog, CallerContact, Commitment, NotificationKind, Subscription

EMAIL, PHONE, NAME = "caller-a@example.cn", "13900001111", "王某某"


@pytest.fixture
def desk(notify_app):
    client = notify_app.test_client()
    client.login("host")
    show_id = go_live(client, scheduled_show(notify_app))
    return client, show_id


def consenting_item(app, desk, notify="y", email=EMAIL, phone=PHONE) -> tuple[int, int]:
    """A call logged with the caller's contact (and consent), committed on air."""
    client, show_id = desk
    fields = {"caller_name": NAME, "caller_phone": phone, "caller_email": email}
    if notify:
        fields["notify"] = notify
    log(client, show_id, topic="菜市场排水沟堵塞", department=str(HOUSING), **fields)
    call_id = calls_of(app, show_id)[-1].id
    assert commit(client, call_id, idem=f"c{call_id}").status_code in (200, 303)
    with app.app_context():
        item_id = db.session.scalar(select(Commitment.id).where(Commitment.call_id == call_id))
    return call_id, item_id


def test_a_consenting_caller_is_told_of_each_change_and_of_nothing_after_stopping(notify_app, desk):
    app, inbox, sms = notify_app, notify_app.inbox, notify_app.sms
    _call_id, item_id = consenting_item(app, desk)
    day = local_moment(app, 10)
    run_worker(app, day)
    assert len(inbox.to(EMAIL)) == 1
    assert [m["to"] for m in sms] == [PHONE]
    first = inbox.to(EMAIL)[0]
    text = body(first)
    assert f"https://hotline.test/commitments/{item_id}" in text
    assert NAME not in text and PHONE not in text and NAME not in first["Subject"]
    assert f"/commitments/{item_id}" in sms[0]["text"] and NAME not in sms[0]["text"]
    assert sms[0]["template"] == "SMS_0001" and sms[0]["sign"] == "代表专线"
    assert sms[0]["params"]["id"] == str(item_id)

    progress(app, item_id)
    run_worker(app, day + timedelta(minutes=5))
    assert len(inbox.to(EMAIL)) == 2 and len(sms) == 2
    # One click on the link in the message: nothing more, by either channel.
    stop = first["List-Unsubscribe"].strip().strip("<>")
    assert "/notifications/stop/" in stop
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = app.test_client()  # a mail client's POST: no session, no CSRF token
    answer = plain.post(stop.replace("https://hotline.test", ""))
    assert answer.status_code == 200 and 'data-notifications="stopped"' in answer.get_data(True)
    progress(app, item_id, note="完成一半", percent=50)
    run_worker(app, day + timedelta(minutes=10))
    assert len(inbox.to(EMAIL)) == 2 and len(sms) == 2


def test_a_caller_who_did_not_agree_gets_nothing(notify_app, desk):
    app = notify_app
    _call_id, item_id = consenting_item(app, desk, notify=None)
    progress(app, item_id)
    run_worker(app, local_moment(app, 10))
    assert app.inbox.to(EMAIL) == [] and list(app.sms) == []
    assert rows(app, kind=NotificationKind.EVENT) == []  # nothing was even queued


def test_a_restart_mid_send_loses_and_duplicates_nothing(notify_app, desk):
    app, inbox = notify_app, notify_app.inbox
    _call_id, item_id = consenting_item(app, desk)
    progress(app, item_id)
    moment = local_moment(app, 10)
    # A worker claims the first row and dies before sending it.
    victim = rows(app, kind=NotificationKind.EVENT)[0]
    with app.app_context():
        assert notifications.claim(victim.id, moment)
    run_worker(app, moment)  # another worker: everything but the claimed row
    assert victim.id not in {r.id for r in rows(app, status="sent")}
    lease = app.config["HOTLINE_NOTIFY_LEASE_SECONDS"]
    run_worker(app, moment + timedelta(seconds=lease + 1))  # after the lease: it is sent
    run_worker(app, moment + timedelta(hours=1))  # and only once
    sent = rows(app, kind=NotificationKind.EVENT)
    assert {r.status for r in sent} == {"sent"}
    assert len(inbox.to(EMAIL)) == 2 and len(app.sms) == 2  # two changes, each once
    assert len({m["Message-ID"] for m in inbox}) == len(inbox)


def test_quiet_hours_hold_text_messages_until_eight_but_not_e_mail(notify_app, desk):
    app = notify_app
    consenting_item(app, desk)
    run_worker(app, local_moment(app, 22))
    assert len(app.inbox.to(EMAIL)) == 1 and list(app.sms) == []
    run_worker(app, local_moment(app, 7, 59, days=2))
    assert list(app.sms) == []
    run_worker(app, local_moment(app, 8, 0, days=2))
    assert len(app.sms) == 1


def test_at_most_n_messages_an_hour_to_one_recipient_the_rest_wait(notify_app, desk):
    app = notify_app
    app.config["HOTLINE_NOTIFY_PER_HOUR"] = 2
    _call_id, item_id = consenting_item(app, desk)
    progress(app, item_id, note="第一次")
    progress(app, item_id, note="第二次")
    moment = local_moment(app, 10)
    run_worker(app, moment)
    assert len(app.inbox.to(EMAIL)) == 2 and len(app.sms) == 2
    run_worker(app, moment + timedelta(minutes=30))
    assert len(app.inbox.to(EMAIL)) == 2
    run_worker(app, moment + timedelta(minutes=61))
    assert len(app.inbox.to(EMAIL)) == 3 and len(app.sms) == 3


def test_an_sms_outage_delays_messages_but_loses_none(notify_app, desk):
    app = notify_app
    app.sms.down = True
    consenting_item(app, desk)
    moment = local_moment(app, 10)
    run_worker(app, moment)
    assert list(app.sms) == [] and len(app.inbox.to(EMAIL)) == 1
    waiting = rows(app, channel="sms")[0]
    assert waiting.status == "pending" and waiting.attempts == 1
    assert waiting.next_attempt_at > moment
    app.sms.down = False
    run_worker(app, moment + timedelta(minutes=1, seconds=1))
    run_worker(app, moment + timedelta(hours=1))
    assert len(app.sms) == 1


def test_staff_correct_a_wrong_address_on_the_record_without_the_values(notify_app, desk):
    app, inbox = notify_app, notify_app.inbox
    call_id, item_id = consenting_item(app, desk, email="wrong@example.cn")
    client = desk[0]
    page = client.get(f"/desk/calls/{call_id}").get_data(as_text=True)
    assert "wrong@example.cn" in page  # the desk sees the private contact
    answer = client.post_form(
        f"/desk/calls/{call_id}/contact",
        {"contact-phone": PHONE, "contact-email": EMAIL, "contact-notify": "y"},
    )
    assert answer.status_code == 303
    with app.app_context():
        assert db.session.get(CallerContact, call_id).email == EMAIL
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == "contact_corrected"))
        assert row.detail == {"fields": ["email"]} and row.target == f"call:{call_id}"
        assert EMAIL not in str(row.detail) and "wrong@" not in str(row.detail)
    run_worker(app, local_moment(app, 10))  # the waiting message goes to the new address
    assert inbox.to("wrong@example.cn") == [] and len(inbox.to(EMAIL)) == 1
    assert f"/commitments/{item_id}" in body(inbox.to(EMAIL)[0])


def test_a_deputy_code_sender_who_agreed_is_told_when_it_becomes_an_item(notify_app):
    from hotline.changes import messages
    from hotline.clock import today
    from hotline.models import Department, Deputy, DeputyMessage

    app = notify_app
    client = app.test_client()
    with app.app_context():
        deputy_id = db.session.scalar(select(Deputy.id).where(Deputy.active).limit(1))
    form = client.get(f"/deputies/{deputy_id}/message").get_data(as_text=True)
    assert 'name="notify"' in form and 'name="email"' in form
    answer = client.post_form(
        f"/deputies/{deputy_id}/message",
        {"message": "村口路灯坏了", "name": "李某", "email": "sender@example.cn", "notify": "y"},
    )
    assert answer.status_code == 303
    with app.test_request_context("/"):
        message = db.session.scalar(
            select(DeputyMessage).where(DeputyMessage.text == "村口路灯坏了")
        )
        department = db.session.scalar(select(Department).where(Department.active).limit(1))
        messages.assign(
            message,
            actor=None,
            summary="村口路灯损坏",
            suggestion="请修复",
            department_id=department.id,
            deadline=today() + timedelta(days=30),
        )
        db.session.commit()
    run_worker(app, local_moment(app, 10))
    got = app.inbox.to("sender@example.cn")
    assert len(got) == 1 and "李某" not in body(got[0])


def test_a_tuiding_reply_by_sms_stops_messages_to_that_number_at_once(notify_app, desk, caplog):
    app, inbox, sms = notify_app, notify_app.inbox, notify_app.sms
    call_id, item_id = consenting_item(app, desk)
    _other_call, other_item = consenting_item(
        app, desk, email="other@example.cn", phone="13700002222"
    )
    day = local_moment(app, 10)
    run_worker(app, day)
    assert sorted(m["to"] for m in sms) == ["13700002222", PHONE]
    progress(app, item_id)  # waiting in the outbox when the reply comes
    # The gateway posts the caller's "退订", the number as it writes it.
    answer = sms_reply(app, "+86 139-0000-1111", " 退订 ")
    assert answer.status_code == 200 and answer.get_json() == {"stopped": 1}
    progress(app, item_id, note="完成一半", percent=50)
    progress(app, other_item)
    run_worker(app, day + timedelta(minutes=5))
    # Nothing more to that number: neither what waited nor the next change. One
    # consent covers both channels, so, like the stop link, e-mail stops too.
    assert [m["to"] for m in sms].count(PHONE) == 1 and len(inbox.to(EMAIL)) == 1
    # Another caller is untouched.
    assert [m["to"] for m in sms].count("13700002222") == 2
    assert len(inbox.to("other@example.cn")) == 2
    with app.app_context():
        assert db.session.get(CallerContact, call_id).notify is False
        sub = db.session.scalar(select(Subscription).where(Subscription.call_id == call_id))
        assert sub.stopped_at is not None
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == "sms_stopped"))
        assert row.target == f"call:{call_id}" and row.actor_name == "sms_gateway"
        assert PHONE not in f"{row.target} {row.detail} {row.actor_name}"
    assert "1111" not in caplog.text and "退订" not in caplog.text
    # The office reads it on the audit trail in words.
    supervisor = app.test_client()
    supervisor.login("office")
    trail = supervisor.get("/admin/audit?action=sms_stopped&lang=en").get_data(as_text=True)
    assert "Notifications stopped by an SMS reply" in trail and PHONE not in trail
    # Said again: nothing left to stop.
    assert sms_reply(app, PHONE, "TD").get_json() == {"stopped": 0}


def test_a_reply_not_signed_by_the_gateway_or_not_a_stop_word_changes_nothing(notify_app, desk):
    app, sms = notify_app, notify_app.sms
    call_id, item_id = consenting_item(app, desk)
    refused = [
        sms_reply(app, PHONE, "退订", secret="not-the-shared-secret"),
        sms_reply(app, PHONE, "退订", age=301),  # stale: a replay
        sms_reply(app, PHONE, "退订", age=-301),  # from the future
        app.test_client().post(
            "/notifications/sms/inbound", json={"phone": PHONE, "text": "退订"}
        ),  # unsigned
    ]
    for answer in refused:
        assert answer.status_code == 403 and answer.get_data() == b""
    for text in ("好的谢谢", "退订是什么意思", "", "STOPPED"):
        answer = sms_reply(app, PHONE, text)
        assert answer.status_code == 200 and answer.get_json() == {"stopped": 0}
    progress(app, item_id)
    run_worker(app, local_moment(app, 10))
    assert [m["to"] for m in sms] == [PHONE, PHONE]
    with app.app_context():
        assert db.session.get(CallerContact, call_id).notify is True
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "sms_stopped")) is None


def test_replies_from_the_gateway_are_rate_limited(notify_app):
    app = notify_app
    app.config["HOTLINE_SMS_INBOUND_LIMIT"] = "2 per minute"
    assert sms_reply(app, "13800000000", "ok").status_code == 200
    assert sms_reply(app, "13800000000", "ok").status_code == 200
    third = sms_reply(app, "13800000000", "ok")
    assert third.status_code == 429 and "Retry-After" in third.headers
