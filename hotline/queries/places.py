"""Filtering by the office's managed category and area (models/categories.py,
models/areas.py), the same on every surface: the board, the open data (JSON
and CSV), the feeds and the three lists.

An area includes everything in it: a district's filter takes its streets' and
communities' items. An area's `path` lists the ids from its district down to
itself ("/3/17/"), so "this area or one inside it" is the areas whose path
holds "/<id>/": one subquery inside the same statement, never a query more.
An id no row has matches nothing (an empty page, never an error).

A board item carries the category and area of the call it came from, or, for
an item from a 代表码 message, of the message.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import literal, null, or_, select, union_all

from ..extensions import db
from ..models import MAX_ID, Area, Call, Category, Commitment, DeputyMessage

__all__ = [
    "Choice",
    "area_subtree",
    "call_conditions",
    "item_conditions",
    "place_arg",
    "place_choices",
]


def place_arg(args, name: str) -> int | None:
    """An id filter from the URL (a category, an area, a department...); one no
    row could have filters nothing. The board reads its ids with it too."""
    value = args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def area_subtree(area_id: int):
    """The ids of the area and of every area inside it (a subquery)."""
    return select(Area.id).where(Area.path.contains(f"/{int(area_id)}/"))


def call_conditions(category: int | None, area: int | None) -> list:
    """WHERE conditions on Call for the two filters (none when neither is set)."""
    where = []
    if category:
        where.append(Call.category_id == category)
    if area:
        where.append(Call.area_id.in_(area_subtree(area)))
    return where


def item_conditions(category: int | None, area: int | None) -> list:
    """WHERE conditions on Commitment outer-joined to Call: the call's category
    and area, or its 代表码 message's."""

    def of_message(condition):
        return Commitment.message_id.in_(select(DeputyMessage.id).where(condition))

    where = []
    if category:
        where.append(
            or_(Call.category_id == category, of_message(DeputyMessage.category_id == category))
        )
    if area:
        where.append(
            or_(
                Call.area_id.in_(area_subtree(area)),
                of_message(DeputyMessage.area_id.in_(area_subtree(area))),
            )
        )
    return where


class Choice(NamedTuple):
    """A category or an area as a filter's option shows it."""

    id: int
    name: str
    parent_id: int | None
    active: bool


def place_choices(category: int | None = None, area: int | None = None) -> dict:
    """The filters' options in one query: {"categories": [Choice], "areas":
    [(Choice, depth)]}. Active ones, and a retired one when it is the filter
    being shown (a shared link keeps saying what it filters). Categories by
    name; areas in the order of the hierarchy, each district followed by its
    streets and each street by its communities, by name at every level."""
    categories = select(
        literal("category").label("kind"),
        Category.id,
        Category.name,
        null().label("parent_id"),
        Category.active,
    ).where(or_(Category.active.is_(True), Category.id == (category or 0)))
    areas = select(
        literal("area").label("kind"), Area.id, Area.name, Area.parent_id, Area.active
    ).where(or_(Area.active.is_(True), Area.id == (area or 0)))
    both = union_all(categories, areas).subquery()
    rows = db.session.execute(select(both).order_by(both.c.kind, both.c.name, both.c.id)).all()
    found: dict[str, list[Choice]] = {"category": [], "area": []}
    for kind, *values in rows:
        found[kind].append(Choice(*values))
    return {"categories": found["category"], "areas": _tree(found["area"])}


def _tree(areas: list[Choice]) -> list[tuple[Choice, int]]:
    children: dict[int | None, list[Choice]] = {}
    known = {a.id for a in areas}
    for area in areas:
        parent = area.parent_id if area.parent_id in known else None
        children.setdefault(parent, []).append(area)
    ordered: list[tuple[Choice, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for area in children.get(parent, []):
            ordered.append((area, depth))
            walk(area.id, depth + 1)

    walk(None, 0)
    return ordered
