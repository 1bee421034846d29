"""One's own password: /auth/password, for every signed-in member of staff.
The current password is checked as a sign-in is (a wrong one counts towards
the account's lock); the new one follows the policy; the account's other
sessions end."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..changes import lockout
from ..changes import sessions as session_changes
from ..extensions import db, limiter
from ..forms.passwords import ChangePasswordForm, lock_message
from ..realtime import live
from . import bp


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(username=current_user.username)
    if form.validate_on_submit():
        checked = lockout.attempt(current_user.username, form.current.data)
        if not checked.ok:
            until = lockout.failed(current_user.username, checked, where="change password")
            db.session.commit()
            form.current.errors.append(
                lock_message(until) if until else _("This is not your current password.")
            )
        elif form.new.data == form.current.data:
            form.new.errors.append(_("Choose a password other than the current one."))
        else:
            token = current_user.get_id()  # this session's: it goes on
            ended = session_changes.change_own_password(checked.user, form.new.data, token)
            db.session.commit()
            live.sign_out_sessions(ended)
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("auth.sessions"))
    status = 200 if request.method == "GET" else 400
    return render_template("auth/password.html", form=form), status
