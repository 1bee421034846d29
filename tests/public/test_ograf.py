"""Hotline's lower third and ticker as EBU OGraf graphics: the manifests
validate against the published OGraf schema (vendored in
tests/fixtures/ograf_schema, no network), name modules that exist and export
the Graphic interface, and the on-air JSON they read says what the overlay
shows, public fields only, from any origin."""

import json
import re
from pathlib import Path

import pytest
from desk_support import HOUSING, calls_of, log
from jsonschema import Draft202012Validator
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Resource

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests/fixtures/ograf_schema"
GRAPHICS = ROOT / "static/ograf/hotline"
MANIFESTS = sorted(GRAPHICS.glob("*.ograf.json"))
METHODS = ("load", "dispose", "playAction", "stopAction", "updateAction", "customAction")


def _validator() -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = SPECIFICATIONS.with_resources(resources)
    root = json.loads((SCHEMAS / "graphics/schema.json").read_text())
    return Draft202012Validator(root, registry=registry)


def test_the_vendored_schema_knows_a_bad_manifest():
    errors = list(_validator().iter_errors({"id": "x", "name": "x", "main": "x.mjs"}))
    assert errors  # no $schema, no supportsRealTime …
    sample = {
        "$schema": "https://ograf.ebu.io/v1/specification/json-schemas/graphics/schema.json",
        "id": "x",
        "name": "x",
        "main": "x.mjs",
        "supportsRealTime": True,
        "supportsNonRealTime": False,
        "schema": {"type": "object", "properties": {"show": {"type": "integer", "default": 1}}},
    }
    assert list(_validator().iter_errors(sample)) == []
    sample["schema"]["properties"]["show"]["default"] = "one"
    assert list(_validator().iter_errors(sample))  # a default of the wrong type
    sample["schema"] = {"type": "nonsense"}
    assert list(_validator().iter_errors(sample))  # the gdd rules are applied too
    sample["schema"], sample["colour"] = {"type": "object"}, "red"
    assert list(_validator().iter_errors(sample))  # only v_ fields may be added


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_each_manifest_validates_and_names_a_graphic(path):
    manifest = json.loads(path.read_text())
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in _validator().iter_errors(manifest)
    ]
    assert errors == []
    module = (path.parent / manifest["main"]).read_text()
    assert re.search(r"^export default \w+;$", module, re.M)
    assert re.search(r"class \w+ extends HTMLElement", module)
    for method in METHODS:
        assert re.search(rf"^  async {method}\(", module, re.M), method
    assert "innerHTML" not in module  # Hotline's text is never parsed as HTML
    assert manifest["supportsRealTime"] and not manifest["supportsNonRealTime"]
    assert manifest["schema"]["required"] == ["show"]


def test_there_are_the_lower_third_and_the_ticker():
    ids = {json.loads(p.read_text())["id"] for p in MANIFESTS}
    assert ids == {"hotline.lower-third", "hotline.ticker"}


def test_the_graphics_are_served_as_modules_to_any_origin(client):
    for name in ("lower-third.mjs", "ticker.mjs", "hotline-data.mjs", "ticker.ograf.json"):
        response = client.get(f"/static/ograf/hotline/{name}")
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/static/ograf/hotline/ticker.mjs").mimetype == "text/javascript"
    assert "Access-Control-Allow-Origin" not in client.get("/static/live.js").headers


def test_the_on_air_json_says_what_the_overlay_shows(app, client, moderator, live_show):
    log(
        moderator,
        live_show,
        topic="菜市场排水沟堵塞",
        department=str(HOUSING),
        caller_name="张三",
        caller_phone="13800000000",
    )
    call = calls_of(app, live_show)[0]
    url = f"/shows/{live_show}/on-air.json?lang=en"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Access-Control-Allow-Origin"] == "*"
    data = first.get_json()
    assert data["lower_third"] is None and data["show"]["id"] == live_show
    assert data["totals"]["calls"] == 1
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    moderator.post_form(f"/desk/shows/{live_show}/on-air", {"kind": "call", "item": call.id})
    data = client.get(url).get_json()
    card = data["lower_third"]
    assert card["kind"] == "call" and card["headline"] == "菜市场排水沟堵塞"
    assert card["kicker"].startswith("Call #1")
    overlay = client.get(f"/shows/{live_show}/overlay").get_data(as_text=True)
    assert f'data-version-code="{card["code"]}"' in overlay
    assert "Verification code" in card["code_text"] and f"/v/{card['code']}" in card["code_text"]
    body = client.get(url).get_data(as_text=True)
    assert "张三" not in body and "13800000000" not in body
    assert client.get("/shows/999999/on-air.json").status_code == 404
    zh = client.get(f"/shows/{live_show}/on-air.json?lang=zh_CN").get_json()
    assert zh["ticker"]["label"] != "Commitments"


def test_a_name_super_or_the_totals_on_program_reads_as_a_lower_third(
    app, client, moderator, live_show
):
    """The cue puts a name super or the totals on program: the JSON words them
    (it was a 500, as if a commitment were on air)."""
    from cue_support import add_super, cue, press

    super_id = add_super(app, live_show, name="李明", line="市人大代表 · 凤凰街道")
    cue(moderator, live_show, "super", super_id)
    press(moderator, live_show, "take")
    url = f"/shows/{live_show}/on-air.json?lang=en"
    card = client.get(url).get_json()["lower_third"]
    assert (card["kind"], card["headline"], card["detail"]) == (
        "super",
        "李明",
        "市人大代表 · 凤凰街道",
    )
    cue(moderator, live_show, "totals")
    press(moderator, live_show, "take")
    card = client.get(url).get_json()["lower_third"]
    assert (card["kind"], card["headline"]) == ("totals", "Totals")
