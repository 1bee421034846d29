"""/api/v1/categories: the office's categories, retired ones too (a past call
may carry one), each with the department a call of it routes to by default.
An integration client logs a call with `category_id` from here, or types the
text as the desk does."""

from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Category
from . import bp
from .fields import INTEGER, STRING, nullable

CATEGORY_SPEC = (
    ("id", INTEGER, _l("category id")),
    ("name", STRING, _l("the category's name")),
    ("department_id", nullable(INTEGER), _l("the department a call of it routes to by default")),
    ("hint", STRING, _l("a line for the picker: what belongs here")),
    ("active", {"type": "boolean"}, _l("in use; a retired category is kept on past calls")),
)


def category_record(category: Category) -> dict:
    return {
        "id": category.id,
        "name": category.name,
        "department_id": category.department_id,
        "hint": category.hint,
        "active": category.active,
    }


@bp.route("/categories")
def categories():
    rows = db.session.scalars(select(Category).order_by(Category.id))
    return jsonify({"data": [category_record(c) for c in rows]})
