"""Every follow-up action over the integration API, with the follow-up page's
rules: tokens (none, wrong, revoked, out of scope), the Idempotency-Key, the
version (409 with the current record), 422 naming each field, an evidence file
as multipart/form-data checked like the page's upload, and the same live
pushes as the same action done on the page."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from api_support import HOUSING, TRANSPORT, api_post, bearer, make_token
from followup.test_duplicates import new_item
from followup_support import form_state, make_commitment
from sqlalchemy import func, select, update

from hotline.actions import followup as followup_actions
from hotline.changes import commitments as domain
from hotline.changes import escalation, milestones, tokens
from hotline.clock import today
from hotline.extensions import db
from hotline.models import (
    Attachment,
    AuditLog,
    CallerContact,
    Commitment,
    Event,
    EventKind,
    MilestoneKind,
    User,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def account(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def prepared(app, name: str) -> tuple[int, dict]:
    """A housing item in the state `name` acts on, and what else its good body needs."""
    extra = {}
    if name == "merge":
        extra["earlier"] = new_item(app, 90, "更早的同一问题")
        cid = new_item(app, 5, "后来的同一问题")
    elif name.startswith("milestone"):
        cid = make_commitment(app, days=200)  # long enough to carry milestones
    else:
        cid = make_commitment(app)
    with app.app_context():
        item = db.session.get(Commitment, cid)
        housing, office = account("housing"), account("office")
        if name in ("milestone_met", "milestone_move"):
            extra["milestone"] = milestones.set_milestone(
                item,
                actor=housing,
                title="开工",
                shows="施工围挡和开工照片",
                due_on=today() + timedelta(days=20),
                today=today(),
                version=item.version,
            ).id
        if name == "decision":
            domain.request_extension(
                item,
                actor=housing,
                new_deadline=item.deadline + timedelta(days=30),
                reason="汛期施工受限",
                today=today(),
                version=item.version,
            )
        if name in ("verify", "reopen", "callback"):
            domain.report_completion(
                item, actor=housing, note="已完成", on=today(), version=item.version
            )
        if name == "callback":
            domain.verify_completion(item, actor=office, version=item.version)
            db.session.execute(
                update(CallerContact)
                .where(CallerContact.call_id == item.call_id)
                .values(phone="13711112222")
            )
        if name == "dispute_decision":
            escalation.dispute(
                item, actor=housing, reason="属交通部门", day=today(), version=item.version
            )
        db.session.commit()
    return cid, extra


def later(app, days: int) -> str:
    with app.app_context():
        return (today() + timedelta(days=days)).isoformat()


# name: (token role, good body, bad body, fields the 422 names, event written)
CASES = {
    "progress": (
        "worker",
        {"note": "已清淤一半", "percent": 50},
        {"note": "进展", "percent": 150},
        {"percent"},
        EventKind.PROGRESS,
    ),
    "extension": (
        "worker",
        {"new_deadline": 60, "reason": "汛期施工受限"},
        {"new_deadline": "soon", "reason": "汛期"},
        {"new_deadline"},
        EventKind.EXTENSION_REQUESTED,
    ),
    "completion": (
        "worker",
        {"note": "已完成"},
        {"note": ""},
        {"note"},
        EventKind.COMPLETION_REPORTED,
    ),
    "decision": (
        "office",
        {"decision": "grant", "reason": "同意"},
        {"decision": "maybe", "reason": "同意"},
        {"decision"},
        EventKind.EXTENSION_GRANTED,
    ),
    "verify": ("office", {"note": "已核实"}, {"note": "核\x07实"}, {"note"}, EventKind.VERIFIED),
    "reopen": ("office", {"reason": "照片不清"}, {"reason": ""}, {"reason"}, EventKind.REOPENED),
    "press": ("office", {"note": "请加快"}, {"note": ""}, {"note"}, EventKind.PRESSED),
    "withdraw": ("office", {"reason": "重复事项"}, {"reason": ""}, {"reason"}, EventKind.WITHDRAWN),
    "callback": (
        "office",
        {"reached": "yes", "verdict": "satisfied"},
        {"reached": "maybe"},
        {"reached"},
        EventKind.CALLBACK,
    ),
    # Nothing to fill in: refused once it is done (below), naming the state.
    "acknowledge": ("department", {}, None, {"state"}, EventKind.ACKNOWLEDGED),
    "dispute": (
        "department",
        {"reason": "属交通部门"},
        {"reason": ""},
        {"reason"},
        EventKind.DISPUTED,
    ),
    "dispute_decision": (
        "office",
        {"decision": "reassign", "department": TRANSPORT, "reason": "改派交通"},
        {"decision": "reassign", "reason": "改派"},
        {"department"},
        EventKind.REASSIGNED,
    ),
    "merge": (
        "office",
        {"reason": "同一问题"},
        {"earlier": 0, "reason": "x"},
        {"earlier"},
        EventKind.MERGED,
    ),
    "milestone": (
        "worker",
        {"title": "开工", "due_on": 30, "shows": "施工围挡和开工照片"},
        {"title": "开工", "due_on": "soon", "shows": "照片"},
        {"due_on"},
        MilestoneKind.SET,
    ),
    "milestone_met": (
        "worker",
        {"note": "已开工，附现场照片"},
        {"note": ""},
        {"note"},
        MilestoneKind.MET,
    ),
    "milestone_move": (
        "worker",
        {"due_on": 40, "reason": "雨季推迟开工"},
        {"due_on": "x", "reason": "推迟"},
        {"due_on"},
        MilestoneKind.MOVED,
    ),
    # The pledge's terms, completed later; a field left out is kept.
    "terms": (
        "worker",
        {"measure": "约300平方米", "criterion": "街道办会同居民代表现场验收"},
        {"criterion": "街道办\x07验收"},
        {"criterion"},
        EventKind.TERMS,
    ),
    "request_criterion": (
        "office",
        {"note": "请明确由谁验收、如何验收"},
        {"note": "请\x07补充"},
        {"note"},
        EventKind.CRITERION_REQUESTED,
    ),
}


def test_the_cases_cover_every_action():
    assert set(CASES) == set(followup_actions.ACTIONS)


def good_body(app, name: str, extra: dict) -> dict:
    body = {**CASES[name][1], **extra}
    if name == "extension":
        body["new_deadline"] = later(app, body["new_deadline"])
    if name in ("milestone", "milestone_move"):
        body["due_on"] = later(app, body["due_on"])
    return body


def token_for(app, kind: str) -> str:
    if kind == "office":
        return make_token(app, "office-12345", "supervisor")
    return make_token(app, "housing-12345", "liaison", department_id=HOUSING)


def url(cid: int, name: str) -> str:
    return f"/api/v1/commitments/{cid}/{followup_actions.ACTIONS[name].path}"


def events(app, cid: int, kind=None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Event).where(Event.commitment_id == cid)
        if kind is not None:
            query = query.where(Event.kind == kind)
        return db.session.scalar(query)


def version_of(app, cid: int) -> int:
    with app.app_context():
        return db.session.get(Commitment, cid).version


@pytest.mark.parametrize("name", list(CASES))
def test_each_action_once_per_key_409_when_stale_422_naming_fields(app, name):
    kind, _good, bad, fields, event_kind = CASES[name]
    cid, extra = prepared(app, name)
    secret = token_for(app, kind)
    v0 = version_of(app, cid)
    if bad is not None:  # refused before anything is written
        refused = api_post(app, url(cid, name), secret, {**extra, **bad, "version": v0}, key="b")
        assert refused.status_code == 422, refused.json
        assert fields <= set(refused.json["errors"]), refused.json
        assert version_of(app, cid) == v0 and events(app, cid, event_kind) == 0

    body = {**good_body(app, name, extra), "version": v0}
    saved = api_post(app, url(cid, name), secret, body, key="k1")
    assert saved.status_code == 200, saved.json
    assert saved.json["data"]["id"] == cid and saved.json["data"]["version"] > v0
    assert events(app, cid, event_kind) == 1

    again = api_post(app, url(cid, name), secret, body, key="k1")
    assert again.status_code == 200 and again.json["repeated"]
    assert events(app, cid, event_kind) == 1

    stale = api_post(app, url(cid, name), secret, body, key="k2")
    assert stale.status_code == 409
    assert stale.json["current"]["version"] == version_of(app, cid) > v0
    assert events(app, cid, event_kind) == 1

    if bad is None:  # done already: refused with the reason, named "state"
        current = version_of(app, cid)
        twice = api_post(app, url(cid, name), secret, {"version": current}, key="k3")
        assert twice.status_code == 422 and set(twice.json["errors"]) == fields

    with app.app_context():  # attributed to the token in the audit trail
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == f"api_{name}"))
        assert row.detail["token"] in ("office-12345", "housing-12345")


@pytest.mark.parametrize("name", list(CASES))
def test_each_action_refuses_missing_wrong_and_revoked_tokens(app, name):
    cid, extra = prepared(app, name)
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer nope"}):
        response = client.post(url(cid, name), json={}, headers=headers)
        assert response.status_code == 401 and response.is_json
    secret = token_for(app, CASES[name][0])
    with app.app_context():
        tokens.revoke(tokens.by_secret(secret), None)
        db.session.commit()
    before = events(app, cid)
    body = {**good_body(app, name, extra), "version": version_of(app, cid)}
    revoked = api_post(app, url(cid, name), secret, body)
    assert revoked.status_code == 401 and revoked.is_json
    assert events(app, cid) == before


@pytest.mark.parametrize("name", list(CASES))
def test_each_action_refuses_tokens_outside_its_scope(app, name):
    cid, extra = prepared(app, name)
    before = events(app, cid)
    body = {**good_body(app, name, extra), "version": version_of(app, cid)}
    roles = followup_actions.ACTIONS[name].roles
    transport = make_token(app, "transport", "liaison", department_id=TRANSPORT)
    # Another department's item does not exist for its liaison (404, as on the
    # page); an action the role may not take at all is a 403.
    expected = 404 if "liaison" in roles else 403
    assert api_post(app, url(cid, name), transport, body).status_code == expected
    desk = make_token(app, "desk", "moderator")
    assert api_post(app, url(cid, name), desk, body).status_code == 403
    if "supervisor" not in roles:
        office = make_token(app, "office", "supervisor")
        assert api_post(app, url(cid, name), office, body).status_code == 403
    assert events(app, cid) == before


def test_a_key_spent_on_another_item_is_refused_not_repeated(app):
    office = make_token(app, "office", "supervisor")
    first, second = make_commitment(app), make_commitment(app)
    body = {"note": "请加快"}
    ok = api_post(
        app, url(first, "press"), office, {**body, "version": version_of(app, first)}, key="x"
    )
    assert ok.status_code == 200
    reused = api_post(
        app, url(second, "press"), office, {**body, "version": version_of(app, second)}, key="x"
    )
    assert reused.status_code == 422 and list(reused.json["errors"]) == ["Idempotency-Key"]
    assert events(app, second, EventKind.PRESSED) == 0
    # Another token's same key is its own: no collision between integrations.
    other = make_token(app, "office-2", "supervisor")
    fine = api_post(
        app, url(second, "press"), other, {**body, "version": version_of(app, second)}, key="x"
    )
    assert fine.status_code == 200


def test_a_key_spent_on_another_action_on_the_same_item_is_refused(app, call_id):
    """Progress saved with key "p"; the same key on a press, a withdrawal or a
    withholding of the same item is a 422 naming the header, not a 200
    "repeated" that saves nothing; nor is it an answer to a call."""
    office = make_token(app, "office", "supervisor")
    cid = make_commitment(app)
    progress = {"note": "已清淤一半", "percent": 50, "version": version_of(app, cid)}
    assert api_post(app, url(cid, "progress"), office, progress, key="p").status_code == 200
    for name, data in (("press", {"note": "请加快"}), ("withdraw", {"reason": "重复事项"})):
        reused = api_post(
            app, url(cid, name), office, {**data, "version": version_of(app, cid)}, key="p"
        )
        assert reused.status_code == 422, (name, reused.json)
        assert reused.json["status"] == 422 and list(reused.json["errors"]) == ["Idempotency-Key"]
    assert events(app, cid, EventKind.PRESSED) == events(app, cid, EventKind.WITHDRAWN) == 0
    with app.app_context():
        first = db.session.scalar(
            select(Event.id).where(Event.commitment_id == cid, Event.kind == EventKind.PROGRESS)
        )
        created = db.session.scalar(
            select(Event.id).where(Event.commitment_id == cid, Event.kind == EventKind.CREATED)
        )
        from hotline.models import Call

        call_version = db.session.get(Call, call_id).version
    hide = {"reason": "照片里有电话号码"}
    withheld = api_post(app, f"/api/v1/events/{first}/withhold", office, hide, key="w")
    assert withheld.status_code == 200
    # The same key on another entry of the same item: another change.
    other = api_post(app, f"/api/v1/events/{created}/withhold", office, hide, key="w")
    assert other.status_code == 422 and list(other.json["errors"]) == ["Idempotency-Key"]
    again = api_post(app, f"/api/v1/events/{first}/withhold", office, hide, key="w")
    assert again.status_code == 200 and again.json["repeated"]
    with app.app_context():
        from hotline.models import Redaction

        assert db.session.scalar(select(Redaction.id).where(Redaction.event_id == created)) is None
    # A follow-up's key is not a desk change's either, nor the other way round.
    answer = {"answer_text": "本周内疏通", "answered_by": "周建华", "version": call_version}
    desk = api_post(app, f"/api/v1/calls/{call_id}/answer", office, answer, key="p")
    assert desk.status_code == 422 and list(desk.json["errors"]) == ["Idempotency-Key"]
    assert (
        api_post(app, f"/api/v1/calls/{call_id}/answer", office, answer, key="a").status_code == 200
    )
    pressed = api_post(
        app, url(cid, "press"), office, {"note": "请加快", "version": version_of(app, cid)}, key="a"
    )
    assert pressed.status_code == 422 and list(pressed.json["errors"]) == ["Idempotency-Key"]
    assert events(app, cid, EventKind.PRESSED) == 0


def test_a_key_spent_on_another_call_is_refused_too(app, call_id, moderator, live_show):
    from desk_support import HOUSING as DESK_HOUSING
    from desk_support import calls_of, log

    log(moderator, live_show, topic="第二个来电", department=str(DESK_HOUSING), idem="second")
    other = calls_of(app, live_show)[-1].id
    desk = make_token(app, "desk", "moderator")
    answer = {"answer_text": "本周内疏通", "answered_by": "周建华 局长"}
    with app.app_context():
        from hotline.models import Call

        v1, v2 = db.session.get(Call, call_id).version, db.session.get(Call, other).version
    first = api_post(
        app, f"/api/v1/calls/{call_id}/answer", desk, {**answer, "version": v1}, key="a"
    )
    assert first.status_code == 200
    reused = api_post(
        app, f"/api/v1/calls/{other}/answer", desk, {**answer, "version": v2}, key="a"
    )
    assert reused.status_code == 422 and list(reused.json["errors"]) == ["Idempotency-Key"]


# --- the evidence file ----------------------------------------------------------------------


def multipart(app, path, secret, fields: dict, files: dict, key=None):
    data = {k: str(v) for k, v in fields.items()}
    data.update({k: (io.BytesIO(content), filename) for k, (content, filename) in files.items()})
    return app.test_client().post(
        path, data=data, headers=bearer(secret, key), content_type="multipart/form-data"
    )


def attachments(app) -> list[Attachment]:
    with app.app_context():
        return db.session.scalars(select(Attachment).order_by(Attachment.id)).all()


def test_progress_with_an_evidence_file_as_on_the_page(app, client):
    housing = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    cid = make_commitment(app)
    fields = {"note": "已清淤一半（附照片）", "percent": 50, "version": version_of(app, cid)}
    sent = multipart(
        app, url(cid, "progress"), housing, fields, {"evidence": (PNG, "现场.exe")}, "p"
    )
    assert sent.status_code == 200, sent.json
    (photo,) = attachments(app)
    # The content decides the type and the extension; stored under a random name.
    assert photo.content_type == "image/png" and photo.filename == "现场.png"
    stored = Path(app.config["HOTLINE_UPLOAD_DIR"]) / photo.stored_name
    assert stored.read_bytes() == PNG and "现场" not in photo.stored_name
    served = client.get(f"/followup/evidence/{photo.id}")
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert f"/followup/evidence/{photo.id}" in client.get(f"/commitments/{cid}").text
    # A retry with the same key stores nothing more.
    again = multipart(
        app, url(cid, "progress"), housing, fields, {"evidence": (PNG, "现场.png")}, "p"
    )
    assert again.status_code == 200 and again.json["repeated"]
    assert len(attachments(app)) == 1 and len(list(stored.parent.iterdir())) == 1

    # Completion takes a file the same way.
    done = multipart(
        app,
        url(cid, "completion"),
        housing,
        {"note": "已完成", "version": version_of(app, cid)},
        {"evidence": (b"%PDF-1.7\n" + b"0" * 64, "验收.pdf")},
        "c",
    )
    assert done.status_code == 200 and done.json["data"]["state"] == "reported"
    assert [a.content_type for a in attachments(app)] == ["image/png", "application/pdf"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not a photo</html>", "只能上传JPEG、PNG或PDF文件"),
        (b"", "文件为空"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "文件超过5 MB"),
    ],
)
def test_a_bad_evidence_file_is_422_naming_the_field_and_nothing_is_kept(app, content, message):
    housing = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    cid = make_commitment(app)
    fields = {"note": "进展", "version": version_of(app, cid)}
    refused = multipart(
        app, url(cid, "progress"), housing, fields, {"evidence": (content, "x.png")}, "p"
    )
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["evidence"]
    assert message in refused.json["errors"]["evidence"][0]
    assert attachments(app) == [] and events(app, cid, EventKind.PROGRESS) == 0
    folder = Path(app.config["HOTLINE_UPLOAD_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_evidence_sent_other_than_as_a_file_part_is_422(app):
    housing = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    cid = make_commitment(app)
    body = {"note": "进展", "version": version_of(app, cid), "evidence": "aGVsbG8="}
    as_json = api_post(app, url(cid, "progress"), housing, body)
    assert as_json.status_code == 422 and list(as_json.json["errors"]) == ["evidence"]
    as_text = multipart(app, url(cid, "progress"), housing, body, {})
    assert as_text.status_code == 422 and list(as_text.json["errors"]) == ["evidence"]
    # Other fields of a multipart body are checked as in JSON.
    bad = multipart(app, url(cid, "progress"), housing, {"note": "", "version": 1}, {})
    assert bad.status_code == 422 and "note" in bad.json["errors"]
    assert events(app, cid, EventKind.PROGRESS) == 0


def test_withholding_over_the_api_stops_the_file_being_served(app, client):
    housing = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    office = make_token(app, "office-12345", "supervisor")
    cid = make_commitment(app)
    fields = {"note": "照片里有住户门牌", "version": version_of(app, cid)}
    multipart(app, url(cid, "progress"), housing, fields, {"evidence": (PNG, "门牌.png")}, "p")
    (photo,) = attachments(app)
    path = f"/api/v1/events/{photo.event_id}/withhold"
    assert api_post(app, path, housing, {"reason": "含住户信息"}).status_code == 403
    assert api_post(app, path, office, {"reason": ""}).status_code == 422
    assert (
        api_post(app, "/api/v1/events/999999/withhold", office, {"reason": "x"}).status_code == 404
    )
    withheld = api_post(app, path, office, {"reason": "含住户信息"}, key="w")
    assert withheld.status_code == 200 and withheld.json["data"]["id"] == cid
    assert client.get(f"/followup/evidence/{photo.id}").status_code == 404
    again = api_post(app, path, office, {"reason": "含住户信息"}, key="w")
    assert again.status_code == 200 and again.json["repeated"]
    twice = api_post(app, path, office, {"reason": "含住户信息"}, key="w2")
    assert twice.status_code == 422 and "state" in twice.json["errors"]
    assert events(app, cid, EventKind.WITHHELD) == 1
    public = client.get(f"/commitments/{cid}").text
    assert "照片里有住户门牌" not in public and "含住户信息" in public
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "withheld"))


# --- the live pushes: the same as the page's -------------------------------------------------


@pytest.fixture
def pushed(monkeypatch):
    """(namespace, room, target) of every `swap` emitted, the ids made generic."""
    from hotline.realtime import live

    sent = []
    original = live.socketio.emit

    def emit(event, data, to=None, namespace=None, **kwargs):
        if event == "swap":
            sent.append((namespace, to, data["target"]))
        return original(event, data, to=to, namespace=namespace, **kwargs)

    monkeypatch.setattr(live.socketio, "emit", emit)
    # What is published, not who hears it: every room as if someone were in it.
    monkeypatch.setattr(live, "_listened", lambda namespace, room: True)
    return sent


def generic(sent, cid: int) -> set:
    """The same pushes, for another item: its own room, its own call's row."""
    return {
        (ns, re.sub(rf"commitment:{cid}\|", "commitment:<id>|", room), re.sub(r"\d+", "<n>", t))
        for ns, room, t in sent
    }


WEB = {"worker": "housing", "office": "office", "department": "housing"}


@pytest.mark.parametrize("name", list(CASES))
def test_an_api_action_pushes_what_the_page_pushes(app, login, pushed, name):
    kind = CASES[name][0]
    web_item, extra = prepared(app, name)
    browser = login(WEB[kind])
    data = form_state(browser, web_item, name)
    data.update({f"{name}-{k}": str(v) for k, v in good_body(app, name, extra).items()})
    pushed.clear()
    response = browser.post_form(
        f"/followup/commitments/{web_item}/{followup_actions.ACTIONS[name].path}", data
    )
    assert response.status_code == 302
    by_page = generic(pushed, web_item)

    api_item, extra = prepared(app, name)
    pushed.clear()
    body = {**good_body(app, name, extra), "version": version_of(app, api_item)}
    assert api_post(app, url(api_item, name), token_for(app, kind), body).status_code == 200
    assert generic(pushed, api_item) == by_page
    assert ("/live", "commitment:<id>|zh_CN", "#timeline") in by_page
    if name == "dispute_decision":  # off the old department's dashboard, onto the new one's
        rooms = {room for _ns, room, _t in pushed}
        assert {f"department:{HOUSING}|zh_CN", f"department:{TRANSPORT}|zh_CN"} <= rooms


def test_progress_over_the_api_reaches_the_public_page_and_the_department(
    app, socket_client, login
):
    cid = make_commitment(app)
    public = socket_client("/live")
    staff = socket_client("/desk", login("housing"))
    public.emit("join", {"rooms": [f"commitment:{cid}"]}, namespace="/live", callback=True)
    staff.emit("join", {"rooms": [f"department:{HOUSING}"]}, namespace="/desk", callback=True)
    public.get_received("/live")
    staff.get_received("/desk")
    housing = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    body = {"note": "接口推送的进展", "version": version_of(app, cid)}
    assert api_post(app, url(cid, "progress"), housing, body).status_code == 200
    to_public = [e["args"][0] for e in public.get_received("/live") if e["name"] == "swap"]
    assert any(s["target"] == "#timeline" and "接口推送的进展" in s["html"] for s in to_public)
    to_staff = [e["args"][0] for e in staff.get_received("/desk") if e["name"] == "swap"]
    assert [s["target"] for s in to_staff] == ["#followup-items"]


def test_a_press_whose_mail_fails_is_saved_and_says_so(app, monkeypatch):
    from hotline.actions import reminders

    monkeypatch.setattr(reminders, "notify_pressed", lambda *args: False)
    office = make_token(app, "office", "supervisor")
    cid = make_commitment(app)
    body = {"note": "请加快", "version": version_of(app, cid)}
    response = api_post(app, url(cid, "press"), office, body)
    assert response.status_code == 200 and events(app, cid, EventKind.PRESSED) == 1
    assert response.json["warnings"] == ["督办已保存，但发给部门的邮件未能发出。"]
