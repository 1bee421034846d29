"""The second step of signing in (等级保护 2.0: administrators authenticated by
two combined factors): after the password, a code from an authenticator app,
a passkey or a recovery code; for a role that must have a factor and has none
yet, setting one up first. Until then the session holds only the "password
was right" mark below, which opens no staff page.

login() calls finish_sign_in() once the password is right; the page where
factors are added (/auth/factors) and enrolment are in auth/enrol.py.
"""

from __future__ import annotations

import hmac
import logging
import time
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from .. import throttle
from ..access import home_for
from ..changes import audit
from ..changes import factors as changes
from ..extensions import db, limiter
from ..forms.factors import CodeForm, PasskeySignInForm
from ..models import StaffSession, User
from ..rules.text import for_log
from . import bp

log = logging.getLogger("hotline.auth")

# The session's marks: a sign-in waiting for its second step, and (once
# signed in) which second factor was shown.
PENDING = "second_step"
FACTOR = "second_factor"
CHALLENGE = "webauthn"
PENDING_MINUTES = 10
CHALLENGE_MINUTES = 5
REMEMBER_COOKIE = "hotline_device"
# The pages that wait for the second step (the integration API's tokens are
# not sessions, and public pages need no sign-in).
STAFF_BLUEPRINTS = {"desk", "followup", "deputy", "admin"}


def second_step_limit() -> str:
    return current_app.config.get("HOTLINE_2FA_LIMIT", "10 per minute")


# Both ways of showing a second factor share one limit per address.
step_limit = limiter.shared_limit(second_step_limit, scope="second-step", methods=["POST"])


# -- signing in


def _fresh_session() -> None:
    """A new session, keeping only the language (nothing planted survives)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def grant(user: User, factor: str | None = None, detail: dict | None = None) -> None:
    """Sign the account in: its audit row, its server-side session, the cookie."""
    # Recorded before the session is granted: no sign-in without its audit row.
    audit.record(
        user,
        audit.SIGN_IN,
        detail={**({"factor": factor} if factor else {}), **(detail or {})} or None,
    )
    user.login_token = StaffSession.start(user)
    db.session.commit()
    _fresh_session()  # a fresh session at sign-in
    if factor:
        session[FACTOR] = factor
    login_user(user)
    log.info("login: user=%s", for_log(user.username))


def sign_in(
    user: User, next_url: str | None, factor: str | None = None, detail: dict | None = None
):
    grant(user, factor, detail)
    return redirect(next_url or home_for(user))


def finish_sign_in(user: User, next_url: str | None, detail: dict | None = None):
    """The first factor was right (a password, or a single sign-on that was not
    two factors; `detail` says which on the audit row): sign in, or first ask
    for the second factor, or first have one set up when the role requires it
    and there is none."""
    if changes.has_factor(user.id):
        if _remembered(user):
            return sign_in(user, next_url, "remembered device", detail)
        return _second_step(user, next_url, enrol=False, detail=detail)
    if changes.required_for(user):
        return _second_step(user, next_url, enrol=True, detail=detail)
    return sign_in(user, next_url, None, detail)


def _stamp(user: User) -> str:
    # Changes when the account's sessions are ended (password reset, disabled,
    # factors reset): a waiting second step ends with them.
    return changes.device_stamp(user)


def _second_step(user: User, next_url: str | None, enrol: bool, detail: dict | None = None):
    _fresh_session()
    session[PENDING] = {
        "user": user.id,
        "stamp": _stamp(user),
        "at": int(time.time()),
        "next": next_url,
        "enrol": enrol,
        "detail": detail,
    }
    log.info("password right, second step next: user=%s", for_log(user.username))
    return redirect(url_for("auth.enrol" if enrol else "auth.verify"))


def pending(enrol: bool) -> User | None:
    """The account whose password was just right, waiting for its second step
    (enrol: for setting up its first factor), if still fresh."""
    data = session.get(PENDING)
    if not isinstance(data, dict) or data.get("enrol") is not enrol:
        return None
    if time.time() - data.get("at", 0) > PENDING_MINUTES * 60:
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or not user.active:
        return None
    if enrol and changes.has_factor(user.id):
        return None  # set up meanwhile: it must now be shown, not added to
    if not hmac.compare_digest(str(data.get("stamp", "")), _stamp(user)):
        return None
    return user


def pending_next() -> str | None:
    data = session.get(PENDING)
    return data.get("next") if isinstance(data, dict) else None


def pending_detail() -> dict | None:
    """How the first factor was passed (e.g. single sign-on), for the audit row."""
    data = session.get(PENDING)
    return data.get("detail") if isinstance(data, dict) else None


def start_again():
    """The second step was not waiting (too late, or never started)."""
    _fresh_session()
    flash(_("Please sign in again."), "info")
    return redirect(url_for("auth.login"))


# -- remembering a browser (off unless HOTLINE_2FA_REMEMBER_DAYS)


def remember_days() -> int:
    return max(0, int(current_app.config.get("HOTLINE_2FA_REMEMBER_DAYS", 0) or 0))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="hotline-remember-device")


def _remembered(user: User) -> bool:
    days, raw = remember_days(), request.cookies.get(REMEMBER_COOKIE)
    if not days or not raw:
        return False
    try:
        data = _serializer().loads(raw, max_age=days * 86400)
    except BadSignature:
        return False
    return (
        isinstance(data, dict)
        and data.get("u") == user.id
        and hmac.compare_digest(str(data.get("s", "")), changes.device_stamp(user))
    )


def _remember(response, user: User):
    days = remember_days()
    if days:
        response.set_cookie(
            REMEMBER_COOKIE,
            _serializer().dumps({"u": user.id, "s": changes.device_stamp(user)}),
            max_age=days * 86400,
            path=url_for("auth.login").rsplit("/", 1)[0],  # sent to /auth only
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


# -- passkeys: the relying party and the challenge


def relying_party() -> tuple[str, str]:
    """(RP ID, origin) of this site for WebAuthn: the settings, else the name
    and address the request came to (a secure context: HTTPS, or localhost)."""
    config = current_app.config
    origin = config.get("HOTLINE_WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")
    return config.get("HOTLINE_WEBAUTHN_RP_ID") or urlsplit(origin).hostname or "", origin


def keep_challenge(challenge: bytes, purpose: str) -> None:
    session[CHALLENGE] = {"c": bytes_to_base64url(challenge), "p": purpose, "at": int(time.time())}


def take_challenge(purpose: str) -> bytes | None:
    """The challenge this browser was given, once, while fresh."""
    data = session.pop(CHALLENGE, None)
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    if time.time() - data.get("at", 0) > CHALLENGE_MINUTES * 60:
        return None
    return base64url_to_bytes(data.get("c", ""))


# -- every staff page waits for the second step


def _go(target: str):
    if request.headers.get("HX-Request"):
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


@bp.before_app_request
def second_step_first():
    if request.blueprint not in STAFF_BLUEPRINTS:
        return None
    if current_user.is_authenticated:
        if session.get(FACTOR) or not changes.required_for(current_user):
            return None
        # Signed in without the factor its role now requires (the setting
        # changed): signed out, to come back through the second step.
        StaffSession.end(current_user.get_id())
        db.session.commit()
        logout_user()
        _fresh_session()
        flash(_("Please sign in again: your account now needs a second factor."), "info")
        return _go(url_for("auth.login"))
    data = session.get(PENDING)
    if isinstance(data, dict):
        return _go(url_for("auth.enrol" if data.get("enrol") else "auth.verify"))
    return None


# -- the second step


def _verify_page(user: User, form=None, status: int = 200, headers: dict | None = None):
    kinds = {f.kind for f in changes.enrolled(user.id)}
    passkey = None
    options = changes.authentication_options(user, relying_party()[0])
    if options:
        passkey, challenge = options
        keep_challenge(challenge, "sign-in")
    page = render_template(
        "auth/verify.html",
        form=form or CodeForm(),
        passkey_form=PasskeySignInForm(prefix="passkey"),
        passkey_options=passkey,
        has_app="totp" in kinds,
        remember_days=remember_days(),
    )
    return page, status, headers or {}


def _held_back(user: User):
    """Too many wrong second factors for this account lately: 429, recorded."""
    wait = throttle.failures_wait(
        "second-factor", str(user.id), "HOTLINE_2FA_ACCOUNT_LIMIT", "5 per 15 minutes"
    )
    if wait is None:
        return None
    audit.record(user, audit.SIGN_IN_FAILED, detail={"reason": "too many wrong codes"})
    db.session.commit()
    form = CodeForm()
    form.code.errors = [
        _("Too many wrong codes. Try again in %(n)d minutes.", n=throttle.minutes(wait))
    ]
    return _verify_page(user, form, 429, {"Retry-After": str(wait)})


def _failed(user: User, reason: str) -> None:
    throttle.count_failure(
        "second-factor", str(user.id), "HOTLINE_2FA_ACCOUNT_LIMIT", "5 per 15 minutes"
    )
    log.warning(
        "second factor refused: user=%s from %s (%s)",
        for_log(user.username),
        for_log(request.remote_addr),
        reason,
    )
    audit.record(user, audit.SIGN_IN_FAILED, detail={"reason": reason})
    db.session.commit()


def _passed(user: User, how: str, remember: bool):
    response = sign_in(user, pending_next(), how, pending_detail())
    return _remember(response, user) if remember else response


@bp.route("/verify")
def verify():
    user = pending(enrol=False)
    if user is None:
        return start_again()
    return _verify_page(user)


@bp.route("/verify", methods=["POST"])
@step_limit
def verify_code():
    user = pending(enrol=False)
    if user is None:
        return start_again()
    if held := _held_back(user):
        return held
    form = CodeForm()
    if form.validate():
        if changes.check_app(user, form.code.data):
            return _passed(user, "totp", form.remember.data)
        if changes.use_recovery_code(user, form.code.data):
            left = changes.recovery_codes_left(user.id)
            response = _passed(user, "recovery code", form.remember.data)
            flash(
                _(
                    "You signed in with a recovery code; %(n)d left. Make new ones "
                    "under Sign-in security (your name at the top of the page).",
                    n=left,
                ),
                "info",
            )
            return response
        _failed(user, "wrong code")
        form.code.errors.append(_("This code is not right, or it was used already."))
    return _verify_page(user, form, 400)


@bp.route("/verify/passkey", methods=["POST"])
@step_limit
def verify_passkey():
    user = pending(enrol=False)
    if user is None:
        return start_again()
    if held := _held_back(user):
        return held
    form = PasskeySignInForm(prefix="passkey")
    challenge = take_challenge("sign-in")
    if form.validate() and challenge:
        rp_id, origin = relying_party()
        if changes.check_passkey(user, form.credential.data, challenge, rp_id, origin):
            return _passed(user, "passkey", form.remember.data)
    _failed(user, "passkey refused")
    code_form = CodeForm()
    code_form.code.errors = [_("The passkey was not accepted. Try again, or use a code.")]
    return _verify_page(user, code_form, 400)
