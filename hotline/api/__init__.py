"""Open data: JSON and CSV of the public lists, their OpenAPI description and
the same board as Open311 GeoReport v2 (README, "Open data API"). The same
filters and queries as the board; only public fields."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
open311_bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

from . import docs, http, open311, routes  # noqa: E402, F401
