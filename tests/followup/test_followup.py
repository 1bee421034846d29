"""The life of a commitment after the show, through every path, with the public
status and timeline checked at each step."""

import re
from datetime import timedelta

from followup_support import (
    event_count,
    event_kinds,
    form_state,
    load,
    local_today,
    make_commitment,
    public_page,
    public_status,
    submit,
)
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Event


def test_met_on_time(app, client, liaison, supervisor):
    cid = make_commitment(app, days=10)
    assert public_status(client, cid) == "due"

    r = submit(liaison, cid, "progress", note="已完成路面铣刨，正在铺设沥青。", percent="60")
    assert r.status_code == 302
    assert "已完成路面铣刨" in public_page(client, cid)
    assert public_status(client, cid) == "due"

    r = submit(liaison, cid, "completion", note="路面已全部修复，已回访群众。")
    assert r.status_code == 302
    assert public_status(client, cid) == "reported"
    assert load(app, cid).completed_on == local_today(app)

    r = submit(supervisor, cid, "verify", note="经现场核实，已办结。")
    assert r.status_code == 302
    assert public_status(client, cid) == "met_on_time"
    assert event_kinds(app, cid) == ["created", "progress", "completion_reported", "verified"]
    with app.app_context():
        progress = db.session.scalar(
            select(Event).where(Event.commitment_id == cid, Event.kind == "progress")
        )
        assert progress.percent == 60 and progress.actor.username == "housing"


def test_extended_then_met(app, client, liaison, supervisor):
    cid = make_commitment(app, days=-3)
    original = load(app, cid).deadline
    assert public_status(client, cid) == "overdue"
    new = local_today(app) + timedelta(days=20)

    r = submit(
        liaison, cid, "extension", new_deadline=new.isoformat(), reason="需协调燃气管线迁改。"
    )
    assert r.status_code == 302
    page = public_page(client, cid)
    assert "需协调燃气管线迁改" in page  # the request is public at once
    assert public_status(client, cid) == "overdue"  # pending: nothing changes yet
    assert load(app, cid).deadline == original

    r = submit(supervisor, cid, "decision", decision="grant", reason="理由充分，同意延期。")
    assert r.status_code == 302
    item = load(app, cid)
    assert item.deadline == new and item.original_deadline == original
    assert public_status(client, cid) == "due"
    page = public_page(client, cid)
    assert "理由充分，同意延期" in page and original.isoformat() in page

    submit(liaison, cid, "completion", note="已完成。")
    submit(supervisor, cid, "verify")
    assert public_status(client, cid) == "met_after_extension"
    assert event_kinds(app, cid) == [
        "created",
        "extension_requested",
        "extension_granted",
        "completion_reported",
        "verified",
    ]


def test_late(app, client, liaison, supervisor):
    cid = make_commitment(app, days=-5)
    submit(liaison, cid, "completion", note="已完成。")
    assert public_status(client, cid) == "reported"
    submit(supervisor, cid, "verify")
    assert public_status(client, cid) == "met_late"


def test_refused_extension(app, client, liaison, supervisor):
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.models import ExtensionRequest

    cid = make_commitment(app, days=2)
    deadline = load(app, cid).deadline
    submit(
        liaison,
        cid,
        "extension",
        new_deadline=(deadline + timedelta(days=30)).isoformat(),
        reason="施工队伍不足。",
    )
    r = submit(supervisor, cid, "decision", decision="refuse", reason="理由不充分，请按期办结。")
    assert r.status_code == 302
    assert load(app, cid).deadline == deadline
    assert public_status(client, cid) == "due"
    assert "理由不充分，请按期办结" in public_page(client, cid)
    with app.app_context():
        request = db.session.scalar(
            select(ExtensionRequest).where(ExtensionRequest.commitment_id == cid)
        )
        assert request.status == "refused" and request.decision_reason == "理由不充分，请按期办结。"
    assert event_kinds(app, cid)[-2:] == ["extension_requested", "extension_refused"]
    # A refused request no longer blocks a new one.
    page = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert 'id="form-extension"' in page


def test_reopened(app, client, liaison, supervisor):
    cid = make_commitment(app, days=5)
    submit(liaison, cid, "completion", note="已完成。")
    r = submit(supervisor, cid, "reopen", reason="现场核实仍有积水，请继续整改。")
    assert r.status_code == 302
    item = load(app, cid)
    assert item.state == "open" and item.completed_on is None
    assert public_status(client, cid) == "due"
    assert "现场核实仍有积水" in public_page(client, cid)
    # It can be reported again and verified.
    submit(liaison, cid, "completion", note="已彻底整改。")
    submit(supervisor, cid, "verify")
    assert public_status(client, cid) == "met_on_time"
    assert event_kinds(app, cid)[1:] == [
        "completion_reported",
        "reopened",
        "completion_reported",
        "verified",
    ]


def test_withdrawn_stays_on_the_board_with_its_reason(app, client, supervisor):
    cid = make_commitment(app, days=5)
    r = submit(supervisor, cid, "withdraw", reason="与第12号承诺重复。")
    assert r.status_code == 302
    assert public_status(client, cid) == "withdrawn"
    assert "与第12号承诺重复" in public_page(client, cid)
    assert f'id="commitment-{cid}"' in client.get("/").get_data(as_text=True)
    assert load(app, cid).withdrawn_reason == "与第12号承诺重复。"


def test_press_goes_on_the_timeline_and_the_history(app, client, supervisor, liaison):
    cid = make_commitment(app, days=-2)
    r = submit(supervisor, cid, "press", note="请于三日内报告办理情况。")
    assert r.status_code == 302
    assert "请于三日内报告办理情况" in public_page(client, cid)
    page = liaison.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert "请于三日内报告办理情况" in page
    assert event_kinds(app, cid) == ["created", "pressed"]


def test_every_action_pushes_the_public_page(app, liaison, socket_client):
    cid = make_commitment(app, days=5)
    watcher = socket_client("/live")
    watcher.emit("join", {"rooms": [f"commitment:{cid}"]}, namespace="/live")
    watcher.get_received("/live")
    submit(liaison, cid, "progress", note="推送测试进展")
    pushed = [m for m in watcher.get_received("/live") if m["name"] == "swap"]
    assert any("推送测试进展" in m["args"][0]["html"] for m in pushed)


# -- bad input: a clear message, nothing changed


def test_extension_date_must_be_after_the_current_deadline(app, liaison):
    cid = make_commitment(app, days=5)
    deadline = load(app, cid).deadline
    before = event_count(app)
    r = submit(liaison, cid, "extension", new_deadline=deadline.isoformat(), reason="理由")
    assert r.status_code == 422
    assert "error-text" in r.get_data(as_text=True)
    assert event_count(app) == before
    r = liaison.get(f"/followup/commitments/{cid}?lang=en")
    r = submit(liaison, cid, "extension", new_deadline=deadline.isoformat(), reason="x")
    assert "The new deadline must be after the current deadline." in r.get_data(as_text=True)


def test_empty_reasons_and_notes_are_refused(app, liaison, supervisor):
    liaison.get("/?lang=en")
    supervisor.get("/?lang=en")
    cid = make_commitment(app, days=5)
    before = event_count(app)
    cases = [
        (liaison, "progress", {"note": "  "}, "Write what has been done."),
        (
            liaison,
            "extension",
            {"new_deadline": (local_today(app) + timedelta(days=40)).isoformat(), "reason": ""},
            "Give the reason for the extension.",
        ),
        (liaison, "completion", {"note": ""}, "Describe what was done."),
        (supervisor, "press", {"note": ""}, "Write what the department must do"),
        (supervisor, "withdraw", {"reason": ""}, "Give the public reason for the withdrawal."),
    ]
    for who, form, fields, message in cases:
        r = submit(who, cid, form, **fields)
        assert r.status_code == 422, form
        assert message in r.get_data(as_text=True), form
    assert event_count(app) == before
    assert load(app, cid).state == "open"


def test_double_submission_creates_one_event(app, liaison):
    cid = make_commitment(app, days=5)
    data = form_state(liaison, cid, "progress")
    data["progress-note"] = "只应出现一次的进展"
    first = liaison.post_form(f"/followup/commitments/{cid}/progress", data)
    second = liaison.post_form(f"/followup/commitments/{cid}/progress", data)
    assert first.status_code == second.status_code == 302
    assert event_kinds(app, cid).count("progress") == 1
    page = liaison.get(second.headers["Location"]).get_data(as_text=True)
    assert page.count("只应出现一次的进展") == 1


def test_stale_form_is_a_conflict_that_keeps_the_text(app, liaison, supervisor):
    cid = make_commitment(app, days=5)
    stale = form_state(liaison, cid, "progress")
    submit(supervisor, cid, "press", note="请加快进度。")  # moves the version on
    stale["progress-note"] = "我写了很久的进展说明"
    r = liaison.post_form(f"/followup/commitments/{cid}/progress", stale)
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "我写了很久的进展说明" in html  # the user's own text
    assert "请加快进度" in html  # beside the current record
    current = load(app, cid).version
    assert f'name="progress-version" type="hidden" value="{current}"' in html
    assert event_kinds(app, cid).count("progress") == 0


def test_actions_in_the_wrong_state_are_refused(app, liaison, supervisor):
    cid = make_commitment(app, days=5)
    submit(liaison, cid, "completion", note="已完成。")
    submit(supervisor, cid, "verify")
    before = event_count(app)
    # Forms are no longer offered; a crafted post is a clear 422.
    page = supervisor.get(f"/followup/commitments/{cid}").get_data(as_text=True)
    assert 'id="form-withdraw"' not in page and 'id="form-progress"' not in page
    data = {"withdraw-version": str(load(app, cid).version), "withdraw-reason": "重复"}
    r = supervisor.post_form(f"/followup/commitments/{cid}/withdraw", data)
    assert r.status_code == 422
    assert event_count(app) == before


def test_staff_and_list_pages_keep_the_strict_csp(app, client, supervisor, liaison):
    """No inline script, style attribute or on* handler on any follow-up page."""
    cid = make_commitment(app, days=-1)
    submit(liaison, cid, "extension", new_deadline="2099-01-01", reason="理由")
    year = local_today(app).year
    pages = [
        (supervisor, f"/followup/commitments/{cid}"),
        (liaison, f"/followup/commitments/{cid}"),
        (supervisor, "/followup/"),
        (liaison, "/followup/"),
        (supervisor, "/admin/"),
        (client, "/lists/"),
        (client, f"/lists/results?period={year}"),
        (client, f"/lists/report?period={year}"),
    ]
    for who, url in pages:
        r = who.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        assert " style=" not in html, url
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, url
        assert re.search(r"\son[a-z]+=", html) is None, url
