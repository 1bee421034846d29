"""Renderers that report back (tally) over the API: the same list and flags
as the desk's block (queries/tally.py), read with a Bearer token."""

from __future__ import annotations

from flask import abort, jsonify

from ..access import roles_required
from ..models import Role
from ..queries.tally import tally_of, tally_record
from . import writes_bp


@writes_bp.route("/shows/<int:show_id>/renderers")
@roles_required(Role.MODERATOR, Role.SUPERVISOR)
def renderers(show_id: int):
    tally = tally_of(show_id)
    if tally is None:
        abort(404)
    return jsonify({"data": tally_record(tally)})
