"""Open data: JSON and CSV of the public lists, their OpenAPI description and
the same board as Open311 GeoReport v2 (docs/api.md, "Open data API"). The same
filters and queries as the board; only public fields.

`writes_bp` is the integration API (docs/api.md, "Integration API"): the same
changes as the desk and follow-up forms, made with a Bearer token."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
open311_bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
writes_bp = Blueprint("api_write", __name__, url_prefix="/api/v1")

from . import (  # noqa: E402, F401
    areas,
    bearer,
    categories,
    cue,
    docs,
    http,
    open311,
    replies,
    routes,
    tally,
    versions,
    writes,
    writes_followup,
)
