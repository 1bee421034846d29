"""A verification code (核验码) as open data, /api/v1/versions/<code>: the
record as it was shown, in the open data's own fields (a board item's are the
Commitment record's, a call's are public_fields() with the names a page
shows), documented in the OpenAPI document, and never a private field."""

from __future__ import annotations

import re

import pytest
from desk_support import today_in
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from hotline.api.fields import COMMITMENT_FIELDS, commitment_record
from hotline.api.openapi import document
from hotline.clock import today
from hotline.extensions import db
from hotline.models import Call, ClaimVersion, Commitment, public_fields

CODE = re.compile(r'data-version-code="([0-9A-Z]{7})"')
PRIVATE_KEYS = {"caller", "caller_name", "caller_phone", "name", "phone", "contact", "callback"}
CALL_NAMES = {"show_title", "show_starts_at", "department", "deputy", "answer", "answered_by"}


@pytest.fixture
def spec(app):
    with app.test_request_context("/"):
        return document()


def check(spec, response) -> None:
    """The body is what the document says for this status."""
    operation = spec["paths"]["/api/v1/versions/{code}"]["get"]
    documented = operation["responses"][str(response.status_code)]
    for name, header in documented.get("headers", {}).items():
        if header.get("required"):
            assert name in response.headers, name
    schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**spec, **schema}, format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(response.get_json())] == []


def codes_on(client, url: str) -> list[str]:
    return CODE.findall(client.get(url).get_data(as_text=True))


def test_a_board_items_code_answers_its_open_data_fields_as_shown(app, client, spec):
    year = today_in(app).year
    code = codes_on(client, f"/lists/assignments?period={year}")[0]
    response = client.get(f"/api/v1/versions/{code}")
    assert response.status_code == 200
    check(spec, response)
    body = response.get_json()
    assert body["code"] == f"{code[:3]}-{code[3:]}" and body["url"].endswith(f"/v/{code}")
    assert body["kind"] == "commitment" and body["changed_since"] is False
    assert body["current_url"].endswith(f"/commitments/{body['item_id']}")
    record = body["record"]
    assert set(record) == set(COMMITMENT_FIELDS) - {"url"}
    with app.test_request_context("/"):
        item = db.session.get(Commitment, body["item_id"])
        now = commitment_record(item, today())
    for name, value in record.items():
        if name != "status_days" or now["status"] not in ("due", "overdue"):
            assert value == now[name], name
    # Any case, with or without the dash; an unknown code is a documented 404.
    assert client.get(f"/api/v1/versions/{code[:3].lower()}-{code[3:].lower()}").get_json() == body
    missing = client.get("/api/v1/versions/ZZZZZZZ")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404
    check(spec, missing)


def test_a_calls_code_answers_its_public_fields_and_nothing_private(app, client, spec):
    year = today_in(app).year
    for code in codes_on(client, f"/lists/suggestions?period={year}"):
        response = client.get(f"/api/v1/versions/{code}")
        check(spec, response)
        body = response.get_json()
        assert body["kind"] == "call"
        record = body["record"]
        with app.app_context():
            call = db.session.get(Call, body["item_id"])
            assert set(record) == set(public_fields(call)) | CALL_NAMES
            assert not set(record) & PRIVATE_KEYS
            if call.outcome not in ("answered", "referred"):
                assert record["answer"] == ""  # as public pages: only while answered or referred
        assert body["current_url"].endswith(f"/shows/{record['show_id']}#call-{record['id']}")


def test_every_code_issued_is_in_the_document(app, client, spec):
    """The schema is tight (no additional properties): every code the lists,
    the rundowns and the overlay issued answers as documented."""
    with app.app_context():
        shows = db.session.scalars(select(Call.show_id).distinct()).all()
    for show_id in shows:
        client.get(f"/shows/{show_id}/rundown")
    year = today_in(app).year
    for kind in ("suggestions", "assignments"):
        client.get(f"/lists/{kind}?period={year}")
    with app.app_context():
        codes = db.session.scalars(select(ClaimVersion.code)).all()
    assert len(codes) > 20
    for code in codes:
        check(spec, client.get(f"/api/v1/versions/{code}"))
