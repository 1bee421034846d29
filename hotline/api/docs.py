"""The open data described: OpenAPI 3.1 for programs, a page for people. Both
are built from the tables in openapi.py and fields.py."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_babel import gettext as _

from . import bp
from .openapi import ENDPOINTS, PARAMETERS, RECORDS, document
from .openapi_cue import WRITES as CUE_WRITES
from .openapi_replies import READS
from .openapi_tally import PATH as TALLY_PATH
from .openapi_tally import SUMMARY as TALLY_SUMMARY
from .openapi_writes import WRITES


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())


def type_words(schema: dict) -> str:
    """A field's type in words: integer, date, UTC time, … or null."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    fmt = schema.get("format")
    words = {
        "integer": _("integer"),
        "number": _("number"),
        "boolean": _("true or false"),
        "string": {"date": _("date"), "date-time": _("UTC time"), "uri": _("address (URL)")}.get(
            fmt, _("text")
        ),
    }
    text = words[kinds[0]]
    if "enum" in schema:
        text = _("one of: %(values)s", values=", ".join(schema["enum"]))
    return _("%(type)s or null", type=text) if "null" in kinds else text


@bp.route("/")
def docs():
    endpoints = [
        {
            "path": path,
            "what": what,
            "parameters": [
                {"show_status": "status", "open311_status": "status"}.get(p, p) for p in params
            ],
            "kind": body[0],
        }
        for path, _id, what, params, body, _errors in ENDPOINTS
    ]
    parameters = [
        (name, type_words(schema), text)
        for name, (schema, text) in PARAMETERS.items()
        if name not in ("show_status", "open311_status")
    ]
    records = {
        name: [(field, type_words(schema), text) for field, schema, text in spec]
        for name, spec in RECORDS.items()
    }
    writes = [(row[0], row[2]) for row in (*WRITES, *CUE_WRITES)]  # the integration API, in English
    return render_template(
        "api/docs.html",
        endpoints=endpoints,
        parameters=parameters,
        records=records,
        writes=writes,
        reads=[(TALLY_PATH, TALLY_SUMMARY), *READS],
    )
