"""What the pickers, the office's page, its export and its unmapped list read
about categories."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Call, Category, CategoryAlias, Department
from ..rules import areas as text_rule


def active() -> list[Category]:
    """The categories a picker offers, by name."""
    return list(db.session.scalars(select(Category).where(Category.active).order_by(Category.name)))


@dataclass(frozen=True)
class Row:
    category: Category
    aliases: tuple[str, ...]


def listed() -> list[Row]:
    """Every category (in use first, then retired), with its aliases."""
    aliases: dict[int, list[str]] = {}
    for text, category_id in db.session.execute(
        select(CategoryAlias.text, CategoryAlias.category_id)
    ):
        aliases.setdefault(category_id, []).append(text)
    rows = db.session.scalars(
        select(Category).order_by(Category.active.desc(), Category.name)
    ).all()
    return [Row(c, tuple(sorted(aliases.get(c.id, ())))) for c in rows]


def export_rows():
    departments = dict(db.session.execute(select(Department.id, Department.name)).all())
    for row in listed():
        c = row.category
        yield [
            c.name,
            departments.get(c.department_id, "") if c.department_id else "",
            c.hint,
            "1" if c.active else "0",
            text_rule.alias_cell(row.aliases),
        ]


@dataclass(frozen=True)
class Unmapped:
    text: str
    calls: int


def unmapped() -> list[Unmapped]:
    """Distinct category texts on calls that name no category yet, with counts."""
    counts: dict[str, dict[str, int]] = {}
    query = (
        select(Call.category, func.count())
        .where(Call.category_id.is_(None), Call.category != "")
        .group_by(Call.category)
    )
    for typed, n in db.session.execute(query):
        texts = counts.setdefault(text_rule.key(typed), {})
        texts[typed] = texts.get(typed, 0) + n
    out = [Unmapped(max(t, key=t.get), sum(t.values())) for t in counts.values()]
    return sorted(out, key=lambda u: (-u.calls, u.text))


def by_name(text: str) -> Category | None:
    from ..changes.categories import category_for

    return category_for(text)


@dataclass(frozen=True)
class Pickers:
    """What a page with an area and a category picker offers before anything is typed."""

    areas: list
    categories: list[Category]


def pickers() -> Pickers:
    from .areas import options

    return Pickers(options(), active())
