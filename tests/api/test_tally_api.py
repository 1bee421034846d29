"""Renderers that report back (tally) over the API: a token reads the same
list and flags as the desk, in the shape the OpenAPI document promises."""

import re

from api_support import bearer, make_token
from jsonschema import Draft202012Validator, FormatChecker

from hotline.api.openapi import document
from hotline.models import Role

RID = "0123456789abcdef0123456789abcdef"


def _valid(app, response) -> list[str]:
    with app.test_request_context("/"):
        spec = document()
    operation = spec["paths"]["/api/v1/shows/{show_id}/renderers"]["get"]
    documented = operation["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**spec, **schema}, format_checker=FormatChecker())
    return [e.message for e in validator.iter_errors(response.get_json())]


def test_a_token_reads_the_renderers_of_a_show(app, client, moderator, socket_client, live_show):
    app.config["HOTLINE_TALLY_PUSH_SECONDS"] = 0
    html = client.get(f"/shows/{live_show}/overlay?layout=totals").get_data(as_text=True)
    token = re.search(r'name="hotline-renderer" content="([^"]+)"', html).group(1)
    sock = socket_client("/live")
    answer = sock.emit("tally", {"token": token, "renderer": RID}, callback=True, namespace="/live")
    assert answer == {"ok": True}
    headers = bearer(make_token(app, "studio", Role.MODERATOR))
    response = client.get(f"/api/v1/shows/{live_show}/renderers", headers=headers)
    assert response.status_code == 200 and _valid(app, response) == []
    data = response.get_json()["data"]
    assert data["on_air"]["kind"] is None
    [renderer] = data["renderers"]
    assert renderer["id"] == RID and renderer["layout"] == "totals"
    assert renderer["state"] == "ok" and renderer["connected"] is True
    sock.disconnect(namespace="/live")
    data = client.get(f"/api/v1/shows/{live_show}/renderers", headers=headers).get_json()["data"]
    assert data["renderers"][0]["state"] == "disconnected"
    assert data["renderers"][0]["disconnected_at"]


def test_the_renderers_need_a_desk_token(app, client, live_show):
    url = f"/api/v1/shows/{live_show}/renderers"
    for response, status in (
        (client.get(url), 401),
        (client.get(url, headers=bearer(make_token(app, "h", Role.LIAISON, department_id=1))), 403),
        (
            client.get(
                "/api/v1/shows/99999/renderers",
                headers=bearer(make_token(app, "o", Role.SUPERVISOR)),
            ),
            404,
        ),
    ):
        assert response.status_code == status
        assert _valid(app, response) == []
