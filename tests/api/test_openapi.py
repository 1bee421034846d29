"""The OpenAPI 3.1 document tells the truth: every route of the open data is in
it, and every real response (data, errors, empty pages, CSV) matches the schema
documented for its status. Then schemathesis tries the endpoints on its own."""

from __future__ import annotations

import csv
import io
import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from hotline.api.openapi import document

CASES = [
    "/api/v1/commitments",
    "/api/v1/commitments?per_page=3&page=2&sort=overdue",
    "/api/v1/commitments?status=met&sort=newest",
    "/api/v1/commitments?status=open&department=1&year=2026",
    "/api/v1/commitments?per_page=5&page=99",
    "/api/v1/commitments?q=%E5%B0%8F%E5%8C%BA",
    "/api/v1/commitments?q=nothing-matches-this",
    "/api/v1/commitments?year=1999",
    "/api/v1/commitments?department=0",
    "/api/v1/commitments?department=999",
    "/api/v1/commitments?show=999&deputy=1",
    "/api/v1/commitments?per_page=101",
    "/api/v1/commitments?page=0",
    "/api/v1/commitments?status=bogus",
    "/api/v1/commitments.csv",
    "/api/v1/commitments.csv?status=overdue",
    "/api/v1/commitments.csv?sort=random",
    "/api/v1/shows",
    "/api/v1/shows?kind=onsite&status=ended&year=2026",
    "/api/v1/shows?kind=tv",
    "/api/v1/shows?status=gone",
    "/api/v1/shows?year=1999",
    "/api/v1/shows.csv",
    "/api/v1/shows.csv?kind=x",
    "/api/v1/departments",
    "/api/v1/departments.csv",
    "/api/v1/openapi.json",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
    "/open311/v2/requests.json?status=open&service_code=1",
    "/open311/v2/requests.json?service_request_id=1,2,3",
    "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2030-01-01T00:00:00%2B08:00",
    "/open311/v2/requests.json?status=pending",
    "/open311/v2/requests.json?service_code=99",
    "/open311/v2/requests.json?start_date=yesterday",
    "/open311/v2/requests.json?service_request_id=1,,2",
    "/open311/v2/requests/1.json",
    "/open311/v2/requests/999.json",
    "/api/v1/versions/ZZZZZZZ",
    "/api/v1/versions/not-a-code",
]


@pytest.fixture(scope="module")
def spec():
    from hotline import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context("/"):
        return document()


def operation_for(spec: dict, path: str) -> dict:
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{\w+\\}", r"[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return item["get"]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def validator(spec: dict, schema: dict) -> Draft202012Validator:
    # The document is the root, so "#/components/schemas/..." references resolve.
    return Draft202012Validator({**spec, **schema}, format_checker=FormatChecker())


def check(spec: dict, url: str, response) -> None:
    operation = operation_for(spec, url.split("?")[0])
    status = str(response.status_code)
    assert status in operation["responses"], f"{url}: status {status} is not documented"
    documented = operation["responses"][status]
    for name, header in documented.get("headers", {}).items():
        if header.get("required"):
            assert name in response.headers, f"{url}: no {name} header"
    content = documented.get("content", {})
    if not content:
        assert response.data == b"", url
        return
    assert response.mimetype in content, f"{url}: {response.mimetype} not documented"
    schema = content[response.mimetype]["schema"]
    if response.mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows[0] == schema["x-columns"], url
        assert all(len(row) == len(rows[0]) for row in rows), url
        return
    errors = [e.message for e in validator(spec, schema).iter_errors(response.get_json())]
    assert errors == [], f"{url}: {errors[:3]}"


def test_the_document_is_valid_openapi_3_1(spec):
    from jsonschema.validators import validator_for

    assert spec["openapi"].startswith("3.1")
    for name, schema in spec["components"]["schemas"].items():
        validator_for(schema).check_schema(schema), name  # noqa: B018


def test_every_open_data_route_is_documented(app, spec):
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", path) for path in spec["paths"]}
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("api", "open311", "api_write")
        and rule.endpoint != "api.docs"
    }
    assert routes == documented


def test_every_real_response_matches_the_document(app, client, spec):
    statuses = set()
    for url in CASES:
        response = client.get(url)
        assert response.status_code < 500, url
        statuses.add(response.status_code)
        check(spec, url, response)
        if response.status_code == 200:
            again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
            assert again.status_code == 304, url
            check(spec, url, again)
    assert statuses == {200, 400, 404}


def test_refusals_name_the_parameter(client):
    for url in CASES:
        response = client.get(url)
        if response.status_code == 400:
            body = response.get_json()
            error = body[0] if isinstance(body, list) else body
            named = error["parameter"]
            assert named in url and error.get("description", error.get("error")), url


def test_the_human_page_lists_every_address_and_field(client, spec):
    from hotline.api.fields import COMMITMENT_FIELDS, DEPARTMENT_FIELDS, SHOW_FIELDS

    for lang in ("zh_CN", "en"):
        page = client.get(f"/api/v1/?lang={lang}")
        assert page.status_code == 200 and page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        for path in spec["paths"]:
            assert path in html, path
        for field in (*COMMITMENT_FIELDS, *SHOW_FIELDS, *DEPARTMENT_FIELDS):
            assert f"<code>{field}</code>" in html, field
        assert 'href="/api/v1/openapi.json"' in html
    assert "开放数据" in client.get("/api/v1/?lang=zh_CN").get_data(as_text=True)


# --- schemathesis: generated requests against the app, a fixed and small run -----------

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402


def _loaded_document() -> dict:
    from hotline import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context("/"):
        return document()


GENERATED = schemathesis.openapi.from_dict(_loaded_document())
EXAMPLES = 12  # per operation and mode; derandomized, so every run sends the same requests
# Ids the schema cannot know exist: a well-formed one for a missing row is refused.
ROW_PARAMETERS = {"department", "show", "deputy", "category", "area", "service_code"}


def valid_data_refused_only_for_missing_rows(ctx, response, case):
    """Schemathesis' own positive-data check, less one rule: an id that is well
    formed but names no row is a 400 (the filter rule), not a 200 of everything."""
    if case.meta.generation.mode.is_positive and response.status_code == 400:
        body = response.json()
        error = body[0] if isinstance(body, list) else body
        assert error.get("parameter") in ROW_PARAMETERS, error
        assert "there is no" in error.get("description", error.get("error", "")), error


# Negative mode needs something to get wrong: operations without parameters get none.
RUNS = [
    (path, mode)
    for path, item in GENERATED.raw_schema["paths"].items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if "get" in item  # the integration API's POSTs need a token: tested in test_api_writes
    and (mode is GenerationMode.POSITIVE or item["get"]["parameters"])
]


@pytest.mark.parametrize(("path", "mode"), RUNS)
def test_generated_requests(app, path, mode):
    """No 500; every status, content type, header and body as documented; data
    outside the schema refused (negative mode)."""
    operation = GENERATED[path]["GET"]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(
            app=app,
            # The harness reads bodies as sent: ask for them uncompressed.
            headers={"Accept-Encoding": "identity"},
            excluded_checks=[positive_data_acceptance],
            additional_checks=[valid_data_refused_only_for_missing_rows],
        )

    run()


# --- the integration API's writes ---------------------------------------------------------


def test_every_follow_up_write_documents_its_form_fields_and_the_file(app, spec):
    """The document is made from the same action table as the routes; its fields
    are the forms' own, and the evidence file is a multipart file part only."""
    from hotline.actions.followup import ACTIONS, WITH_EVIDENCE
    from hotline.forms.followup import FORMS

    with app.test_request_context("/"):
        for name, action in ACTIONS.items():
            operation = spec["paths"][f"/api/v1/commitments/{{commitment_id}}/{action.path}"]
            content = operation["post"]["requestBody"]["content"]
            form = FORMS[name](formdata=None, meta={"csrf": False})
            fields = {field.short_name for field in form} - {"idem"}
            as_json = set(content["application/json"]["schema"]["properties"])
            if name in WITH_EVIDENCE:
                multipart = content["multipart/form-data"]
                assert set(multipart["schema"]["properties"]) == fields, name
                evidence = multipart["schema"]["properties"]["evidence"]
                assert evidence["contentMediaType"] == "application/octet-stream"
                assert "image/png" in multipart["encoding"]["evidence"]["contentType"]
                assert as_json == fields - {"evidence"}, name
            else:
                assert "multipart/form-data" not in content, name
                assert as_json == fields, name
            roles = operation["post"]["description"]
            assert all(role in roles for role in action.roles), name


def test_follow_up_write_responses_match_the_document(app, spec):
    from api_support import HOUSING, api_post, make_token
    from followup_support import make_commitment

    from hotline.extensions import db
    from hotline.models import Commitment

    housing = make_token(app, "housing", "liaison", department_id=HOUSING)
    cid = make_commitment(app)
    with app.app_context():
        version = db.session.get(Commitment, cid).version
    path = "/api/v1/commitments/{commitment_id}/progress"
    url = f"/api/v1/commitments/{cid}/progress"
    answers = [
        api_post(app, url, housing, {"note": "进展", "version": version}, key="1"),
        api_post(app, url, housing, {"note": "进展", "version": version}, key="1"),
        api_post(app, url, housing, {"note": "进展", "version": version}, key="2"),
        api_post(app, url, housing, {"note": "进展", "percent": 101, "version": version + 1}),
        app.test_client().post(url, json={}),
    ]
    assert [r.status_code for r in answers] == [200, 200, 409, 422, 401]
    for response in answers:
        documented = spec["paths"][path]["post"]["responses"][str(response.status_code)]
        schema = documented["content"]["application/json"]["schema"]
        errors = [e.message for e in validator(spec, schema).iter_errors(response.get_json())]
        assert errors == [], (response.status_code, errors)
