"""The standing committee office manages departments, deputies and staff accounts.

Nothing is deleted: departments and deputies are deactivated, accounts are
disabled (which ends their sessions at once).
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import (  # noqa: E402, F401
    areas,
    auditlog,
    categories,
    factors,
    pledges,
    replies,
    routes,
    sso,
    tokens,
    wall,
)
