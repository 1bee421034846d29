"""The button box: the Companion preset in the repository (deploy/companion/)
is read and each of its requests is sent, as Companion would, to the app with
a token scoped to on-air control, and has its effect; that token can do
nothing else; the API's on-air control answers as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_support import bearer, make_token
from cue_support import add_super, cued, on_air, preview, program, section, state
from desk_support import calls_of, log
from jsonschema import Draft202012Validator

from hotline.changes import tokens
from hotline.extensions import db
from hotline.models import AuditLog, Role

PRESET = Path(__file__).resolve().parents[2] / "deploy" / "companion" / "hotline-buttons.json"


def on_air_token(app, name="streamdeck") -> str:
    with app.app_context():
        _token, secret = tokens.create(name, Role.MODERATOR, scope="onair")
        db.session.commit()
        return secret


def _buttons() -> dict:
    preset = json.loads(PRESET.read_text())
    assert preset["module"] == "generic-http"
    return {b["id"]: b for b in preset["buttons"]}


def press(client, button: dict, secret: str):
    """One key, as Companion sends it: its custom variables filled in."""
    options = button["action"]["options"]
    assert button["action"]["action"] == "post"

    def fill(text: str) -> str:
        return text.replace("$(custom:hotline_url)", "http://localhost").replace(
            "$(custom:hotline_token)", secret
        )

    url = fill(options["url"]).removeprefix("http://localhost")
    headers = json.loads(fill(options["header"]))
    return client.post(
        url,
        data=fill(options["body"]),
        headers={**headers, "Content-Type": options["contenttype"]},
    )


def test_each_key_of_the_companion_preset_has_its_effect(app, client, moderator, live_show):
    buttons = _buttons()
    assert set(buttons) == {"take-next", "clear", "cue-call", "totals", "qr"}
    secret = on_air_token(app)
    log(moderator, live_show, topic="菜市场排水沟堵塞")
    log(moderator, live_show, topic="老旧小区加装电梯")
    latest = calls_of(app, live_show)[-1].id

    # Cue the current call: the latest call goes into the cue, in preview.
    answer = press(client, buttons["cue-call"], secret)
    assert answer.status_code == 200, answer.json
    assert answer.json["data"]["preview"] == {"kind": "call", "item": latest}
    assert "老旧小区加装电梯" in section(preview(client, live_show), "lower-third")

    # Take next: it goes to program.
    answer = press(client, buttons["take-next"], secret)
    assert answer.json["data"]["program"] == {"kind": "call", "item": latest}
    assert "老旧小区加装电梯" in section(program(client, live_show), "lower-third")

    # Totals: straight to program.
    answer = press(client, buttons["totals"], secret)
    assert answer.json["data"]["program"]["kind"] == "totals"
    card = section(program(client, live_show), "lower-third")
    assert 'data-kind="totals"' in card and 'data-card-total="calls">2<' in card

    # The QR code: on, beside the totals.
    answer = press(client, buttons["qr"], secret)
    assert answer.json["data"]["qr"] is True
    html = program(client, live_show)
    assert 'data-state="on"' in section(html, "qr-bug")
    assert 'data-kind="totals"' in section(html, "lower-third")

    # Clear all: program and preview empty.
    answer = press(client, buttons["clear"], secret)
    data = answer.json["data"]
    assert data["program"] is None and data["qr"] is False and data["preview"] is None
    html = program(client, live_show)
    assert 'data-state="off"' in section(html, "lower-third")
    assert 'data-state="off"' in section(html, "qr-bug")

    # Each key is on the audit trail under the token's name.
    with app.app_context():
        rows = db.session.scalars(
            db.select(AuditLog.action).where(AuditLog.actor_name == "api:streamdeck")
        ).all()
    assert set(rows) >= {
        "api_cue_call",
        "api_cue_next",
        "api_cue_totals",
        "api_cue_qr",
        "api_cue_clear",
    }


def test_an_on_air_token_can_do_nothing_else(app, client, moderator, live_show, call_id):
    secret = on_air_token(app)
    headers = bearer(secret) | {"Accept-Language": "en"}
    refused = [
        client.post(f"/api/v1/shows/{live_show}/calls", json={"topic": "x"}, headers=headers),
        client.post(f"/api/v1/calls/{call_id}/answer", json={"answer_text": "x"}, headers=headers),
        client.post(f"/api/v1/calls/{call_id}/placard", json={}, headers=headers),
        client.post("/api/v1/commitments/1/progress", json={"note": "x"}, headers=headers),
        client.post("/api/v1/events/1/withhold", json={"reason": "x"}, headers=headers),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert all(r.json["error"] == "This token may only control what is on air." for r in refused)
    chinese = client.post(f"/api/v1/calls/{call_id}/placard", json={}, headers=bearer(secret))
    assert chinese.json["error"] == "此令牌只能控制播出内容。"
    assert len(calls_of(app, live_show)) == 1
    # It reaches the on-air writes, and nothing of the web: no session comes with it.
    put = client.post(
        f"/api/v1/shows/{live_show}/on-air", json={"kind": "call", "item": call_id}, headers=headers
    )
    assert put.status_code == 200
    assert client.get(f"/desk/shows/{live_show}", headers=headers).status_code == 302
    # A token of the same role without the scope logs calls as before.
    full = make_token(app, "phones", Role.MODERATOR)
    logged = client.post(
        f"/api/v1/shows/{live_show}/calls", json={"topic": "y"}, headers=bearer(full)
    )
    assert logged.status_code == 201


def test_the_scope_is_a_moderators_and_the_office_grants_it(app, supervisor):
    with app.app_context(), pytest.raises(ValueError):
        tokens.create("wrong", Role.LIAISON, department_id=1, scope="onair")
    with app.app_context(), pytest.raises(ValueError):
        tokens.create("bogus", Role.MODERATOR, scope="everything")
    page = supervisor.get("/admin/tokens?lang=en").text
    assert '<option value="onair">' in page
    made = supervisor.post_form(
        "/admin/tokens", {"name": "deck", "role": "moderator", "scope": "onair"}
    )
    assert made.status_code == 201 and "hl_" in made.text
    assert "on-air control only" in supervisor.get("/admin/tokens?lang=en").text
    wrong = supervisor.post_form(
        "/admin/tokens", {"name": "deck2", "role": "supervisor", "scope": "onair"}
    )
    assert wrong.status_code == 422


def test_without_a_live_show_the_keys_say_so(app, client, moderator):
    secret = on_air_token(app)
    answer = client.post("/api/v1/cue/next", json={}, headers=bearer(secret))
    assert answer.status_code == 409 and answer.json["current"] == {"live_shows": []}


def test_the_keys_answer_as_documented(app, client, moderator, live_show, spec_validator):
    secret = on_air_token(app)
    cue_super = add_super(app, live_show)
    moderator.post_form(f"/desk/shows/{live_show}/cue", {"kind": "super", "item": cue_super})
    for action in ("take", "next", "call", "totals", "qr", "clear"):
        answer = client.post(
            f"/api/v1/cue/{action}", json={"show_id": live_show}, headers=bearer(secret)
        )
        assert answer.status_code == 200, (action, answer.json)
        spec_validator(f"/api/v1/cue/{action}", answer.json)
    assert on_air(app, live_show).kind == "" and not state(app, live_show).bug_on
    assert len(cued(app, live_show)) == 3  # the super, the totals and the QR code
    bad = client.post("/api/v1/cue/next", json={"show_id": "x"}, headers=bearer(secret))
    assert bad.status_code == 422 and "show_id" in bad.json["errors"]
    missing = client.post("/api/v1/cue/next", json={"show_id": 999999}, headers=bearer(secret))
    assert missing.status_code == 404


@pytest.fixture
def spec_validator(client):
    spec = client.get("/api/v1/openapi.json").json

    def check(path: str, body: dict):
        schema = spec["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
        # The answer's schema with the document's components, so its $refs resolve.
        Draft202012Validator({**schema["schema"], "components": spec["components"]}).validate(body)

    return check
