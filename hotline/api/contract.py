"""The integration API keeps its description: a JSON body is checked against
the schema the OpenAPI document publishes for its operation (types, choices
and numeric bounds) before the web form sees it, so a value the description
rules out is a 422 naming the field, never silently read as something else
(`123` for a text, `"yes"` for a boolean, `null` for a number)."""

from __future__ import annotations

import re
from functools import cache

from flask import request
from flask_babel import gettext as _

from . import openapi_writes

PYTHON_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


@cache
def body_schemas() -> dict[str, dict]:
    """Each write's URL rule (as Flask spells it) → its JSON body's schema."""
    schemas = {}
    for path, item in openapi_writes.paths().items():
        rule = re.sub(r"\{(\w+)\}", r"<int:\1>", path)
        schemas[rule] = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    return schemas


def _is(value, kind: str) -> bool:
    if kind == "null":
        return value is None
    if isinstance(value, bool) and kind != "boolean":
        return False
    return isinstance(value, PYTHON_TYPES[kind])


def problem(schema: dict, value) -> str | None:
    """What is wrong with one value, in the request's language; None if it fits."""
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds and not any(_is(value, kind) for kind in kinds):
        return _("A value of type %(type)s.", type=" or ".join(kinds))
    if "enum" in schema and value not in schema["enum"]:
        return _("One of: %(values)s.", values=", ".join(map(str, schema["enum"])))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return _("At least %(min)s.", min=schema["minimum"])
        if "maximum" in schema and value > schema["maximum"]:
            return _("At most %(max)s.", max=schema["maximum"])
    # Texts (empty, too long, not a date) are the
    # form's to refuse, with every other field's refusal in the same answer.
    return None


def refusals(data) -> dict[str, list[str]] | None:
    """The fields of this request's JSON body that break its published schema
    (None when there is nothing to check: no JSON body, or not a documented write)."""
    rule = request.url_rule.rule if request.url_rule else None
    schema = body_schemas().get(rule)
    if schema is None or not request.is_json or not request.get_data():
        return None
    if not isinstance(data, dict):
        return {"body": [_("Send a JSON object.")]}
    found = {}
    for name, value in data.items():
        field = schema["properties"].get(name)
        if field is not None and (wrong := problem(field, value)):
            found[name] = [wrong]
    return found or None
