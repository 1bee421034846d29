"""Staff sign-in and the role checks every staff route uses."""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from . import audit, live
from .extensions import db, limiter, login_manager
from .models import Role, User, get_user_by_token
from .text import for_log

bp = Blueprint("auth", __name__, url_prefix="/auth")
log = logging.getLogger("hotline.auth")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    user = get_user_by_token(token)
    return user if user and user.active else None


@login_manager.unauthorized_handler
def unauthorized():
    if request.blueprint in ("api",):
        abort(401)
    flash(_("Please sign in to continue."), "info")
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


def roles_required(*roles: str):
    """Allow only signed-in staff with one of these roles; log every denial."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                log.warning(
                    "denied: user=%s role=%s %s %s",
                    for_log(current_user.username),
                    current_user.role,
                    request.method,
                    for_log(request.path),
                )
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def not_found_for(kind: str, item_id: int):
    """A lookup scoped to the user found nothing: a 404 (never a 403 that would
    confirm the item exists), and a log line, as for every denial."""
    log.warning(
        "not found in scope: user=%s role=%s %s=%s %s %s",
        for_log(current_user.username),
        current_user.role,
        kind,
        item_id,
        request.method,
        for_log(request.path),
    )
    abort(404)


supervisor_required = roles_required(Role.SUPERVISOR)
staff_required = roles_required(Role.SUPERVISOR, Role.MODERATOR, Role.LIAISON)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths, so the login page cannot be used as an open redirect.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: User) -> str:
    if user.role == Role.MODERATOR:
        return url_for("desk.index")
    if user.role == Role.LIAISON:
        return url_for("desk.department")
    return url_for("followup.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user and user.active and user.check_password(form.password.data):
            # Recorded before the session is granted: no sign-in without its audit row.
            audit.record(user, audit.SIGN_IN)
            db.session.commit()
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in
            if lang:
                session["lang"] = lang
            login_user(user)
            log.info("login: user=%s", for_log(user.username))
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        log.warning(
            "login failed: username=%s from %s",
            for_log(form.username.data),
            for_log(request.remote_addr),
        )
        audit.record(
            form.username.data,
            audit.SIGN_IN_FAILED,
            detail={
                "reason": "no such user"
                if user is None
                else ("disabled" if not user.active else "wrong password")
            },
        )
        db.session.commit()
        form.password.errors.append(_("Wrong username or password, or the account is disabled."))
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else (
        400 if form.errors else 200
    )


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    if current_user.is_authenticated:
        live.sign_out_everywhere(current_user.id)
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("board.index"))
