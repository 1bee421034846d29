"""The live desk: moderators run shows and log calls; liaisons answer for their department."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from .auth import roles_required
from .extensions import db
from .models import Role, Show, ShowStatus

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.route("/")
@roles_required(Role.MODERATOR, Role.SUPERVISOR)
def index():
    shows = db.session.scalars(
        select(Show).where(Show.status != ShowStatus.ENDED).order_by(Show.starts_at)
    ).all()
    return render_template("desk/index.html", shows=shows)


@bp.route("/department")
@roles_required(Role.LIAISON)
def department():
    return render_template("desk/department.html", department=current_user.department)
