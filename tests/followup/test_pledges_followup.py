"""A pledge must say how it will be checked, after the show: the department
adds or completes the terms (never a silent edit: an event on the public
timeline, old and new side by side), the office asks for a missing acceptance
criterion (催补验收标准, by e-mail too), and verifies the completion against
the criterion, which the public page then says."""

import re
from datetime import timedelta
from email.header import decode_header, make_header

from followup.test_followup_remind import smtp_sink  # noqa: F401 (fixture)
from followup_support import (
    TRANSPORT,
    event_kinds,
    load,
    make_commitment,
    public_page,
    submit,
)
from sqlalchemy import select

from hotline.changes.commitments import create_referral
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Commitment, Event, EventKind

CRITERION = "由街道办会同居民代表现场验收"


def timeline_entry(html: str, kind: str) -> str:
    entry = rf'<li id="event-\d+" data-kind="{kind}">.*?(?=<li id="event-|</ol>)'
    found = re.findall(entry, html, re.S)
    assert found, f"no {kind} entry on the timeline"
    return found[-1]


def test_the_department_adds_the_criterion_later_on_the_public_timeline(app, client, liaison):
    cid = make_commitment(app)
    assert "验收标准待补充" in public_page(client, cid)
    version = load(app, cid).version

    response = submit(liaison, cid, "terms", criterion=CRITERION, measure="约300平方米")
    assert response.status_code == 302
    item = load(app, cid)
    assert item.criterion == CRITERION and item.measure == "约300平方米"
    assert item.version > version and event_kinds(app, cid)[-1] == "terms"

    page = public_page(client, cid)
    assert "验收标准待补充" not in page
    assert '<dd data-term="criterion" data-criterion="given">' + CRITERION in page
    entry = timeline_entry(page, "terms")
    assert "承诺要素补充" in entry
    assert f'<li data-term-change="criterion">验收标准：{CRITERION}</li>' in entry
    assert '<li data-term-change="measure">数量或规模：约300平方米</li>' in entry
    english = client.get(f"/commitments/{cid}?lang=en").get_data(as_text=True)
    assert "Terms of the pledge added" in english and "to be added" not in english
    # Its board row no longer says so either.
    board = client.get(f"/?lang=zh_CN&q={item.pledge}").get_data(as_text=True)
    row = re.search(rf'<tr id="commitment-{cid}".*?</tr>', board, re.S).group(0)
    assert "验收标准待补充" not in row


def test_a_term_is_changed_in_the_open_never_removed_nor_saved_unchanged(app, client, liaison):
    cid = make_commitment(app)
    assert submit(liaison, cid, "terms", criterion="街道办验收").status_code == 302
    changed = submit(liaison, cid, "terms", criterion=CRITERION)
    assert changed.status_code == 302
    entry = timeline_entry(public_page(client, cid), "terms")
    assert f"验收标准：街道办验收 → {CRITERION}" in entry

    removed = submit(liaison, cid, "terms", criterion="")
    assert removed.status_code == 422
    assert "已填写的承诺要素只能修改，不能删除" in removed.get_data(as_text=True)
    same = submit(liaison, cid, "terms", criterion=CRITERION)
    assert same.status_code == 422 and "没有任何修改" in same.get_data(as_text=True)
    assert event_kinds(app, cid).count("terms") == 2
    assert load(app, cid).criterion == CRITERION


def test_the_terms_form_shows_the_terms_as_they_are(app, liaison):
    cid = make_commitment(app)
    submit(liaison, cid, "terms", place="凤凰街道3号楼")
    html = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="form-terms".*?</form>', html, re.S).group(0)
    assert 'name="terms-place"' in form and 'value="凤凰街道3号楼"' in form
    assert '<dd id="criterion" data-criterion="missing">' in html


def test_the_office_asks_for_the_missing_criterion(app, client, supervisor, smtp_sink):  # noqa: F811
    cid = make_commitment(app, department=TRANSPORT)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_sink.server_address[1])
    response = submit(
        supervisor, cid, "request_criterion", "request-criterion", note="请三日内补充"
    )
    assert response.status_code == 302
    entry = timeline_entry(public_page(client, cid), "criterion_requested")
    assert "催补验收标准" in entry and "请三日内补充" in entry
    english = client.get(f"/commitments/{cid}?lang=en").get_data(as_text=True)
    assert "Acceptance criterion requested" in english
    # The department hears it at once, with the link to add it.
    (message,) = smtp_sink.messages
    subject = str(make_header(decode_header(message["Subject"])))
    assert "催补验收标准" in subject and "dept2@hotline.example" in message["To"]
    body = message.get_payload(decode=True).decode()
    assert "请三日内补充" in body and f"/followup/commitments/{cid}" in body

    # Once the criterion is given there is nothing to ask for.
    transport = client.application.test_client()
    transport.login("transport")
    assert submit(transport, cid, "terms", criterion=CRITERION).status_code == 302
    page = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert 'id="form-request_criterion"' not in page and 'id="form-terms"' in page


def test_the_office_verifies_against_the_stated_criterion(app, client, liaison, supervisor):
    cid = make_commitment(app)
    submit(liaison, cid, "terms", criterion=CRITERION)
    done = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert f"办公室将按以下验收标准核验：</strong> {CRITERION}" in done
    submit(liaison, cid, "completion", note="路面已全部修复。")

    # Beside the verify action, the criterion it is checked against.
    page = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    verify = re.search(r'<form[^>]*id="form-verify".*?</form>', page, re.S).group(0)
    assert f"按验收标准核验：</strong> {CRITERION}" in verify
    assert submit(supervisor, cid, "verify", note="现场核实无误").status_code == 302
    with app.app_context():
        verified = db.session.scalar(
            select(Event).where(Event.commitment_id == cid, Event.kind == EventKind.VERIFIED)
        )
        assert verified.data["criterion"] == CRITERION

    public = public_page(client, cid)
    entry = timeline_entry(public, "verified")
    assert f"人大常委会办公室按验收标准核验：{CRITERION}" in entry
    terms = re.search(r'<dl class="facts" id="terms".*?</dl>', public, re.S).group(0)
    assert 'data-verified-against="criterion"' in terms and "按此验收标准核验" in terms
    english = client.get(f"/commitments/{cid}?lang=en").get_data(as_text=True)
    assert "Verified by the office against the acceptance criterion:" in english


def test_verifying_without_a_criterion_says_so(app, client, liaison, supervisor):
    cid = make_commitment(app)
    submit(liaison, cid, "completion", note="已修复。")
    # Reported: nobody can add the criterion now, so no page asks for it.
    assert "验收标准待补充" not in public_page(client, cid)
    page = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert "验收标准待补充" not in page
    verify = re.search(r'<form[^>]*id="form-verify".*?</form>', page, re.S).group(0)
    assert "未载明验收标准" in verify
    # Reported: too late to add terms now (the bar is not set after the work).
    assert 'id="form-terms"' not in page
    assert submit(supervisor, cid, "verify").status_code == 302
    public = public_page(client, cid)
    assert "核验时未载明验收标准" in timeline_entry(public, "verified")
    assert "验收标准待补充" not in public and '<span class="muted">未载明。</span>' in public


def test_a_referral_has_no_pledge_terms_to_check(app, client, liaison, supervisor):
    """转线下核实: what is verified is its own note, not an official's pledge."""
    with app.app_context():
        call = db.session.get(Commitment, make_commitment(app)).call
        item = create_referral(
            call, department_id=call.department_id, note="核实路面破损情况",
            deadline=today() + timedelta(days=15), actor=None,
        )  # fmt: skip
        db.session.commit()
        cid = item.id
    assert "验收标准" not in public_page(client, cid)
    page = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert 'id="form-terms"' not in page
    submit(liaison, cid, "completion", note="已核实：路面已修复。")
    assert submit(supervisor, cid, "verify").status_code == 302
    with app.app_context():
        verified = db.session.scalar(
            select(Event).where(Event.commitment_id == cid, Event.kind == EventKind.VERIFIED)
        )
        assert "criterion" not in verified.data
    assert "验收标准" not in public_page(client, cid)
