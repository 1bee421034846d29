"""Open data: JSON and CSV of the public lists (documented in the README,
"Open data API"). The same filters and queries as the board; only public fields."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402, F401
