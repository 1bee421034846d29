"""A call's public fields are listed once (models.public_fields) and every
public representation of a call carries exactly them plus its own documented
extras: the API's answer, the webhook payload, the OpenAPI document and the
open data. A field added to one and not the others fails here, and so does
any private one (the caller's name, phone, contact or callback wish)."""

import csv
import io
import json

from api_support import HOUSING, api_post, make_token
from sqlalchemy import select

from hotline.api.fields import COMMITMENT_FIELDS
from hotline.api.openapi_writes import SCHEMAS
from hotline.extensions import db
from hotline.integration import webhooks
from hotline.models import Call, public_fields

PUBLIC = {
    "id",
    "show_id",
    "number",
    "topic",
    "area",
    "category",
    "department_id",
    "deputy_id",
    "outcome",
}
# The API answers the staff who wrote the call: the answer as typed (public
# pages show it only while answered or referred), its commitments, its version,
# and the two verdicts on the answer (the studio's placards, the viewers' votes).
API_EXTRAS = {
    "answer_text",
    "answered_by",
    "commitment_ids",
    "version",
    "placard_vote",
    "viewer_votes",
    # The office's category and area the typed texts name (null until mapped).
    "category_id",
    "area_id",
}
# Never in a public representation under any name.
PRIVATE_KEYS = {"caller", "caller_name", "caller_phone", "name", "phone", "contact", "callback"}
# The open data is a list of commitments: a call's public fields under its own
# names (open data column: public field), with the show's and the deputy's names.
OPEN_DATA_CALL = {
    "show_id": "show_id",
    "call_id": "id",
    "call_number": "number",
    "topic": "topic",
    "area": "area",
    "category": "category",
    "deputy_id": "deputy_id",
}
OPEN_DATA_CALL_NAMES = {"show_title", "show_starts_at", "deputy"}
COMMITMENT_OWN = {
    "id",
    "kind",
    "source",
    "url",
    "pledge",
    "department_id",
    "department",
    "official_name",
    "official_title",
    # How the pledge will be checked: public pledge terms, not private.
    "deliverable",
    "place",
    "measure",
    "criterion",
    "created_at",
    "deadline",
    "original_deadline",
    "extended",
    "state",
    "status",
    "status_days",
    "completed_on",
    "withdrawn_reason",
}

NAME, PHONE = "上官婉儿", "13912345678"
CALL = {
    "topic": "菜市场排水沟堵塞",
    "area": "凤凰街道",
    "category": "市政",
    "department": HOUSING,
    "caller_name": NAME,
    "caller_phone": PHONE,
    "callback": True,
}


def assert_private_absent(text: str) -> None:
    assert NAME not in text and PHONE not in text


def public_of(app, call_id: int) -> dict:
    with app.app_context():
        return public_fields(db.session.get(Call, call_id))


def logged(app, live_show) -> tuple[str, dict]:
    desk = make_token(app, "phones", "moderator")
    response = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="pbx-1")
    assert response.status_code == 201
    assert_private_absent(response.get_data(as_text=True))
    return desk, response.json["data"]


def test_the_public_fields_are_these_and_none_is_private(app):
    with app.app_context():
        call = db.session.scalar(select(Call).limit(1))
        assert set(public_fields(call)) == PUBLIC
    assert not PUBLIC & PRIVATE_KEYS


def test_every_api_answer_is_the_public_fields_and_its_extras(app, live_show):
    desk, first = logged(app, live_show)
    assert set(first) == PUBLIC | API_EXTRAS | {"reference_code"}  # told once, when logged
    public = public_of(app, first["id"])
    assert {k: first[k] for k in PUBLIC} == public

    again = api_post(app, f"/api/v1/shows/{live_show}/calls", desk, CALL, key="pbx-1")
    assert again.json["repeated"] and set(again.json["data"]) == PUBLIC | API_EXTRAS

    url = f"/api/v1/calls/{first['id']}/answer"
    body = {"answer_text": "本周内疏通", "answered_by": "周建华 局长", "version": first["version"]}
    answered = api_post(app, url, desk, body, key="a1")
    assert answered.status_code == 200 and set(answered.json["data"]) == PUBLIC | API_EXTRAS
    stale = api_post(app, url, desk, body, key="a2")
    assert stale.status_code == 409 and set(stale.json["current"]) == PUBLIC | API_EXTRAS
    for response in (again, answered, stale):
        assert_private_absent(response.get_data(as_text=True))


def test_the_openapi_document_names_the_same_fields(app):
    documented = set(SCHEMAS["Call"]["properties"])
    assert documented == PUBLIC | API_EXTRAS | {"reference_code"}


def test_a_webhook_payload_is_the_public_fields(app, live_show):
    with app.app_context():
        webhooks.register("https://12345.example.gov.cn/hook", [webhooks.CALL_LOGGED])
        webhooks.register(
            "https://housing.example.gov.cn/hook",
            [webhooks.CALL_LOGGED],
            department_id=HOUSING,
            own_system=True,
        )
        db.session.commit()
    _desk, first = logged(app, live_show)
    with app.app_context():
        sent = {
            d.webhook.own_system: d.body
            for d in db.session.scalars(select(webhooks.WebhookDelivery))
        }
    anyone = json.loads(sent[False])["data"]
    assert set(anyone) == PUBLIC and anyone == public_of(app, first["id"])
    assert_private_absent(sent[False])
    # The documented exception: the department's own system hears who asked
    # for a callback, under "caller" and nowhere else.
    own = json.loads(sent[True])["data"]
    assert set(own) == PUBLIC | {"caller"} and own["caller"] == {"name": NAME, "phone": PHONE}


def test_the_open_data_carries_the_calls_public_fields_under_its_names(app, live_show):
    desk, first = logged(app, live_show)
    commit = {
        "pledge": "30天内完成清淤",
        "official_name": "周建华",
        "department": HOUSING,
        "deadline_preset": "30",
    }
    made = api_post(app, f"/api/v1/calls/{first['id']}/commitments", desk, commit, key="c1")
    assert made.status_code == 201
    item_id = made.json["data"]["id"]
    public = public_of(app, first["id"])
    assert set(OPEN_DATA_CALL.values()) <= PUBLIC
    assert set(COMMITMENT_FIELDS) == COMMITMENT_OWN | set(OPEN_DATA_CALL) | OPEN_DATA_CALL_NAMES
    assert not set(COMMITMENT_FIELDS) & PRIVATE_KEYS

    client = app.test_client()
    listed = client.get(f"/api/v1/commitments?show={live_show}&per_page=100")
    (record,) = [r for r in listed.json["data"] if r["id"] == item_id]
    assert set(record) == set(COMMITMENT_FIELDS)
    assert {column: record[column] for column in OPEN_DATA_CALL} == {
        column: public[field] for column, field in OPEN_DATA_CALL.items()
    }
    exported = client.get(f"/api/v1/commitments.csv?show={live_show}")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    (row,) = [r for r in rows if r["id"] == str(item_id)]
    assert row["call_id"] == str(public["id"]) and row["topic"] == public["topic"]
    for response in (listed, exported):
        assert_private_absent(response.get_data(as_text=True))


def test_open311_shows_no_private_field(app, live_show):
    desk, first = logged(app, live_show)
    commit = {
        "pledge": "清淤",
        "official_name": "周建华",
        "department": HOUSING,
        "deadline_preset": "30",
    }
    made = api_post(app, f"/api/v1/calls/{first['id']}/commitments", desk, commit, key="c1")
    item_id = made.json["data"]["id"]
    response = app.test_client().get(f"/open311/v2/requests/{item_id}.json")
    (record,) = response.json
    assert not set(record) & PRIVATE_KEYS
    assert record["address"] == public_of(app, first["id"])["area"]  # a public field
    assert_private_absent(response.get_data(as_text=True))
