"""Signing in and out."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..changes import lockout
from ..extensions import db, limiter
from ..forms.passwords import lock_message
from ..forms.staff import Form
from ..models import StaffSession
from ..realtime import live
from ..rules.text import for_log
from . import bp
from .factors import finish_sign_in

log = logging.getLogger("hotline.auth")


class LoginForm(Form):
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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("HOTLINE_LOGIN_LIMIT", "10 per minute"), methods=["POST"]
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        # The same work whether the name exists, is locked or neither, so the
        # answer and its time never tell which usernames there are.
        checked = lockout.attempt(form.username.data, form.password.data)
        user, password_ok = checked.user, checked.ok
        if user and user.active and password_ok:
            # Signed in now, or after the second factor (auth/factors.py).
            return finish_sign_in(user, _safe_next(request.args.get("next")))
        log.warning(
            "login failed: username=%s from %s",
            for_log(form.username.data),
            for_log(request.remote_addr),
        )
        # Audited and counted; enough failures in a row lock the name, known or not.
        locked_until = lockout.failed(form.username.data, checked)
        db.session.commit()
        form.password.errors.append(
            lock_message(locked_until)
            if locked_until
            else _("Wrong username or password, or the account is disabled.")
        )
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else (
        400 if form.errors else 200
    )


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    if current_user.is_authenticated:
        # Ended in the database: a copy of this cookie opens nothing any more.
        StaffSession.end(current_user.get_id())
        db.session.commit()
        live.sign_out_everywhere(current_user.id)
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.index"))
