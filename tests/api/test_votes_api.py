"""A call's JSON in the integration API carries both verdicts on its answer,
apart: the studio's placard count and the viewers' online votes; the OpenAPI
document describes them."""

from api_support import api_post, make_token
from votes_support import on_air, viewer, vote

from hotline.api.openapi_writes import SCHEMAS


def test_a_calls_json_carries_both_verdicts_apart(app, moderator, live_show, call_id):
    desk = make_token(app, "phones", "moderator")
    on_air(moderator, live_show, "call", call_id)
    for n, value in enumerate(["satisfied", "dissatisfied", "dissatisfied"]):
        assert vote(viewer(app, f"10.2.1.{n}"), live_show, call_id, value).status_code == 303
    body = {"satisfied": 40, "basic": 6, "dissatisfied": 2}
    # A stale version answers 409 with the current record: no placards yet.
    stale = api_post(app, f"/api/v1/calls/{call_id}/placard", desk, {**body, "version": 0})
    assert stale.status_code == 409
    current = stale.json["current"]
    assert current["placard_vote"] is None
    assert current["viewer_votes"] == {"satisfied": 1, "basic": 0, "dissatisfied": 2}
    body["version"] = current["version"]
    recorded = api_post(app, f"/api/v1/calls/{call_id}/placard", desk, body, key="p1")
    assert recorded.status_code == 200
    data = recorded.json["data"]
    assert data["placard_vote"] == {"satisfied": 40, "basic": 6, "dissatisfied": 2}
    assert data["viewer_votes"] == {"satisfied": 1, "basic": 0, "dissatisfied": 2}


def test_the_openapi_document_describes_both_verdicts(client):
    document = client.get("/api/v1/openapi.json").json
    call = document["components"]["schemas"]["Call"]["properties"]
    assert {"placard_vote", "viewer_votes"} <= set(call)
    verdict = document["components"]["schemas"]["Verdict"]
    assert set(verdict["required"]) == {"satisfied", "basic", "dissatisfied"}
    assert SCHEMAS["Verdict"] == verdict
    assert "placard count" in call["placard_vote"]["description"]
    assert "apart from the placards" in call["viewer_votes"]["description"]
