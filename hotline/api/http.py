"""What every open-data response shares: JSON errors that name the parameter,
CORS for anyone's page, and ETag / Last-Modified / Cache-Control with 304s."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify, request, session
from werkzeug.exceptions import HTTPException

from ..queries.changes import last_change
from . import bp, open311_bp
from .filters import BadFilter

MAX_AGE = 60  # seconds: statuses and live counts move on, but not that fast
# Documents about the API itself, and the office's lists (their changes are not
# on the public record's clock): no Last-Modified from the data.
ABOUT_THE_API = {"api.openapi", "api.docs", "api.categories", "api.areas"}
EXPOSED = "ETag, Last-Modified, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"


def api_error(code: int, message: str, parameter: str | None = None):
    body = {"error": message, "status": code}
    if parameter:
        body["parameter"] = parameter
    return jsonify(body), code


def open311_error(code: int, message: str, parameter: str | None = None):
    """GeoReport v2 errors: a list of {code, description}."""
    body = {"code": code, "description": message}
    if parameter:
        body["parameter"] = parameter
    return jsonify([body]), code


@bp.errorhandler(BadFilter)
def bad_filter(error: BadFilter):
    # Data users get told, rather than a silently unfiltered list.
    return api_error(400, str(error), error.parameter)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return api_error(error.code or 500, error.description or error.name)


@open311_bp.errorhandler(BadFilter)
def open311_bad_filter(error: BadFilter):
    return open311_error(400, str(error), error.parameter)


@open311_bp.errorhandler(HTTPException)
def open311_http_error(error: HTTPException):
    return open311_error(error.code or 500, error.description or error.name)


def open_data_headers(response):
    """Read-only open data: anyone's page may read it (CORS), caches may keep it."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":  # a preflight for a conditional GET
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    if response.status_code != 200:
        response.cache_control.no_store = True
        return response
    if session.modified or response.mimetype == "text/html":
        # ?lang= is being remembered in a cookie, or a page in the reader's language.
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    if request.endpoint not in ABOUT_THE_API:
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        response.last_modified = min(last_change(), now)
    response.add_etag()
    return response.make_conditional(request)


bp.after_request(open_data_headers)
open311_bp.after_request(open_data_headers)
