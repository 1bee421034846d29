"""What the desk's route modules share: role sets, scoped loads, form choices."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import not_found_for
from ..models import Call, Role, Show
from ..queries.categories import Pickers, pickers
from ..queries.desk import active_departments, active_deputies, call_for
from ..queries.shows import show_with_calls
from ..web import is_fragment_request

DESK = (Role.MODERATOR, Role.SUPERVISOR)
ANYONE = (Role.MODERATOR, Role.SUPERVISOR, Role.LIAISON)
CONSOLE = "desk/console.html"
CALL_PAGE = "desk/call.html"
REFCODES = "desk/_refcodes.html"
DEPARTMENT_PAGE = "desk/department.html"


def show_or_404(show_id: int) -> Show:
    show = show_with_calls(show_id)
    if show is None:
        abort(404)
    return show


def call_or_404(call_id: int) -> Call:
    call = call_for(current_user, call_id)
    if call is None:
        not_found_for("call", call_id)  # another department's call: never "forbidden"
    return call


def department_choices(show: Show | None, blank: str | None) -> list[SelectChoice]:
    """Panel departments first (the usual choice on air), then all the others."""
    panel_ids = {d.id for d in show.departments} if show else set()
    choices = [SelectChoice("", blank)] if blank is not None else []
    on_panel, others = _("On the panel"), _("Other departments")
    for d in active_departments():
        choices.append(
            SelectChoice(d.id, d.name, optgroup=on_panel if d.id in panel_ids else others)
        )
    choices.sort(key=lambda c: c.optgroup == others)  # stable: panel group first
    return choices


def deputy_choices(show: Show | None) -> list[SelectChoice]:
    deputies = show.deputies if show and show.deputies else active_deputies()
    return [SelectChoice("", _("— not recorded —"))] + [
        SelectChoice(d.id, d.name) for d in deputies
    ]


def page_pickers() -> Pickers | None:
    """The area and category pickers' first suggestions, for a whole page (a
    fragment keeps the page's own)."""
    return None if is_fragment_request() else pickers()
