"""Single sign-on with an OpenID Connect provider: /auth/sso/start sends the
browser to the IdP, /auth/sso/callback signs in the account the office linked
to the identity it vouches for (docs/operating.md, "Single sign-on").

Who may sign in is still Hotline's decision: only an active account the
office linked to the IdP's identity (issuer + the configured claim), never one
matched by a name that merely looks the same, and with the role, department
and deputy Hotline gave it. Nothing here is reachable unless the settings
configure it (hotline/integration/sso.py).
"""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from sqlalchemy import select

from ..changes import audit
from ..extensions import db, limiter
from ..integration import sso
from ..models import User
from ..rules.sso import second_factor_done
from ..rules.text import for_log
from . import bp
from .factors import finish_sign_in, sign_in

log = logging.getLogger("hotline.auth")

# What a broken exchange with the IdP raises: its error answers, a bad or
# replayed state, an ID token that fails a check, the network.
EXCHANGE_FAILED = (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError)


@bp.record_once
def _set_up(state) -> None:
    # Checked when the app is made: a wrong setting stops the start, loudly.
    sso.init_app(state.app)


def label() -> str:
    return current_app.config.get("HOTLINE_OIDC_LABEL") or _("single sign-on")


@bp.context_processor
def sso_button() -> dict:
    # The sign-in page shows "Sign in with <label>" only when configured.
    return {"sso_label": label() if sso.configured() else None}


def _login_limit() -> str:
    return current_app.config.get("HOTLINE_LOGIN_LIMIT", "10 per minute")


def _refused(message: str, status: int):
    return render_template("auth/sso_refused.html", message=message, label=label()), status


@bp.route("/sso/start")
@limiter.limit(_login_limit)
def sso_start():
    # A plain link, not a form: the page's CSP (form-action 'self') would stop a
    # form whose answer redirects to the IdP. Starting only stores a fresh
    # state, nonce and code verifier in this browser's session.
    if not sso.configured():
        abort(404)
    try:
        sso.metadata()
        return sso.client().authorize_redirect(url_for("auth.sso_callback", _external=True))
    except EXCHANGE_FAILED as error:
        log.warning("sso: the identity provider could not be reached: %s", for_log(str(error)))
        return _refused(_("%(name)s could not be reached. Try again later.", name=label()), 502)


@bp.route("/sso/callback")
@limiter.limit(_login_limit)
def sso_callback():
    if not sso.configured():
        abort(404)
    try:
        metadata = sso.metadata()
        # RFC 9207: an IdP that names itself in the answer must name the one we asked.
        if request.args.get("iss") not in (None, metadata["issuer"]):
            raise ValueError("the answer names another issuer")
        client = sso.client()
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [metadata["issuer"]]}}
        )
        claims = token.get("userinfo")
        if not claims or not claims.get("sub"):
            raise ValueError("no ID token in the answer")
        value = _claim(client, token, claims)
    except EXCHANGE_FAILED as error:
        # Cancelled at the IdP, a stale or forged callback, a token that fails a check.
        log.warning("sso: sign-in refused: %s", for_log(str(error)))
        return _refused(_("Signing in with %(name)s did not complete.", name=label()), 400)

    claim = current_app.config["HOTLINE_OIDC_CLAIM"]
    issuer = sso.issuer()
    user = (
        db.session.scalar(select(User).where(User.sso_issuer == issuer, User.sso_subject == value))
        if value
        else None
    )
    if user is None or not user.active:
        reason = "no linked account" if user is None else "disabled"
        log.warning("sso: sign-in refused (%s): %s=%s", reason, claim, for_log(value or ""))
        audit.record(
            user.username if user else (value or f"({claim} missing)"),
            audit.SIGN_IN_FAILED,
            detail={"via": "oidc", "reason": reason, "claim": claim},
        )
        db.session.commit()
        if user is None:
            message = _(
                "No Hotline account is linked to your %(name)s identity. "
                "Ask the standing committee office to link your account.",
                name=label(),
            )
        else:
            message = _("Your Hotline account is disabled. Ask the standing committee office.")
        return _refused(message, 403)

    done = second_factor_done(
        claims.get("amr"), claims.get("acr"), current_app.config["HOTLINE_OIDC_MFA_ACR"]
    )
    return _sign_in(user, done)


def _claim(client, token: dict, claims: dict) -> str | None:
    """The matching claim's value: from the ID token, or else from the
    userinfo endpoint (for the same `sub`), as a string; None when absent."""
    name = current_app.config["HOTLINE_OIDC_CLAIM"]
    if name not in claims and client.load_server_metadata().get("userinfo_endpoint"):
        info = client.userinfo(token=token)
        # OpenID Connect Core 5.3.2: userinfo for another subject must not be used.
        if info.get("sub") != claims["sub"]:
            raise ValueError("userinfo is for another subject")
        claims = info
    value = claims.get(name)
    # A string or a number (an employee number); a list or an object identifies nobody.
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _sign_in(user: User, second_factor_done: bool):
    """Sign in the account the IdP's identity is linked to. `second_factor_done`:
    the IdP's own sign-in already counted as two factors (hotline/rules/sso.py);
    where it did not, Hotline's own second factor is asked for, exactly as after
    a password (auth/factors.py)."""
    log.info(
        "sso: user=%s second factor at the IdP: %s", for_log(user.username), second_factor_done
    )
    if second_factor_done:
        return sign_in(user, None, "idp", detail={"via": "oidc", "second_factor_done": True})
    return finish_sign_in(user, None, detail={"via": "oidc", "second_factor_done": False})
