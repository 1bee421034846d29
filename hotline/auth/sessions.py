"""One's own sessions: /auth/sessions lists where the account is signed in
(started, last seen, browser, address) and signs out everywhere."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..changes import sessions as session_changes
from ..extensions import db
from ..models import StaffSession
from ..realtime import live
from ..rules.text import for_log
from . import bp

log = logging.getLogger("hotline.auth")


@bp.route("/sessions")
@login_required
def sessions():
    return render_template(
        "auth/sessions.html",
        rows=session_changes.active(current_user),
        this=StaffSession.key(current_user.get_id()),
    )


@bp.route("/sessions/end", methods=["POST"])
@login_required
def sign_out_everywhere():
    user = current_user._get_current_object()
    session_changes.end_all(user)
    db.session.commit()
    # Open desk pages of every session, on every server process, stop at once.
    live.sign_out_everywhere(user.id)
    log.info("signed out everywhere: user=%s", for_log(user.username))
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out everywhere: every session of your account has ended."), "info")
    return redirect(url_for("auth.login"))
