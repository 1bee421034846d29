"""Departments, deputies and staff accounts, managed by the office."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import scope_problems, supervisor_required
from ..actions import desk as actions
from ..changes import audit, factors, limits, lockout, tokens
from ..clock import today
from ..extensions import db
from ..forms.admin import ActiveForm, DepartmentForm, DeputyForm, LimitsForm, PasswordForm, UserForm
from ..models import Department, Deputy, Role, User
from ..queries.pledges import office_phrases
from ..realtime import live
from ..rules import pledges as vague
from ..rules.text import for_log
from ..rules.workdays import unknown_years
from . import bp

log = logging.getLogger("hotline.admin")


def page(status: int = 200, errors: dict | None = None, values: dict | None = None):
    hidden = tokens.token_users()
    # The accounts behind API tokens are listed under API tokens, not here.
    users = [u for u in db.session.scalars(select(User).order_by(User.id)) if u.id not in hidden]
    return (
        render_template(
            "admin/index.html",
            departments=db.session.scalars(select(Department).order_by(Department.id)).all(),
            deputies=db.session.scalars(select(Deputy).order_by(Deputy.id)).all(),
            users=users,
            # Accounts that failed sign-ins have locked, and until when.
            locks=lockout.locks_on(users),
            roles=list(Role),
            second_factors=factors.kinds_by_user(),
            second_factor_roles=current_app.config["HOTLINE_2FA_ROLES"],
            limits=limits.LIMITS,
            limit_values=limits.values(),
            reviewed_phrases=vague.VAGUE,
            office_phrases=office_phrases(),
            unknown_years=unknown_years(today()),
            errors=errors or {},
            values=values or {},
        ),
        status,
    )


def first_error(form) -> str | None:
    for messages in form.errors.values():
        if messages:
            return str(messages[0])
    return None


def done(message: str, anchor: str, signed_out: User | None = None):
    if actions.save() != actions.SAVED:
        abort(409)  # a twin submission changed the same row a moment earlier
    if signed_out is not None:
        live.sign_out_everywhere(signed_out.id)  # open desk connections end too
    log.info("admin by %s: %s", for_log(current_user.username), for_log(message))
    flash(message, "success")
    return redirect(url_for("admin.index") + "#" + anchor)


@bp.route("/")
@supervisor_required
def index():
    return page()


# -- departments


def _checked_department(form: DepartmentForm, exclude: int | None = None) -> str | None:
    """The form's error, if any: a missing, unreadable or taken name, a bad address."""
    if not form.validate():
        return first_error(form)
    taken = db.session.scalar(
        select(Department.id).where(
            Department.name == form.name.data, Department.id != (exclude or 0)
        )
    )
    return _("A department with this name already exists.") if taken else None


@bp.route("/departments", methods=["POST"])
@supervisor_required
def department_create():
    form = DepartmentForm()
    error = _checked_department(form)
    if error:
        return page(422, {"department-new": error}, {"department-new": form.name.data})
    db.session.add(Department(name=form.name.data))
    audit.record(current_user, audit.DEPARTMENT_CREATED, form.name.data)
    return done(_("Department %(name)s created.", name=form.name.data), "departments")


@bp.route("/departments/<int:department_id>", methods=["POST"])
@supervisor_required
def department_update(department_id: int):
    item = db.session.get(Department, department_id) or abort(404)
    form = DepartmentForm()
    key = f"department-{item.id}"
    error = _checked_department(form, exclude=item.id)
    if error:
        return page(422, {key: error}, {key: form.name.data})
    old = {"name": item.name, "email": item.email}
    item.name = form.name.data
    item.email = form.email.data or ""
    new = {"name": item.name, "email": item.email}
    detail = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
    if detail:
        audit.record(current_user, audit.DEPARTMENT_CHANGED, item.name, detail)
    return done(_("Department %(name)s saved.", name=item.name), key)


@bp.route("/departments/<int:department_id>/active", methods=["POST"])
@supervisor_required
def department_active(department_id: int):
    item = db.session.get(Department, department_id) or abort(404)
    was, item.active = item.active, ActiveForm().on
    if was != item.active:
        action = audit.DEPARTMENT_ACTIVATED if item.active else audit.DEPARTMENT_DEACTIVATED
        audit.record(current_user, action, item.name)
    message = (
        _("Department %(name)s is active.", name=item.name)
        if item.active
        else _("Department %(name)s is deactivated.", name=item.name)
    )
    return done(message, f"department-{item.id}")


# -- limits (working days)


@bp.route("/limits", methods=["POST"])
@supervisor_required
def limits_update():
    form = LimitsForm()
    if not form.validate():
        values = {f"limit-{k}": request.form.get(k, "") for k in limits.BY_KEY}
        return page(422, {"limits": first_error(form)}, values)
    before = limits.values()
    changes = {}
    for limit in limits.LIMITS:
        if limit.key not in request.form:
            continue  # a limit left out of the form keeps its value
        value = getattr(form, limit.key).data
        limits.set_value(limit.key, value, current_user)
        if before[limit.key] != value:
            changes[limit.key] = [before[limit.key], value]
    if changes:
        audit.record(current_user, audit.LIMITS_CHANGED, "limits", changes)
    return done(_("Limits saved. They apply to items made from now on."), "limits")


# -- deputies


@bp.route("/deputies", methods=["POST"])
@supervisor_required
def deputy_create():
    form = DeputyForm()
    if not form.validate():
        return page(422, {"deputy-new": first_error(form)}, {"deputy-new": form.title.data})
    db.session.add(Deputy(name=form.name.data, title=form.title.data or ""))
    audit.record(current_user, audit.DEPUTY_CREATED, form.name.data)
    return done(_("Deputy %(name)s added.", name=form.name.data), "deputies")


@bp.route("/deputies/<int:deputy_id>", methods=["POST"])
@supervisor_required
def deputy_update(deputy_id: int):
    item = db.session.get(Deputy, deputy_id) or abort(404)
    form = DeputyForm()
    if not form.validate():
        return page(422, {f"deputy-{item.id}": first_error(form)})
    old = {"name": item.name, "title": item.title}
    item.name, item.title = form.name.data, form.title.data or ""
    new = {"name": item.name, "title": item.title}
    detail = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
    if detail:
        audit.record(current_user, audit.DEPUTY_CHANGED, item.name, detail)
    return done(_("Deputy %(name)s saved.", name=item.name), f"deputy-{item.id}")


@bp.route("/deputies/<int:deputy_id>/active", methods=["POST"])
@supervisor_required
def deputy_active(deputy_id: int):
    item = db.session.get(Deputy, deputy_id) or abort(404)
    was, item.active = item.active, ActiveForm().on
    if was != item.active:
        action = audit.DEPUTY_ACTIVATED if item.active else audit.DEPUTY_DEACTIVATED
        audit.record(current_user, action, item.name)
    message = (
        _("Deputy %(name)s is active.", name=item.name)
        if item.active
        else _("Deputy %(name)s is deactivated.", name=item.name)
    )
    return done(message, f"deputy-{item.id}")


# -- staff accounts


@bp.route("/users", methods=["POST"])
@supervisor_required
def user_create():
    form = UserForm()
    form.validate()
    errors = {name: str(messages[0]) for name, messages in form.errors.items() if messages}
    username, role, department_id = form.username.data, form.role.data, form.department()
    if "username" not in errors and db.session.scalar(
        select(User.id).where(User.username == username)
    ):
        errors["username"] = _("This username is taken.")
    department = db.session.get(Department, department_id) if department_id else None
    deputy_id = form.deputy()
    deputy = db.session.get(Deputy, deputy_id) if deputy_id else None
    errors.update(scope_problems(role, department, deputy))
    if errors:
        values = {"username": username, "display_name": form.display_name.data, "role": role}
        values["department_id"] = department_id
        values["deputy_id"] = deputy_id
        return page(422, errors, values)
    user = User(
        username=username,
        display_name=form.display_name.data or "",
        role=role,
        department=department,
        deputy_id=deputy.id if deputy else None,
    )
    user.set_password(form.password.data)
    db.session.add(user)
    detail = {"role": str(role), "department": department.name if department else ""}
    audit.record(current_user, audit.USER_CREATED, username, detail)
    return done(_("Account %(name)s created.", name=username), "users")


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@supervisor_required
def user_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id in tokens.token_users():  # a token's account: managed as the token
        abort(404)
    form = PasswordForm(username=user.username)
    if not form.validate():
        return page(422, {f"user-{user.id}": first_error(form)})
    user.set_password(form.password.data)  # also ends the account's sessions
    audit.record(current_user, audit.PASSWORD_RESET, user.username)
    return done(_("New password set for %(name)s.", name=user.username), f"user-{user.id}", user)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@supervisor_required
def user_unlock(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id in tokens.token_users():  # a token's account: managed as the token
        abort(404)
    lockout.unlock(user.username, current_user)  # audited when a lock held
    message = _("Account %(name)s may sign in again.", name=user.username)
    return done(message, f"user-{user.id}")


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@supervisor_required
def user_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id in tokens.token_users():  # a token's account: managed as the token
        abort(404)
    if user.id == current_user.id:
        return page(422, {f"user-{user.id}": _("You cannot disable your own account.")})
    was, user.active = user.active, ActiveForm().on
    if was != user.active:
        action = audit.USER_ENABLED if user.active else audit.USER_DISABLED
        audit.record(current_user, action, user.username)
    if not user.active:
        user.rotate_sessions()
        message = _("Account %(name)s disabled; its sessions have ended.", name=user.username)
        return done(message, f"user-{user.id}", user)
    message = _("Account %(name)s enabled.", name=user.username)
    return done(message, f"user-{user.id}")
