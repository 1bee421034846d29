"""The office's response templates over the API (GET /api/v1/replies): for
an integration that lets its own users pick one, with a staff token (any
staff role; a deputy's token is refused). Only templates in use; their text
as the office wrote it, each placeholder named with what fills it."""

from __future__ import annotations

from flask import jsonify, request

from ..access import staff_required
from ..models import Category, Reply
from ..queries import replies as query
from ..rules import replies as rule
from . import writes_bp
from .bearer import error
from .filters import BadFilter, choice, existing


def record(row: Reply) -> dict:
    return {
        "id": row.id,
        "action": row.action,
        "category_id": row.category_id,
        "category": row.category.name if row.category else None,
        "title": row.title,
        "text": row.text,
        "placeholders": [
            {"written": written, "means": rule.meaning(written[1:-1])}
            for written in rule.placeholders(row.text)
        ],
    }


@writes_bp.route("/replies")
@staff_required
def replies():
    try:
        action = choice(request.args, "action", list(rule.ACTIONS))
        category_id = existing(request.args, "category", Category)
    except BadFilter as bad:
        return error(400, bad.message, parameter=bad.parameter)
    return jsonify({"data": [record(r) for r in query.in_use(action, category_id)]})
