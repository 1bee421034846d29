"""A pledge's terms over the API: made with a commitment, completed through
the follow-up's own action, published in the open data (JSON and CSV) and the
webhooks' payload, described in the OpenAPI document. Public pledge terms,
never anything of the caller's."""

import csv
import io
import json

from api_support import HOUSING, api_post, make_token
from sqlalchemy import select

from hotline.extensions import db
from hotline.integration import webhooks

TERMS = {
    "deliverable": "加装路灯",
    "place": "凤凰街道3号楼东侧",
    "measure": "2盏",
    "criterion": "由街道办夜间现场验收",
}


def listed(client, cid: int) -> dict:
    (record,) = [
        r for r in client.get("/api/v1/commitments?per_page=100").json["data"] if r["id"] == cid
    ]
    return record


def test_a_commitment_made_through_the_api_carries_its_terms_to_the_open_data(app, client, call_id):
    with app.app_context():
        webhooks.register("https://12345.example.gov.cn/hook", [webhooks.COMMITMENT_MADE])
        db.session.commit()
    desk = make_token(app, "desk", "moderator")
    body = {
        "pledge": "12月20日前在凤凰街道3号楼东侧加装2盏路灯",
        "official_name": "周建华",
        "department": HOUSING,
        "deadline_preset": "30",
        **TERMS,
    }
    made = api_post(app, f"/api/v1/calls/{call_id}/commitments", desk, body, key="c1")
    assert made.status_code == 201, made.json
    assert {name: made.json["data"][name] for name in TERMS} == TERMS
    cid = made.json["data"]["id"]

    record = listed(client, cid)
    assert {name: record[name] for name in TERMS} == TERMS
    exported = client.get("/api/v1/commitments.csv").get_data(as_text=True).lstrip("\ufeff")
    (row,) = [r for r in csv.DictReader(io.StringIO(exported)) if r["id"] == str(cid)]
    assert {name: row[name] for name in TERMS} == TERMS
    with app.app_context():
        delivery = db.session.scalar(select(webhooks.WebhookDelivery))
        data = json.loads(delivery.body)["data"]
        assert {name: data[name] for name in TERMS} == TERMS


def test_without_terms_the_open_data_says_none_yet_and_the_department_adds_them(
    app, client, call_id
):
    liaison = make_token(app, "housing-12345", "liaison", department_id=HOUSING)
    body = {"pledge": "尽快研究解决", "official_name": "周建华", "department": HOUSING}
    made = api_post(app, f"/api/v1/calls/{call_id}/commitments", liaison, body, key="c2")
    assert made.status_code == 201, made.json
    cid, version = made.json["data"]["id"], made.json["data"]["version"]
    assert {name: listed(client, cid)[name] for name in TERMS} == dict.fromkeys(TERMS, "")
    assert "验收标准待补充" in client.get(f"/commitments/{cid}").get_data(as_text=True)

    url = f"/api/v1/commitments/{cid}/terms"
    first = api_post(app, url, liaison, {"criterion": TERMS["criterion"], "version": version})
    assert first.status_code == 200 and first.json["data"]["criterion"] == TERMS["criterion"]
    # A term left out is kept; one sent empty once given is refused, by name.
    version = first.json["data"]["version"]
    second = api_post(app, url, liaison, {"measure": "2盏", "version": version})
    assert second.status_code == 200
    assert second.json["data"]["criterion"] == TERMS["criterion"]
    emptied = api_post(app, url, liaison, {"criterion": "", "version": version + 1})
    assert emptied.status_code == 422 and list(emptied.json["errors"]) == ["criterion"]
    record = listed(client, cid)
    assert record["criterion"] == TERMS["criterion"] and record["measure"] == "2盏"
    assert "验收标准待补充" not in client.get(f"/commitments/{cid}").get_data(as_text=True)


def test_the_openapi_document_describes_the_terms(client):
    spec = client.get("/api/v1/openapi.json").json
    commit = spec["paths"]["/api/v1/calls/{call_id}/commitments"]["post"]
    body = commit["requestBody"]["content"]["application/json"]["schema"]
    assert set(TERMS) <= set(body["properties"])
    assert not set(TERMS) & set(body["required"])  # each optional: the moment is not lost
    terms = spec["paths"]["/api/v1/commitments/{commitment_id}/terms"]["post"]
    assert set(TERMS) <= set(
        terms["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )
    assert "/api/v1/commitments/{commitment_id}/request-criterion" in spec["paths"]
    record = spec["components"]["schemas"]["Commitment"]["properties"]
    assert set(TERMS) <= set(record)
