"""Escalation in levels (12345 practice): 签收 within its limit, 催办 → 督办 → 通报,
each on the public timeline at its exact limit, and `flask remind` writing
nothing twice on a day."""

import re
from datetime import timedelta
from email.header import decode_header, make_header

from followup.test_followup_remind import smtp_sink  # noqa: F401 (fixture)
from followup_support import TRANSPORT, make_commitment, submit
from sqlalchemy import select

import hotline.cli.commands
import hotline.followup.routes
from hotline.changes import escalation, limits
from hotline.changes.commitments import press
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Event
from hotline.rules.workdays import add_working_days


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def listed(client, section_id: str, cid: int) -> bool:
    html = client.get("/followup/").get_data(as_text=True)
    return f'data-item="{cid}"' in section(html, section_id)


def local_today(app):
    with app.app_context():
        return today()


def on_day(monkeypatch, day) -> None:
    monkeypatch.setattr(hotline.followup.routes, "today", lambda: day)


def kinds(app, cid: int) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            select(Event.kind).where(Event.commitment_id == cid).order_by(Event.id)
        ).all()


def test_unacknowledged_item_is_flagged_to_the_office_only_after_the_limit(app, login, monkeypatch):
    cid = make_commitment(app)
    with app.app_context():
        last_day = escalation.acknowledge_by(db.session.get(Commitment, cid))
        assert last_day == add_working_days(today(), 1).day  # default: 1 working day
    office, liaison = login("office"), login("housing")

    on_day(monkeypatch, last_day)
    assert not listed(office, "late-acknowledgement", cid)
    assert listed(liaison, "to-acknowledge", cid)
    on_day(monkeypatch, last_day + timedelta(days=1))
    assert listed(office, "late-acknowledgement", cid)

    # Another department's liaison cannot acknowledge it.
    other = login("transport")
    assert other.post_form(f"/followup/commitments/{cid}/acknowledge", {}).status_code == 404

    assert submit(liaison, cid, "acknowledge").status_code == 302
    assert kinds(app, cid)[-1] == "acknowledged"
    public = app.test_client().get(f"/commitments/{cid}").get_data(as_text=True)
    assert 'data-kind="acknowledged"' in public and "职能部门已签收" in public
    assert not listed(office, "late-acknowledgement", cid)
    assert not listed(liaison, "to-acknowledge", cid)
    assert "form-acknowledge" not in liaison.get(f"/followup/commitments/{cid}").text


def remind(app, runner, monkeypatch, day) -> str:
    monkeypatch.setattr(hotline.cli.commands, "today", lambda: day)
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminder_press_and_notice_each_at_their_exact_limit(app, runner, login, monkeypatch):
    cid = make_commitment(app, days=-30)
    with app.app_context():  # the office's setting: 催办 2 working days past the deadline
        limits.set_value("remind_days", 2, None)
        db.session.commit()
    now = local_today(app)
    deadline = now - timedelta(days=30)
    remind_on = add_working_days(deadline, 2).day

    remind(app, runner, monkeypatch, remind_on - timedelta(days=1))
    assert "reminded" not in kinds(app, cid)
    remind(app, runner, monkeypatch, remind_on)
    assert kinds(app, cid).count("reminded") == 1
    public = app.test_client().get(f"/commitments/{cid}").get_data(as_text=True)
    assert 'data-kind="reminded"' in public and "催办：已过办结时限" in public

    # 督办 is the office's: listed for it 3 working days after the 催办 (written today).
    office = login("office")
    press_on = add_working_days(now, 3).day
    on_day(monkeypatch, press_on - timedelta(days=1))
    assert not listed(office, "due-for-press", cid)
    on_day(monkeypatch, press_on)
    assert listed(office, "due-for-press", cid)
    assert submit(office, cid, "press", note="请本周内完成修复").status_code == 302
    assert not listed(office, "due-for-press", cid)

    # 通报: still overdue 5 working days after the 督办.
    notice_on = add_working_days(now, 5).day
    remind(app, runner, monkeypatch, notice_on - timedelta(days=1))
    assert "noticed" not in kinds(app, cid)
    output = remind(app, runner, monkeypatch, notice_on)
    assert "1 public notices" in output or "public notices (通报)" in output
    assert kinds(app, cid).count("noticed") == 1
    with app.app_context():
        assert db.session.get(Commitment, cid).noticed_on == notice_on

    board = app.test_client().get("/?department=1&sort=overdue").get_data(as_text=True)
    row = re.search(rf'<tr id="commitment-{cid}".*?</tr>', board, re.S)
    assert row and "data-notice" in row.group(0) and "通报" in row.group(0)
    public = app.test_client().get(f"/commitments/{cid}").get_data(as_text=True)
    assert 'data-kind="noticed"' in public
    # The department's public scorecard row says it too.
    cards = app.test_client().get("/departments").get_data(as_text=True)
    housing = re.search(r'<tr id="department-1">.*?</tr>', cards, re.S).group(0)
    assert "data-notices=" in housing and "被通报" in housing


def test_running_remind_twice_on_a_day_writes_nothing_twice(app, runner, monkeypatch):
    cid = make_commitment(app, days=-30)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        press(item, actor=None, note="督办", version=item.version)
        db.session.commit()
    day = add_working_days(local_today(app), 5).day
    first = remind(app, runner, monkeypatch, day)
    with app.app_context():
        count = db.session.scalar(select(db.func.count(Event.id)))
    assert kinds(app, cid).count("reminded") == 1 and kinds(app, cid).count("noticed") == 1
    second = remind(app, runner, monkeypatch, day)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Event.id))) == count
    assert "Wrote 0 reminders (催办) and 0 public notices (通报)" in second
    assert "Wrote 0 reminders" not in first


def test_a_press_after_the_notice_leaves_the_board_once_met(app, runner, login, monkeypatch):
    cid = make_commitment(app, days=-30)
    office, liaison = login("office"), login("housing")
    assert submit(office, cid, "press", note="督办").status_code == 302
    remind(app, runner, monkeypatch, add_working_days(local_today(app), 5).day)
    assert submit(liaison, cid, "completion", note="已修复").status_code == 302
    board = app.test_client().get("/?department=1&sort=overdue").get_data(as_text=True)
    row = re.search(rf'<tr id="commitment-{cid}".*?</tr>', board, re.S)
    assert row is None or "data-notice" not in row.group(0)
    assert 'data-kind="noticed"' in app.test_client().get(f"/commitments/{cid}").text


def test_the_days_mail_tells_the_department_of_its_notice(app, runner, monkeypatch, smtp_sink):  # noqa: F811
    cid = make_commitment(app, days=-30, department=TRANSPORT)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        press(item, actor=None, note="请限期办结", version=item.version)
        db.session.commit()
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_sink.server_address[1],
        HOTLINE_REMIND_TO="office@rd.example",
    )
    notice_on = add_working_days(local_today(app), 5).day
    remind(app, runner, monkeypatch, notice_on)
    subjects = [str(make_header(decode_header(m["Subject"]))) for m in smtp_sink.messages]
    mail = next(m for m, s in zip(smtp_sink.messages, subjects, strict=True) if TRANSPORT in s)
    body = mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")
    assert f"#{cid} " in body and f"{notice_on.isoformat()}通报" in body
