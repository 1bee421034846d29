"""Who may do what: the sign-in session's account and the role checks every
staff route uses. Blueprints import this; it imports no blueprint."""

from __future__ import annotations

import functools
import logging

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .extensions import login_manager
from .models import Department, Deputy, Role, User, get_user_by_token
from .rules.text import for_log

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
    # A session that timed out says so (models/system.py sets the flag).
    expired = g.get("session_expired", False)
    message = (
        _("Your session has expired. Please sign in again.")
        if expired
        else _("Please sign in to continue.")
    )
    # The APIs answer JSON: never the sign-in page, nor the flash's cookie.
    if request.blueprint in ("api", "api_write"):
        abort(401, description=message)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": message, "status": 401, "expired": expired}), 401
    flash(message, "info")
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


def may_act_for(user: User, department_id: int | None) -> bool:
    """A liaison commits and refers only within their own department; the desk
    and the office for any department."""
    return user.role != Role.LIAISON or department_id == user.department_id


def scope_problems(role: str, department: Department | None, deputy: Deputy | None) -> dict:
    """What is wrong with an account's scope, by form field: a liaison belongs
    to an active department and a deputy account to an active deputy, and no
    other account to either. The admin's account and token forms, `flask user
    create` and the token write layer all ask this; an empty dict is fine."""
    problems = {}
    if role == Role.LIAISON and (department is None or not department.active):
        problems["department_id"] = _l("A liaison belongs to an active department.")
    elif role != Role.LIAISON and department is not None:
        problems["department_id"] = _l("Only a liaison belongs to a department.")
    if role == Role.DEPUTY and (deputy is None or not deputy.active):
        problems["deputy_id"] = _l("A deputy account belongs to an active deputy.")
    elif role != Role.DEPUTY and deputy is not None:
        problems["deputy_id"] = _l("Only a deputy account belongs to a deputy.")
    return problems


supervisor_required = roles_required(Role.SUPERVISOR)
staff_required = roles_required(Role.SUPERVISOR, Role.MODERATOR, Role.LIAISON)
# A deputy's own pages; the office works the same queues.
deputy_required = roles_required(Role.DEPUTY, Role.SUPERVISOR)


def home_for(user: User) -> str:
    """Where an account starts after signing in."""
    if user.role == Role.MODERATOR:
        return url_for("desk.index")
    if user.role == Role.LIAISON:
        return url_for("desk.department")
    if user.role == Role.DEPUTY:
        return url_for("deputy.queue")
    return url_for("followup.dashboard")
