"""The integration API's write endpoints: the same rules as the web forms,
Idempotency-Key retries, 409 with the current record, 422 naming each field,
scope by role and department, and the same live pushes as a web write."""

import re
from datetime import timedelta

from api_support import HOUSING, TRANSPORT, api_post, bearer, make_token
from desk_support import calls_of, demo_commitment, today_in
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import (
    AuditLog,
    Call,
    CallerContact,
    CallEvent,
    Commitment,
    Event,
    EventKind,
    OnAir,
)
from hotline.rules.status import State


def swaps(client, namespace):
    return [e["args"][0] for e in client.get_received(namespace) if e["name"] == "swap"]


def join(client, namespace, *rooms):
    return client.emit("join", {"rooms": list(rooms)}, namespace=namespace, callback=True)


CALL = {
    "topic": "菜市场排水沟堵塞",
    "area": "凤凰街道",
    "department": HOUSING,
    "caller_name": "上官婉儿",
    "caller_phone": "13912345678",
    "callback": True,
}


def test_log_a_call_once_with_an_idempotency_key(app, live_show):
    desk = make_token(app, "phones", "moderator")
    url = f"/api/v1/shows/{live_show}/calls"
    first = api_post(app, url, desk, CALL, key="pbx-1001")
    assert first.status_code == 201
    data = first.json["data"]
    assert data["number"] == 1 and data["topic"] == CALL["topic"]
    assert data["reference_code"]
    text = first.get_data(as_text=True)
    assert "上官婉儿" not in text and "13912345678" not in text  # private: never returned
    again = api_post(app, url, desk, CALL, key="pbx-1001")
    assert again.status_code == 200 and again.json["repeated"]
    assert again.json["data"]["id"] == data["id"] and "reference_code" not in again.json["data"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Call)) >= 1
        assert len(calls_of(app, live_show)) == 1
        call = db.session.get(Call, data["id"])
        contact = db.session.scalar(select(CallerContact).where(CallerContact.call_id == call.id))
        assert contact.name == "上官婉儿" and contact.callback
        # Attributed to the token, in the record and the audit trail.
        from hotline.models import User

        assert db.session.get(User, call.created_by_id).username == "api:phones"
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "api_call_logged"))
        assert audit.actor_name == "api:phones" and audit.detail["token"] == "phones"
        assert "上官婉儿" not in str(audit.detail)


def test_validation_errors_are_422_naming_each_field(app, live_show):
    desk = make_token(app, "phones", "moderator")
    response = api_post(
        app,
        f"/api/v1/shows/{live_show}/calls",
        desk,
        {"topic": "", "department": 999999, "caller_phone": "call me"},
    )
    assert response.status_code == 422
    assert {"topic", "department", "caller_phone"} <= set(response.json["errors"])


def test_a_show_that_is_not_live_takes_no_call(app):
    desk = make_token(app, "phones", "moderator")
    with app.app_context():
        from hotline.models import Show, ShowStatus

        ended = db.session.scalar(select(Show.id).where(Show.status == ShowStatus.ENDED))
    response = api_post(app, f"/api/v1/shows/{ended}/calls", desk, CALL)
    assert response.status_code == 409
    # The description's Conflict: the show as it stands, in `current`.
    assert response.json["current"] == {"id": ended, "status": "ended", "is_live": False}


def test_an_idempotency_key_over_200_characters_is_refused_by_name(app, live_show):
    desk = make_token(app, "phones", "moderator")
    url = f"/api/v1/shows/{live_show}/calls"
    refused = api_post(app, url, desk, CALL, key="k" * 300)
    assert refused.status_code == 422
    assert list(refused.json["errors"]) == ["Idempotency-Key"]
    assert calls_of(app, live_show) == []  # nothing was logged
    assert api_post(app, url, desk, CALL, key="k" * 200).status_code == 201


def test_answer_with_a_stale_version_is_409_with_the_current_record(app, call_id):
    desk = make_token(app, "desk", "moderator")
    url = f"/api/v1/calls/{call_id}/answer"
    with app.app_context():
        version = db.session.get(Call, call_id).version
    body = {"answer_text": "本周内疏通", "answered_by": "周建华 局长", "version": version}
    assert api_post(app, url, desk, body, key="a1").status_code == 200
    stale = api_post(app, url, desk, {**body, "answer_text": "改口"}, key="a2")
    assert stale.status_code == 409
    assert stale.json["current"]["answer_text"] == "本周内疏通"
    assert stale.json["current"]["version"] == version + 1
    repeated = api_post(app, url, desk, body, key="a1")
    assert repeated.status_code == 200 and repeated.json["repeated"]
    with app.app_context():
        answered = db.session.scalars(
            select(CallEvent).where(CallEvent.call_id == call_id, CallEvent.kind == "answered")
        ).all()
        assert len(answered) == 1


def test_a_liaison_token_cannot_touch_another_department(app, call_id, moderator, live_show):
    transport = make_token(app, "transport", "liaison", department_id=TRANSPORT)
    housing = make_token(app, "housing", "liaison", department_id=HOUSING)
    body = {"answer_text": "x", "answered_by": "y", "version": 1}
    # The housing call does not exist for transport: 404, as on the web.
    assert api_post(app, f"/api/v1/calls/{call_id}/answer", transport, body).status_code == 404
    commit = {
        "pledge": "30天内完成清淤",
        "official_name": "周建华",
        "department": TRANSPORT,
        "deadline_preset": "30",
    }
    own = api_post(app, f"/api/v1/calls/{call_id}/commitments", housing, commit)
    assert own.status_code == 403  # housing may not commit for transport
    made = api_post(
        app, f"/api/v1/calls/{call_id}/commitments", housing, {**commit, "department": HOUSING}
    )
    assert made.status_code == 201
    item_id = made.json["data"]["id"]
    progress = {"note": "已清淤一半", "percent": 50, "version": made.json["data"]["version"]}
    url = f"/api/v1/commitments/{item_id}/progress"
    assert api_post(app, url, transport, progress).status_code == 404
    assert api_post(app, url, housing, progress, key="p1").status_code == 200
    # Liaisons do not put things on air, nor verify.
    on_air = f"/api/v1/shows/{live_show}/on-air"
    assert api_post(app, on_air, housing, {"kind": "call", "item": call_id}).status_code == 403
    verify = f"/api/v1/commitments/{item_id}/verify"
    assert api_post(app, verify, housing, {"version": 1}).status_code == 403


def test_commit_idempotent_and_deadline_checked(app, call_id):
    desk = make_token(app, "desk", "moderator")
    url = f"/api/v1/calls/{call_id}/commitments"
    body = {
        "pledge": "清淤",
        "official_name": "周建华",
        "department": HOUSING,
        "deadline": "2001-01-01",
    }
    past = api_post(app, url, desk, body, key="c1")
    assert past.status_code == 422 and "deadline" in past.json["errors"]
    body["deadline_preset"] = "30"
    del body["deadline"]
    assert api_post(app, url, desk, body, key="c2").status_code == 201
    assert api_post(app, url, desk, body, key="c2").status_code == 200
    with app.app_context():
        assert (
            len(db.session.scalars(select(Commitment).where(Commitment.call_id == call_id)).all())
            == 1
        )


def test_a_key_spent_on_another_action_is_refused_not_repeated(app, call_id, live_show):
    """An Idempotency-Key is one change: the same key on another action for the
    same call (or on another kind of write altogether) is a 422 naming the
    header, and nothing is saved, never a 200 "repeated"."""
    desk = make_token(app, "desk", "moderator")

    def version() -> int:
        with app.app_context():
            return db.session.get(Call, call_id).version

    answer = {"answer_text": "本周内疏通", "answered_by": "周建华 局长", "version": version()}
    assert (
        api_post(app, f"/api/v1/calls/{call_id}/answer", desk, answer, key="k").status_code == 200
    )
    votes = {"satisfied": 30, "basic": 5, "dissatisfied": 1, "version": version()}
    placard = api_post(app, f"/api/v1/calls/{call_id}/placard", desk, votes, key="k")
    assert placard.status_code == 422, placard.json
    assert placard.json["status"] == 422 and list(placard.json["errors"]) == ["Idempotency-Key"]
    commit = {
        "pledge": "30天内完成清淤",
        "official_name": "周建华",
        "department": HOUSING,
        "deadline_preset": "30",
    }
    made = api_post(app, f"/api/v1/calls/{call_id}/commitments", desk, commit, key="k")
    assert made.status_code == 422 and list(made.json["errors"]) == ["Idempotency-Key"]
    logged = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="k")
    assert logged.status_code == 422 and list(logged.json["errors"]) == ["Idempotency-Key"]
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call.placard_satisfied is None and call.commitments == []
        assert call.outcome == "answered"
    assert len(calls_of(app, live_show)) == 1
    # A key spent on a call logged is not an answer's either.
    first = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="log-1")
    other = first.json["data"]
    answer = {**answer, "version": other["version"]}
    reused = api_post(app, f"/api/v1/calls/{other['id']}/answer", desk, answer, key="log-1")
    assert reused.status_code == 422 and list(reused.json["errors"]) == ["Idempotency-Key"]
    # The same action again with its key is still the repeat it always was.
    votes["version"] = version()
    url = f"/api/v1/calls/{call_id}/placard"
    assert api_post(app, url, desk, votes, key="v").status_code == 200
    again = api_post(app, url, desk, votes, key="v")
    assert again.status_code == 200 and again.json["repeated"]


def test_on_air_from_the_api_reaches_the_overlay_like_the_console(
    app, call_id, live_show, socket_client
):
    desk = make_token(app, "streamdeck", "moderator")
    public = socket_client("/live")
    join(public, "/live", f"overlay:{live_show}")
    public.get_received("/live")
    response = api_post(
        app, f"/api/v1/shows/{live_show}/on-air", desk, {"kind": "call", "item": call_id}
    )
    assert response.status_code == 200
    pushed = swaps(public, "/live")
    assert pushed and any("菜市场排水沟堵塞" in s["html"] for s in pushed)
    with app.app_context():
        row = db.session.get(OnAir, live_show)
        assert (row.kind, row.item_id) == ("call", call_id)
        assert row.set_by_id is not None
    bad = api_post(app, f"/api/v1/shows/{live_show}/on-air", desk, {"kind": "tv", "item": "x"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"kind", "item"}
    assert (
        api_post(
            app, f"/api/v1/shows/{live_show}/on-air", desk, {"kind": "call", "item": 999999}
        ).status_code
        == 404
    )
    assert api_post(app, f"/api/v1/shows/{live_show}/on-air/clear", desk).status_code == 200
    with app.app_context():
        assert db.session.get(OnAir, live_show).kind == ""


def test_a_call_logged_through_the_api_is_pushed_like_a_web_one(
    app, live_show, socket_client, login
):
    housing = socket_client("/desk", login("housing"))
    public = socket_client("/live")
    join(housing, "/desk", f"department:{HOUSING}")
    join(public, "/live", f"show:{live_show}")
    for c, ns in ((housing, "/desk"), (public, "/live")):
        c.get_received(ns)
    desk = make_token(app, "phones", "moderator")
    api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="k")
    to_housing = swaps(housing, "/desk")
    assert [s["target"] for s in to_housing] == ["#dept-calls"]
    to_public = swaps(public, "/live")
    assert to_public and all("13912345678" not in s["html"] for s in to_public)
    assert any(CALL["topic"] in s["html"] for s in to_public)


def test_the_whole_follow_up_through_the_api(app, call_id):
    housing = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    office = make_token(app, "office", "supervisor")
    made = api_post(
        app,
        f"/api/v1/calls/{call_id}/commitments",
        housing,
        {
            "pledge": "清淤",
            "official_name": "周建华",
            "department": HOUSING,
            "deadline_preset": "7",
        },
        key="m",
    ).json["data"]
    base = f"/api/v1/commitments/{made['id']}"
    later = (today_in(app).replace(day=1) + timedelta(days=70)).isoformat()
    asked = api_post(
        app,
        f"{base}/extension",
        housing,
        {"new_deadline": later, "reason": "汛期施工受限", "version": made["version"]},
        key="e",
    )
    assert asked.status_code == 200, asked.json
    # The office decides; the department may not decide its own request.
    decide = {"decision": "grant", "reason": "同意", "version": asked.json["data"]["version"]}
    assert api_post(app, f"{base}/decision", housing, decide).status_code == 403
    granted = api_post(app, f"{base}/decision", office, decide, key="d")
    assert granted.status_code == 200 and granted.json["data"]["deadline"] == later
    assert granted.json["data"]["original_deadline"] == made["deadline"]
    done = api_post(
        app,
        f"{base}/completion",
        housing,
        {"note": "已完成", "version": granted.json["data"]["version"]},
        key="c",
    )
    assert done.status_code == 200 and done.json["data"]["state"] == str(State.REPORTED)
    verified = api_post(
        app, f"{base}/verify", office, {"note": "核实", "version": done.json["data"]["version"]}
    )
    assert verified.status_code == 200 and verified.json["data"]["state"] == str(State.MET)
    with app.app_context():
        kinds = [
            e.kind
            for e in db.session.scalars(
                select(Event).where(Event.commitment_id == made["id"]).order_by(Event.id)
            )
        ]
        assert EventKind.VERIFIED in kinds and EventKind.EXTENSION_GRANTED in kinds


def test_the_office_presses_once_per_key(app):
    office = make_token(app, "office-12345", "supervisor")
    open_id, open_version, _ = demo_commitment(app, State.OPEN)
    url = f"/api/v1/commitments/{open_id}/press"
    body = {"note": "请加快", "version": open_version}
    pressed = api_post(app, url, office, body, key="d1")
    assert pressed.status_code == 200
    again = api_post(app, url, office, body, key="d1")
    assert again.status_code == 200 and again.json["repeated"]
    missing = api_post(app, url, office, {"version": pressed.json["data"]["version"]})
    assert missing.status_code == 422 and "note" in missing.json["errors"]
    stale = api_post(app, url, office, body, key="d2")
    assert stale.status_code == 409 and stale.json["current"]["id"] == open_id
    with app.app_context():
        pressed_events = db.session.scalars(
            select(Event).where(Event.commitment_id == open_id, Event.kind == EventKind.PRESSED)
        ).all()
        assert len([e for e in pressed_events if e.note == "请加快"]) == 1


def test_refer_and_placard(app, call_id):
    desk = make_token(app, "desk", "moderator")
    housing = make_token(app, "housing", "liaison", department_id=HOUSING)
    with app.app_context():
        version = db.session.get(Call, call_id).version
    elsewhere = {"department": TRANSPORT, "note": "现场核实", "version": version}
    assert api_post(app, f"/api/v1/calls/{call_id}/refer", housing, elsewhere).status_code == 403
    referred = api_post(app, f"/api/v1/calls/{call_id}/refer", desk, elsewhere, key="r")
    assert referred.status_code == 200 and referred.json["data"]["outcome"] == "referred"
    assert len(referred.json["data"]["commitment_ids"]) == 1
    votes = {"satisfied": 10, "basic": 2, "dissatisfied": -1, "version": version + 1}
    bad = api_post(app, f"/api/v1/calls/{call_id}/placard", desk, votes)
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["dissatisfied"]
    votes["dissatisfied"] = 1
    assert api_post(app, f"/api/v1/calls/{call_id}/placard", desk, votes).status_code == 200


def test_the_openapi_document_covers_the_writes_with_a_security_scheme(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    posts = {path: item["post"] for path, item in spec["paths"].items() if "post" in item}
    assert "/api/v1/shows/{show_id}/calls" in posts and "/api/v1/shows/{show_id}/on-air" in posts
    for operation in posts.values():
        assert operation["security"] == [{"bearerToken": []}]
        assert {"401", "403", "409", "422"} <= set(operation["responses"])
    assert "call.logged" in spec["webhooks"]


def test_the_document_says_which_texts_may_not_be_empty_and_the_api_refuses_them(app, call_id):
    spec = app.test_client().get("/api/v1/openapi.json").json
    posts = {path: item["post"] for path, item in spec["paths"].items() if "post" in item}

    def body(path):
        return posts[path]["requestBody"]["content"]["application/json"]["schema"]

    logged = body("/api/v1/shows/{show_id}/calls")
    assert logged["properties"]["topic"]["minLength"] == 1
    assert "minLength" not in logged["properties"]["area"]  # optional: may be empty
    # The consent to be told and where: the CallForm's own fields.
    assert logged["properties"]["notify"]["type"] == "boolean"
    assert logged["properties"]["caller_email"]["type"] == "string"
    answered = body("/api/v1/calls/{call_id}/answer")
    assert answered["properties"]["answer_text"]["minLength"] == 1
    for operation in posts.values():
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        for name in schema.get("required", []):
            field = schema["properties"][name]
            if field.get("type") == "string":
                assert field["minLength"] == 1 and field["pattern"] == r"\S", name
    desk = make_token(app, "desk", "moderator")
    with app.app_context():
        version = db.session.get(Call, call_id).version
    blank = {"answer_text": "  ", "answered_by": "周建华 局长", "version": version}
    refused = api_post(app, f"/api/v1/calls/{call_id}/answer", desk, blank)
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["answer_text"]


def test_error_messages_follow_the_requests_language(app, live_show):
    desk = make_token(app, "phones", "moderator")
    url = f"/api/v1/shows/{live_show}/calls"
    client = app.test_client()
    blank = {"topic": ""}

    def refused(**kwargs):
        response = client.post(kwargs.pop("at", url), json=blank, **kwargs)
        assert response.status_code == 422
        return response.json

    english = refused(headers={**bearer(desk), "Accept-Language": "en-US,en;q=0.9"})
    assert english["error"] == "The request has invalid fields."
    assert english["errors"]["topic"] == ["This field is required."]
    chinese = refused(headers={**bearer(desk), "Accept-Language": "zh-CN,zh;q=0.9"})
    assert chinese["error"] == "请求中有字段不符合要求。"
    assert re.search("[\u4e00-\u9fff]", chinese["errors"]["topic"][0])
    # ?lang= wins over the header; without either, Chinese first like the site.
    asked = refused(at=url + "?lang=en", headers={**bearer(desk), "Accept-Language": "zh-CN"})
    assert asked["errors"]["topic"] == ["This field is required."]
    plain = app.test_client().post(url, json=blank, headers=bearer(desk))
    assert plain.json["error"] == "请求中有字段不符合要求。"
    assert "Accept-Language" in plain.headers["Vary"]
    # Errors of no route at all, and of a missing token, too.
    missing = app.test_client().get("/api/v1/nothing", headers={"Accept-Language": "en"})
    assert missing.json["error"] == "There is nothing at this address."
    anonymous = app.test_client().post(url, json=blank, headers={"Accept-Language": "en"})
    assert anonymous.status_code == 401 and anonymous.json["error"].startswith("An API token")
    anonymous = app.test_client().post(url, json=blank, headers={"Accept-Language": "zh"})
    assert anonymous.json["error"].startswith("需要API令牌")


def test_a_body_the_description_rules_out_is_refused_naming_each_field(app, live_show):
    desk = make_token(app, "phones", "moderator")
    url = f"/api/v1/shows/{live_show}/calls"
    wrong = {"topic": 123, "callback": "yes", "department": 0, "notify": None}
    refused = app.test_client().post(
        url, json=wrong, headers={**bearer(desk), "Accept-Language": "en"}
    )
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"topic", "callback", "department", "notify"}
    assert refused.json["errors"]["topic"] == ["A value of type string."]
    not_an_object = app.test_client().post(url, json=["菜市场"], headers=bearer(desk))
    assert not_an_object.status_code == 422 and "body" in not_an_object.json["errors"]
    assert calls_of(app, live_show) == []  # nothing was logged
