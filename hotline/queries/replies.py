"""What the office's page, the liaison's pickers and the API read of the
response templates: the list, the ones offered for an item and an action
(its category's and the all-category ones, never a retired one), and each
filled in for the item (rules/replies.py)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import or_, select

from ..changes.categories import category_for
from ..extensions import db
from ..models import Call, Category, Commitment, Reply
from ..rules import replies as rule


class Offer(NamedTuple):
    reply: Reply
    filled: rule.Filled


def listed() -> list[Reply]:
    """Every template for the office: in use first, by action, category, id."""
    order = {action: n for n, action in enumerate(rule.ACTIONS)}
    rows = db.session.scalars(select(Reply).order_by(Reply.id)).all()
    return sorted(
        rows, key=lambda r: (not r.active, order.get(r.action, 99), r.category_id or 0, r.id)
    )


def categories() -> list[Category]:
    """The categories a template may be written for (retired ones too, marked)."""
    return list(db.session.scalars(select(Category).order_by(Category.active.desc(), Category.id)))


def offered(action: str, category_id: int | None) -> list[Reply]:
    """The templates in use for `action`: the category's first, then the all-category ones."""
    if action not in rule.ACTIONS:
        return []
    scope = Reply.category_id.is_(None)
    if category_id is not None:
        scope = or_(scope, Reply.category_id == category_id)
    query = select(Reply).where(Reply.active, Reply.action == action, scope)
    rows = db.session.scalars(query.order_by(Reply.id)).all()
    return sorted(rows, key=lambda r: r.category_id is None)


def category_for_text(text: str) -> int | None:
    """The managed category a typed text names (its name, or an alias of it),
    compared as the office's lists compare it (changes/categories.category_for)."""
    found = category_for(text)
    return found.id if found is not None else None


def category_of_call(call: Call | None) -> int | None:
    if call is None:
        return None
    return call.category_id or category_for_text(call.category)


def category_of(item: Commitment) -> int | None:
    """The category of a board item's call or 代表码 message (mapped, or typed)."""
    if item.call is not None:
        return category_of_call(item.call)
    return item.message.category_id if item.message is not None else None


def values_of(item: Commitment, day: date) -> dict:
    """The placeholders' values for a board item on `day`."""
    source = item.call or item.message
    return {
        rule.DEPARTMENT: item.department.name if item.department else "",
        rule.PLACE: item.place or (source.area if source is not None else ""),
        rule.DATE: day,
        rule.DEADLINE: item.deadline,
    }


def values_of_call(call: Call, day: date) -> dict:
    """The placeholders' values for an answer on air (no deadline yet)."""
    return {
        rule.DEPARTMENT: call.department.name if call.department else "",
        rule.PLACE: call.area,
        rule.DATE: day,
    }


def for_item(item: Commitment, actions, day: date) -> dict[str, list[Offer]]:
    """{action: its offers filled in for `item`} for each of `actions` that has any."""
    category_id, values = category_of(item), values_of(item, day)
    found = {}
    for action in actions:
        rows = offered(action, category_id)
        if rows:
            found[action] = [Offer(r, rule.fill(r.text, values)) for r in rows]
    return found


def for_call(call: Call, day: date) -> list[Offer]:
    """The answers on air offered for `call`, filled in."""
    values = values_of_call(call, day)
    return [Offer(r, rule.fill(r.text, values)) for r in offered("answer", category_of_call(call))]


def in_use(action: str | None = None, category_id: int | None = None) -> list[Reply]:
    """The templates in use (the API): of one action or all; of one category
    with the all-category ones (what a liaison is offered), or of every category."""
    if action is not None and category_id is not None:
        return offered(action, category_id)
    query = select(Reply).where(Reply.active)
    if action is not None:
        query = query.where(Reply.action == action)
    if category_id is not None:
        query = query.where(or_(Reply.category_id.is_(None), Reply.category_id == category_id))
    return list(db.session.scalars(query.order_by(Reply.id)))
