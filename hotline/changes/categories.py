"""The office's categories: added, changed, retired (a past call keeps its
category and its department), imported from a CSV in one go; the texts typed
on air mapped to them; and `classify()`, which every saved call and 代表码
message goes through: a typed area or category that is a name or an alias
gets its id, and a call with a category but no department is routed to the
category's default department. Audited; callers commit.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..extensions import db
from ..models import Area, Call, Category, CategoryAlias, Department, User
from ..rules import areas as text_rule
from ..rules import categories as rule
from . import areas, audit


class CategoryError(ValueError):
    """A change the office cannot make; `code` is worded by the page."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def category_for(text: str | None) -> Category | None:
    """The category a typed text means (its name or an alias), retired or not."""
    key = text_rule.key(text)
    if not key:
        return None
    found = db.session.scalar(
        select(Category)
        .join(CategoryAlias, CategoryAlias.category_id == Category.id)
        .where(CategoryAlias.text == key)
    )
    if found is not None:
        return found
    return db.session.scalar(select(Category).where(Category.name == text_rule.clean(text)))


def classify(record, *, category_id: int | None = None, area_id: int | None = None) -> None:
    """Set a call's or a message's ids from what was typed (or from the ids an
    API client picked, which then name the text when none was typed), and
    route a call that has a category but no department yet. The text is kept
    as it was typed: nothing is lost when it matches nothing (it waits for the
    office, listed as unmapped)."""
    if area_id is not None:
        record.area_id = area_id
        if not record.area:
            record.area = db.session.get(Area, area_id).name
    else:
        record.area_id = areas.area_id_for(record.area)
    category = db.session.get(Category, category_id) if category_id is not None else None
    if isinstance(record, Call):
        if category is None:
            category = category_for(record.category)
        elif not record.category:
            record.category = category.name
    if category is not None:
        record.category_id = category.id
        if isinstance(record, Call) and record.department_id is None:
            record.department_id = default_department(category)
    elif isinstance(record, Call):
        record.category_id = None


def default_department(category: Category) -> int | None:
    """Where a call of this category goes when the desk picks no department:
    nowhere for a retired category, or one whose department is deactivated."""
    if not category.active or category.department_id is None:
        return None
    department = db.session.get(Department, category.department_id)
    return department.id if department is not None and department.active else None


def _name_free(name: str, exclude: int | None = None) -> None:
    key = text_rule.key(name)
    for row in db.session.scalars(select(Category).where(Category.id != (exclude or 0))):
        if text_rule.key(row.name) == key:
            raise CategoryError("taken", name=name)
    owner = db.session.scalar(select(CategoryAlias.category_id).where(CategoryAlias.text == key))
    if owner is not None and owner != exclude:
        raise CategoryError("alias_taken", alias=name)


def add_alias(category: Category, text: str) -> bool:
    key = text_rule.key(text)
    if not key or key == text_rule.key(category.name):
        return False
    if db.session.scalar(select(CategoryAlias.id).where(CategoryAlias.text == key)):
        return False
    db.session.add(CategoryAlias(text=key, category_id=category.id))
    return True


def add(name: str, department_id: int | None, hint: str, actor: User) -> Category:
    name = text_rule.clean(name)
    _name_free(name)
    category = Category(name=name, department_id=department_id, hint=text_rule.clean(hint))
    db.session.add(category)
    db.session.flush()
    detail = {"department_id": department_id, "hint": category.hint}
    audit.record(actor, audit.CATEGORY_CREATED, name, detail)
    map_exact()
    return category


def change(
    category: Category, name: str, department_id: int | None, hint: str, actor: User
) -> dict:
    """Rename, reroute or reword: past calls keep their category and their
    department (routing is decided when a call is logged). An old name stays
    as an alias."""
    name, hint = text_rule.clean(name), text_rule.clean(hint)
    _name_free(name, exclude=category.id)
    diff = {}
    if name != category.name:
        diff["name"] = [category.name, name]
        old, category.name = category.name, name
        db.session.flush()
        add_alias(category, old)
    if department_id != category.department_id:
        diff["department_id"] = [category.department_id, department_id]
        category.department_id = department_id
    if hint != category.hint:
        diff["hint"] = [category.hint, hint]
        category.hint = hint
    if diff:
        audit.record(actor, audit.CATEGORY_CHANGED, category.name, diff)
        map_exact()
    return diff


def set_active(category: Category, active: bool, actor: User) -> None:
    """Retire a category (it leaves the pickers and routes nothing new) or bring
    it back. A past call is never changed."""
    if category.active == active:
        return
    category.active = active
    action = audit.CATEGORY_ACTIVATED if active else audit.CATEGORY_RETIRED
    audit.record(actor, action, category.name)


# --- the CSV import ------------------------------------------------------------------


def plan_import(text: str) -> tuple[rule.CategoryPlan, list]:
    rows, problems = rule.parse_categories(text)
    existing = [
        rule.Entry(c.id, c.name, c.department_id, c.hint, c.active)
        for c in db.session.scalars(select(Category).order_by(Category.id))
    ]
    departments = {text_rule.key(d.name): d.id for d in db.session.scalars(select(Department))}
    owners = dict(db.session.execute(select(CategoryAlias.text, CategoryAlias.category_id)).all())
    plan, more = rule.plan_categories(rows, existing, departments, owners)
    return plan, sorted(problems + more, key=lambda p: p.row)


def apply_import(plan: rule.CategoryPlan, actor: User | None, *, audited: bool = True) -> dict:
    made: dict[int, Category] = {}
    for entry in plan.creates:
        category = Category(
            name=entry.name,
            department_id=entry.department_id,
            hint=entry.hint,
            active=entry.active,
        )
        db.session.add(category)
        made[entry.id] = category
    db.session.flush()
    for category_id, diff in plan.updates.items():
        category = db.session.get(Category, category_id)
        for field, (_old, new) in diff.items():
            setattr(category, field, new)
    db.session.flush()
    for ref, text in plan.aliases:
        add_alias(made[ref] if ref < 0 else db.session.get(Category, ref), text)
    counts = {
        "added": len(plan.creates),
        "changed": len(plan.updates),
        "aliases": len(plan.aliases),
    }
    if not plan.empty and audited:
        audit.record(actor or audit.CLI, audit.CATEGORIES_IMPORTED, "categories", dict(counts))
    if not plan.empty:
        counts["mapped"] = map_exact()
    return counts


# --- typed texts the office maps -----------------------------------------------------


def _typed_texts() -> list[str]:
    query = select(Call.category).where(Call.category_id.is_(None), Call.category != "")
    return list(db.session.scalars(query.distinct()))


def _set_ids(texts: list[str], category_id: int) -> int:
    result = db.session.execute(
        update(Call)
        .where(Call.category_id.is_(None), Call.category.in_(texts))
        .values(category_id=category_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def map_text(text: str, category: Category, actor: User) -> int:
    """The office says what a typed category means: an alias, and the id on
    every call carrying the text (the text and the department stay)."""
    key = text_rule.key(text)
    if not key:
        raise CategoryError("no_text")
    owner = db.session.scalar(select(CategoryAlias.category_id).where(CategoryAlias.text == key))
    if owner is not None and owner != category.id:
        raise CategoryError("alias_taken", alias=text)
    if owner is None and key != text_rule.key(category.name):
        db.session.add(CategoryAlias(text=key, category_id=category.id))
    count = _set_ids([t for t in _typed_texts() if text_rule.key(t) == key], category.id)
    detail = {"category": category.name, "category_id": category.id, "records": count}
    audit.record(actor, audit.CATEGORY_MAPPED, text, detail)
    return count


def map_exact() -> int:
    """Unmapped calls whose category text is now a name or an alias get its id."""
    count = 0
    for text in _typed_texts():
        found = category_for(text)
        if found is not None:
            count += _set_ids([text], found.id)
    return count
