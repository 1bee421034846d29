"""The office resets a staff account's second factors (a lost phone, a lost
key and no recovery code left): every factor and recovery code goes, the
account's sessions end, and it sets a factor up again at its next sign-in if
its role requires one."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from ..access import supervisor_required
from ..changes import factors, tokens
from ..extensions import db
from ..models import User
from . import bp
from .routes import done


@bp.route("/users/<int:user_id>/factors/reset", methods=["POST"])
@supervisor_required
def user_factors_reset(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id in tokens.token_users():  # a token's account: it never signs in
        abort(404)
    factors.reset(user, current_user)
    message = _("Second factors of %(name)s reset; their sessions have ended.", name=user.username)
    return done(message, f"user-{user.id}", user)
