"""Open data: JSON and CSV of the public lists (documented in the README)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
