"""The show's dossier (档案): what the panel's departments and their officials
have promised and done, and the voters' top topics, on one screen before the
show and printed on A4 (one department a page). The desk puts any line of it
on air from here; a liaison reads their own department's part alone."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from ..access import not_found_for, roles_required
from ..clock import today
from ..models import Role
from ..queries.dossier import GROUPS, RECENT_DAYS, dossier
from ..queries.onair import on_air_card
from ..queries.shows import show_with_panel
from . import bp
from .helpers import ANYONE

PAGE = "desk/dossier.html"


def _render(show_id: int, department_id: int | None):
    show = show_with_panel(show_id)
    if show is None:
        abort(404)
    found = dossier(show, current_user, today(), department_id)
    if found is None:
        not_found_for("dossier", department_id or show_id)  # never "forbidden"
    may_air = current_user.has_role(Role.MODERATOR, Role.SUPERVISOR)
    return render_template(
        PAGE,
        show=show,
        dossier=found,
        groups=GROUPS,
        recent_days=RECENT_DAYS,
        may_air=may_air,
        card=on_air_card(show, found.today) if may_air else None,
        one=department_id is not None,
    )


@bp.route("/shows/<int:show_id>/dossier")
@roles_required(*ANYONE)
def dossier_page(show_id: int):
    """Every department of the panel (a liaison's own alone)."""
    return _render(show_id, None)


@bp.route("/shows/<int:show_id>/dossier/<int:department_id>")
@roles_required(*ANYONE)
def dossier_department(show_id: int, department_id: int):
    """One department's part, to print for it alone."""
    return _render(show_id, department_id)
