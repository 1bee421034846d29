"""The department liaison's console: calls routed to their department, live."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..access import roles_required
from ..extensions import db
from ..models import Department, Role
from ..queries.desk import department_calls
from ..realtime import live
from ..web import page_or_block
from . import bp
from .helpers import DEPARTMENT_PAGE


@bp.route("/department")
@roles_required(Role.LIAISON)
def department():
    live.pin(f"department:{current_user.department_id}", live.STAFF)  # before the calls are read
    dept = db.session.get(Department, current_user.department_id)
    if dept is None:
        abort(404)
    return page_or_block(DEPARTMENT_PAGE, "live", department=dept, calls=department_calls(dept.id))
