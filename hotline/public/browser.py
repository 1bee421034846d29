"""How a public page knows a browser without knowing the person: a random id
in a cookie (only its hash is stored) and, kept server-side, keyed hashes of
the client's address. Ratings of a met commitment count once per browser and
once a day per connection (day, address and user agent); viewers' votes on
an answer on air the same way, once per call; support for a show's topics
once per browser and once per address."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Response, current_app, request

from ..clock import today

BROWSER_COOKIE = "hotline_browser"


def browser_token() -> str:
    """This browser's random id: its cookie, or a new one (set by remember())."""
    return request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(32)


def key_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def browser_key() -> str | None:
    """The hash of this browser's cookie, or None before it has one."""
    token = request.cookies.get(BROWSER_COOKIE)
    return key_of(token) if token else None


def client_key(purpose: str = "") -> str:
    """The connection's sign for today: HMAC(secret, day, address, user agent).
    Keyed, so the stored value cannot be reversed to an address by trying them all.
    With a `purpose` (e.g. a vote on one call) it is bound to it too, so two of
    the connection's signs for different purposes cannot be linked."""
    agent = request.headers.get("User-Agent", "")
    message = f"{today().isoformat()}\0{request.remote_addr or ''}\0{agent}"
    return _hmac(f"{message}\0{purpose}" if purpose else message)


def _hmac(message: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def address_key(purpose: str) -> str:
    """HMAC(secret, purpose, the client's address): one sign per address for
    `purpose` (e.g. one topic), whatever the cookie or the user agent. The
    address is the one Flask sees, behind HOTLINE_PROXY_HOPS proxies (the
    client's, from X-Forwarded-For). Keyed, so the stored value cannot be
    turned back into the address by trying them all, and bound to `purpose`,
    so two topics' supports from one address cannot be linked."""
    return _hmac(f"{purpose}\0{request.remote_addr or ''}")


def sender_keys(token: str, purpose: str) -> tuple[str, str]:
    """A sender's fingerprint for `purpose` (a question to the wall): keyed
    hashes of the browser's cookie id and of the connection's address, each
    bound to `purpose`, so neither can be turned back into the cookie or the
    address, nor linked to the browser's other signs (a vote, a rating)."""
    return _hmac(f"{purpose}\0browser\0{token}"), address_key(purpose)


def remember(response: Response, token: str) -> Response:
    """Keep the browser's id for two years (HttpOnly: no script reads it)."""
    response.set_cookie(
        BROWSER_COOKIE,
        token,
        max_age=2 * 365 * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
