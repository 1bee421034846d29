"""What every write endpoint shares: the Bearer token in front of it, JSON
errors (401, 403, 404, 409, 422, 429), the rate limit per token, the limit on
failed token attempts per address, and forms fed from a JSON body so the API
checks exactly what the web form checks.

The token blueprint is exempt from CSRF because it takes no cookie at all: a
request without `Authorization: Bearer …` is refused before any view runs, and
the signed-in session of a browser is never consulted here.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select, union_all
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict
from werkzeug.exceptions import HTTPException

from ..changes import audit, tokens
from ..extensions import csrf, db, limiter
from ..models import ON_AIR_SCOPE, Call, CallEvent, Commitment, Event, Show, utcnow
from ..rules.text import for_log
from ..throttle import address_wait, first_refusal
from . import contract, writes_bp
from .openapi_writes import KEY_MAX_LENGTH

log = logging.getLogger("hotline.api")

DEFAULT_RATE = "120 per minute"
# Failed token attempts (unknown, revoked, expired, disabled) per address.
FAILURE_SETTING, FAILURE_DEFAULT = "HOTLINE_API_TOKEN_FAILURE_LIMIT", "20 per minute"


def bearer_secret() -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def rate_key() -> str:
    """Per token (its digest), so one busy integration cannot starve another."""
    secret = bearer_secret()
    return "token:" + tokens.digest(secret) if secret else "anon:" + (request.remote_addr or "")


def rate() -> str:
    return current_app.config.get("HOTLINE_API_RATE_LIMIT") or DEFAULT_RATE


csrf.exempt(writes_bp)
limiter.limit(rate, key_func=rate_key)(writes_bp)


def error(code: int, message: str, **extra):
    body = {"error": message, "status": code, **extra}
    response = jsonify(body)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hotline"'
    response.cache_control.no_store = True
    return response


@writes_bp.before_request
def authenticate():
    secret = bearer_secret()
    if not secret:
        return error(401, _("An API token is required: Authorization: Bearer <token>."))
    token = tokens.by_secret(secret)
    now = utcnow()
    # A token whose account was disabled is refused like a revoked one: a JSON
    # 401 here, never the sign-in page's redirect (and its cookie) further on.
    if token is None or not token.usable(now) or not token.user.active:
        return refused_token()
    # "Last used" to the minute is enough: not a write before every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    g.api_token = token
    if token.scope == ON_AIR_SCOPE and not is_on_air_control():
        log.warning("api token %s outside its scope: %s", token.id, for_log(request.path))
        return error(403, _("This token may only control what is on air."))
    if (too_long := key_too_long()) is not None:
        return too_long
    # A body the published schema rules out is refused before any form reads it.
    if wrong := contract.refusals(request.get_json(silent=True)):
        return error(422, invalid_fields(), errors=wrong)
    # Flask-Login's current_user for this request: the token's own account,
    # never a browser's session (the cookie is not read on this blueprint).
    g._login_user = token.user


def on_air_control(view):
    """Marks an endpoint a token scoped to on-air control may call (api/cue.py,
    the on-air writes); a token with that scope is refused everything else.
    Put it between the route and the role check."""
    view.on_air_control = True
    return view


def is_on_air_control() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "on_air_control", False))


def refused_token():
    """A token that does not work: 401, counted against the address. Past
    HOTLINE_API_TOKEN_FAILURE_LIMIT the address is answered 429 with
    Retry-After instead, and the burst is logged once, not per request. Only
    failures count, and a working token is never refused here: an integration
    is not locked out by someone else's guesses from the same address."""
    wait = address_wait("api-token-failure", FAILURE_SETTING, FAILURE_DEFAULT)
    if wait:
        if first_refusal("api-token-failure", FAILURE_SETTING, FAILURE_DEFAULT):
            log.warning(
                "api token failures from %s: limited for %ss (%s %s)",
                for_log(request.remote_addr or ""),
                wait,
                request.method,
                for_log(request.path),
            )
        response = error(
            429,
            _("Too many failed token attempts from this address: try again later."),
            retry_after=wait,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    log.warning("api token refused %s %s", request.method, for_log(request.path))
    return error(401, _("The API token is unknown, revoked or expired."))


@writes_bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return error(exc.code or 500, exc.description or exc.name)


@writes_bp.after_request
def no_store(response):
    response.cache_control.no_store = True
    return response


def body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def key_too_long():
    """A 422 naming the header, before anything runs: the description's maximum is kept."""
    if len(request.headers.get("Idempotency-Key", "")) <= KEY_MAX_LENGTH:
        return None
    message = _("At most %(max)d characters.", max=KEY_MAX_LENGTH)
    return error(422, invalid_fields(), errors={"Idempotency-Key": [message]})


def idempotency_key() -> str | None:
    """The client's Idempotency-Key, kept per token (two integrations may pick
    the same key without colliding) and in the column's 64 characters."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    return hashlib.sha256(f"{g.api_token.id}:{key}".encode()).hexdigest()


def invalid_fields() -> str:
    """The 422's message, in the request's language like each field's."""
    return _("The request has invalid fields.")


def _form_value(value) -> str:
    if value is True:
        return "y"
    if value is False or value is None:
        return ""
    return str(value)


def _with_key(flat: MultiDict) -> MultiDict:
    """The one-time key is the Idempotency-Key header's, never a body field."""
    flat.poplist("idem")
    if key := idempotency_key():
        flat["idem"] = key
    return flat


def form_from_json(cls, data: dict, **kwargs):
    """A web form filled from the JSON body and the Idempotency-Key header."""
    flat = MultiDict({k: _form_value(v) for k, v in data.items() if not isinstance(v, list)})
    return cls(formdata=_with_key(flat), meta={"csrf": False}, **kwargs)


def is_multipart() -> bool:
    return request.mimetype == "multipart/form-data"


def form_from_request(cls, files: tuple[str, ...] = ()):
    """The form from a JSON body, or from multipart/form-data when it carries a
    file (the fields as form fields, each file named in `files` as a file part).
    Returns (form, None), or (None, a 422) for a file sent any other way."""
    if not is_multipart():
        data = body()
        sent = [name for name in files if name in data]
        if sent:
            return None, _file_expected(sent)
        return form_from_json(cls, data), None
    sent = [name for name in files if name in request.form]
    if sent:  # a text field where a file part belongs
        return None, _file_expected(sent)
    flat = _with_key(MultiDict(request.form.items(multi=True)))
    parts = MultiDict(
        (name, f) for name, f in request.files.items(multi=True) if isinstance(f, FileStorage)
    )
    return cls(formdata=CombinedMultiDict([parts, flat]), meta={"csrf": False}), None


def _file_expected(names: list[str]):
    message = _("Send the file as a file part of a multipart/form-data request.")
    return error(422, invalid_fields(), errors={n: [message] for n in names})


def invalid(form, extra: dict | None = None):
    """422 naming each field, in the request's language."""
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    errors.pop("idem", None)
    errors.update(extra or {})
    return error(422, invalid_fields(), errors=errors)


def key_reused():
    """An Idempotency-Key already spent on another change (another item, show or
    action): 422 naming the header, the same for every write endpoint. A retry
    of the same change with its key is answered as the first one was."""
    message = _("This Idempotency-Key was already used for another change.")
    return error(422, invalid_fields(), errors={"Idempotency-Key": [message]})


# Each kind of write keeps its one-time key in one of these tables: a log call
# in calls, a change to a call in call_events, a commitment in commitments, a
# follow-up action in events (shows: the desk's web form only).
KEYED = (Show, Call, CallEvent, Commitment, Event)


def key_spent_elsewhere(kept_in) -> bool:
    """The Idempotency-Key was already spent on a change of another kind (its
    key is kept in another table than `kept_in`, where this write keeps its
    own): answered key_reused() before anything runs. A key spent in the
    same table is told apart by the action's own cycle (the same action on
    the same target: a repeat; anything else: reused)."""
    key = idempotency_key()
    if key is None:
        return False
    found = [select(m.id).where(m.idempotency_key == key) for m in KEYED if m is not kept_in]
    return db.session.execute(union_all(*found).limit(1)).first() is not None


def conflict(current: dict):
    return error(
        409, _("Someone else changed this item: here is the current record."), current=current
    )


def attribute(action: str, target: str, detail: dict | None = None) -> None:
    """The audit row of a write made with a token (same transaction as the change)."""
    audit.record(g.api_token.user, action, target, {"token": g.api_token.name, **(detail or {})})
