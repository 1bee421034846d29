"""Departments, deputies and staff accounts, managed by the office."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import live
from ..access import supervisor_required
from ..extensions import db
from ..models import MAX_ID, Department, Deputy, Role, User
from . import bp

log = logging.getLogger("hotline.admin")

MIN_PASSWORD = 8


def page(status: int = 200, errors: dict | None = None, values: dict | None = None):
    return (
        render_template(
            "admin/index.html",
            departments=db.session.scalars(select(Department).order_by(Department.id)).all(),
            deputies=db.session.scalars(select(Deputy).order_by(Deputy.id)).all(),
            users=db.session.scalars(select(User).order_by(User.id)).all(),
            roles=list(Role),
            errors=errors or {},
            values=values or {},
        ),
        status,
    )


def done(message: str, anchor: str, signed_out: User | None = None):
    db.session.commit()
    if signed_out is not None:
        live.sign_out_everywhere(signed_out.id)  # open desk connections end too
    log.info("admin by %s: %s", current_user.username, message)
    flash(message, "success")
    return redirect(url_for("admin.index") + "#" + anchor)


def text(name: str, limit: int) -> str:
    return (request.form.get(name) or "").strip()[:limit]


@bp.route("/")
@supervisor_required
def index():
    return page()


# -- departments


def _department_name(errors: dict, key: str, exclude: int | None = None) -> str:
    name = text("name", 100)
    if not name:
        errors[key] = _("Give the department's name.")
    elif db.session.scalar(
        select(Department.id).where(Department.name == name, Department.id != (exclude or 0))
    ):
        errors[key] = _("A department with this name already exists.")
    return name


@bp.route("/departments", methods=["POST"])
@supervisor_required
def department_create():
    errors: dict = {}
    name = _department_name(errors, "department-new")
    if errors:
        return page(422, errors, {"department-new": name})
    db.session.add(Department(name=name))
    return done(_("Department %(name)s created.", name=name), "departments")


@bp.route("/departments/<int:department_id>", methods=["POST"])
@supervisor_required
def department_update(department_id: int):
    item = db.session.get(Department, department_id) or abort(404)
    errors: dict = {}
    key = f"department-{item.id}"
    name = _department_name(errors, key, exclude=item.id)
    if errors:
        return page(422, errors, {key: name})
    email = text("email", 200)
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        return page(422, {key: _("Give an e-mail address like name@example.gov.cn.")}, {key: name})
    item.name = name
    item.email = email
    return done(_("Department %(name)s saved.", name=name), key)


@bp.route("/departments/<int:department_id>/active", methods=["POST"])
@supervisor_required
def department_active(department_id: int):
    item = db.session.get(Department, department_id) or abort(404)
    item.active = request.form.get("active") == "1"
    message = (
        _("Department %(name)s is active.", name=item.name)
        if item.active
        else _("Department %(name)s is deactivated.", name=item.name)
    )
    return done(message, f"department-{item.id}")


# -- deputies


@bp.route("/deputies", methods=["POST"])
@supervisor_required
def deputy_create():
    name, title = text("name", 50), text("title", 200)
    if not name:
        return page(422, {"deputy-new": _("Give the deputy's name.")}, {"deputy-new": title})
    db.session.add(Deputy(name=name, title=title))
    return done(_("Deputy %(name)s added.", name=name), "deputies")


@bp.route("/deputies/<int:deputy_id>", methods=["POST"])
@supervisor_required
def deputy_update(deputy_id: int):
    item = db.session.get(Deputy, deputy_id) or abort(404)
    name, title = text("name", 50), text("title", 200)
    if not name:
        return page(422, {f"deputy-{item.id}": _("Give the deputy's name.")})
    item.name, item.title = name, title
    return done(_("Deputy %(name)s saved.", name=name), f"deputy-{item.id}")


@bp.route("/deputies/<int:deputy_id>/active", methods=["POST"])
@supervisor_required
def deputy_active(deputy_id: int):
    item = db.session.get(Deputy, deputy_id) or abort(404)
    item.active = request.form.get("active") == "1"
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
    username, display = text("username", 50), text("display_name", 100)
    role, password = request.form.get("role", ""), request.form.get("password", "")
    department_id = request.form.get("department_id", type=int)
    if department_id is not None and not 0 < department_id <= MAX_ID:
        department_id = None  # not an id the database could hold: no such department
    errors = {}
    if not username:
        errors["username"] = _("Give a username.")
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = _("This username is taken.")
    if role not in [r.value for r in Role]:
        errors["role"] = _("Choose a role.")
    department = db.session.get(Department, department_id) if department_id else None
    if role == Role.LIAISON and (department is None or not department.active):
        errors["department_id"] = _("A liaison belongs to an active department.")
    if role != Role.LIAISON and department is not None:
        errors["department_id"] = _("Only a liaison belongs to a department.")
    if len(password) < MIN_PASSWORD:
        errors["password"] = _("The password needs at least 8 characters.")
    if errors:
        values = {"username": username, "display_name": display, "role": role}
        values["department_id"] = department_id
        return page(422, errors, values)
    user = User(username=username, display_name=display, role=role, department=department)
    user.set_password(password)
    db.session.add(user)
    return done(_("Account %(name)s created.", name=username), "users")


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@supervisor_required
def user_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    password = request.form.get("password", "")
    if len(password) < MIN_PASSWORD:
        return page(422, {f"user-{user.id}": _("The password needs at least 8 characters.")})
    user.set_password(password)  # also ends the account's sessions
    return done(_("New password set for %(name)s.", name=user.username), f"user-{user.id}", user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@supervisor_required
def user_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        return page(422, {f"user-{user.id}": _("You cannot disable your own account.")})
    user.active = request.form.get("active") == "1"
    if not user.active:
        user.rotate_sessions()
        message = _("Account %(name)s disabled; its sessions have ended.", name=user.username)
        return done(message, f"user-{user.id}", user)
    message = _("Account %(name)s enabled.", name=user.username)
    return done(message, f"user-{user.id}")
