"""Single sign-on's link to the identity provider: an OpenID Connect client
(Authlib's Flask integration), set up from the settings alone.

Off unless HOTLINE_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET are all set; then
nothing changes anywhere and no button shows. The sign-in routes are in
hotline/auth/sso.py, the rule on second factors in hotline/rules/sso.py.

Authlib keeps each sign-in's state, nonce and PKCE code verifier in the
session between the redirect to the IdP and the callback, and checks all three
(and the ID token's signature, issuer, audience and expiry) on the way back.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

NAME = "hotline_sso"  # Authlib's name for the client: session keys start "_state_hotline_sso_"
EXTENSION = "hotline.sso"
TIMEOUT = 10  # seconds for each request to the IdP (discovery, keys, token, userinfo)


def configured(config=None) -> bool:
    config = config if config is not None else current_app.config
    return all(
        config.get(key)
        for key in ("HOTLINE_OIDC_ISSUER", "HOTLINE_OIDC_CLIENT_ID", "HOTLINE_OIDC_CLIENT_SECRET")
    )


def settings_error(config) -> str | None:
    """What is wrong with the single sign-on settings, or None."""
    keys = ("HOTLINE_OIDC_ISSUER", "HOTLINE_OIDC_CLIENT_ID", "HOTLINE_OIDC_CLIENT_SECRET")
    given = [key for key in keys if config.get(key)]
    if not given:
        return None
    if len(given) < len(keys):
        missing = ", ".join(key for key in keys if key not in given)
        return f"single sign-on is half set up: {missing} missing"
    for key in ("HOTLINE_OIDC_ISSUER", "HOTLINE_OIDC_DISCOVERY_URL"):
        if config.get(key) and not _url_allowed(config[key], config):
            return f"{key} must be an https:// URL"
    if not config.get("HOTLINE_OIDC_CLAIM"):
        return "HOTLINE_OIDC_CLAIM is empty"
    return None


def _url_allowed(url: str, config) -> bool:
    # HTTPS only; plain http to 127.0.0.1 only when the test-only setting allows it.
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    local = parts.scheme == "http" and parts.hostname == "127.0.0.1"
    return local and bool(config.get("HOTLINE_OIDC_ALLOW_LOCAL_HTTP"))


def discovery_url(config) -> str:
    return (
        config.get("HOTLINE_OIDC_DISCOVERY_URL")
        or config["HOTLINE_OIDC_ISSUER"] + "/.well-known/openid-configuration"
    )


def init_app(app: Flask) -> None:
    """Check the settings (a wrong one stops the start, not a sign-in later)
    and register the client when single sign-on is configured."""
    if error := settings_error(app.config):
        raise RuntimeError(error)
    if not configured(app.config):
        return
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=app.config["HOTLINE_OIDC_CLIENT_ID"],
        client_secret=app.config["HOTLINE_OIDC_CLIENT_SECRET"],
        server_metadata_url=discovery_url(app.config),
        client_kwargs={
            "scope": app.config["HOTLINE_OIDC_SCOPE"],
            # PKCE on every sign-in, beside the state and the nonce.
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )
    app.extensions[EXTENSION] = oauth


def client():
    """The registered client (only when configured())."""
    return current_app.extensions[EXTENSION].create_client(NAME)


def issuer() -> str:
    return current_app.config["HOTLINE_OIDC_ISSUER"]


def metadata() -> dict:
    """The IdP's discovery document, checked to be the configured issuer's own
    (OpenID Connect Discovery 1.0, 4.3): a document naming another issuer is refused."""
    found = client().load_server_metadata()
    if found.get("issuer", "").rstrip("/") != issuer():
        raise ValueError(f"the discovery document names issuer {found.get('issuer')!r}")
    return found
