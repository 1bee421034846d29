"""Schemathesis against the description the site serves (/api/v1/openapi.json):
every operation, the open data's GETs and the integration API's POSTs, both
anonymous and with a token, valid and invalid requests. No server error, no
status, content type, header or body the description does not promise, no
invalid request accepted. A fixed, small number of examples (derandomized),
so `make test` runs the same requests every time in well under a minute.

(test_openapi.py runs the open data's GETs anonymously in more depth.)"""

from __future__ import annotations

import pytest
import schemathesis
from api_support import bearer, make_token
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import ignored_auth, positive_data_acceptance
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Call, Commitment, Event, Role, Show


def _served_description() -> dict:
    from hotline import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


SERVED = schemathesis.openapi.from_dict(_served_description())
EXAMPLES = 4  # per operation, mode and caller
WHO = ("anonymous", "token")
OPERATIONS = [
    (path, method.upper())
    for path, item in SERVED.raw_schema["paths"].items()
    for method in item
    if method in ("get", "post")
]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# The harness's own probes go over the network, not to the app: left out.
LEFT_OUT = [positive_data_acceptance, ignored_auth]


def _rows(app) -> dict[str, list[int]]:
    """Ids that exist, so the writes reach their checks instead of a 404."""
    with app.app_context():
        ids = {
            "show_id": select(Show.id),
            "call_id": select(Call.id),
            "commitment_id": select(Commitment.id),
            "event_id": select(Event.id),
        }
        return {name: list(db.session.scalars(query.limit(5))) for name, query in ids.items()}


def no_filter_refusal_for_valid_data(ctx, response, case):
    """A well-formed id naming no row is a 400 (the filter rule) on the open data."""
    if case.meta.generation.mode.is_positive and response.status_code == 400:
        body = response.json()
        error = body[0] if isinstance(body, list) else body
        assert "there is no" in error.get("description", error.get("error", "")), error


def _runs(who: str):
    for path, method in OPERATIONS:
        operation = SERVED.raw_schema["paths"][path][method.lower()]
        for mode in MODES:
            if mode is GenerationMode.NEGATIVE:
                if method == "POST" and who == "anonymous":
                    continue  # without a token every write is a 401, whatever its body
                if method == "GET" and not operation.get("parameters"):
                    continue  # nothing to get wrong
            yield path, method, mode


@pytest.mark.parametrize("who", WHO)
def test_the_served_description_holds(app, who):
    """Every operation, valid and invalid requests: each failure is collected
    (which operation, which mode, what schemathesis saw) and all are reported."""
    headers = {"Accept-Encoding": "identity"}
    if who == "token":
        headers |= bearer(make_token(app, "fuzz", Role.SUPERVISOR))
    rows = _rows(app)
    failures = []
    for path, method, mode in _runs(who):
        try:
            _run(app, SERVED[path][method], mode, headers, rows)
        except (Exception, BaseExceptionGroup) as failure:  # reported below, all of them
            failures.append(f"{method} {path} ({mode.value}): {failure}")
    assert failures == [], "\n\n".join(failures)


def _run(app, operation, mode, headers, rows):
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure as found
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 4))
    def run(case, pick):
        if mode is GenerationMode.POSITIVE:
            for name, value in (case.path_parameters or {}).items():
                if rows.get(name) and isinstance(value, int):
                    case.path_parameters[name] = rows[name][pick % len(rows[name])]
        case.call_and_validate(
            app=app,
            headers=headers,
            # Valid data may still be refused: a show not live (409), a stale
            # version (409), a department that is not one's own (403).
            excluded_checks=LEFT_OUT,
            additional_checks=[no_filter_refusal_for_valid_data],
        )

    run()


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_a_method_the_description_does_not_name_is_a_json_405_with_allow(client, path, method):
    documented = {m.upper() for m in SERVED.raw_schema["paths"][path] if m != "parameters"}
    url = path.replace("{", "").replace("}", "")
    for name in ("show_id", "call_id", "commitment_id", "event_id", "request_id", "code"):
        url = url.replace(name, "1")
    response = client.open(url, method="PUT" if "PUT" not in documented else "PATCH")
    assert response.status_code == 405, url
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert documented <= allowed, (url, allowed)
    if url.startswith("/open311/"):
        assert response.get_json()[0]["code"] == 405
    else:
        assert response.get_json()["status"] == 405
