"""/api/v1/areas: the office's areas, districts → streets and towns →
communities, retired ones too. An integration client logs a call with
`area_id` from here, or types the text as the desk does (an area not on the
list is kept as typed, for the office to map). Never an alias: an alias may
be what someone typed."""

from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Area
from ..rules.areas import LEVELS
from . import bp
from .fields import INTEGER, STRING, nullable

AREA_SPEC = (
    ("id", INTEGER, _l("area id")),
    ("name", STRING, _l("the area's name")),
    ("parent_id", nullable(INTEGER), _l("the area it lies in (none for a district)")),
    (
        "level",
        {"type": "string", "enum": list(LEVELS)},
        _l("district (区/县), street (街道/镇/乡) or community (社区/村)"),
    ),
    ("code", nullable(STRING), _l("statistical division code (统计用区划代码), when known")),
    ("active", {"type": "boolean"}, _l("in use; a retired area is kept on past records")),
)


def area_record(area: Area) -> dict:
    return {
        "id": area.id,
        "name": area.name,
        "parent_id": area.parent_id,
        "level": area.level,
        "code": area.code,
        "active": area.active,
    }


@bp.route("/areas")
def areas():
    rows = db.session.scalars(select(Area).order_by(Area.path))
    return jsonify({"data": [area_record(a) for a in rows]})
