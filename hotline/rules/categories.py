"""Managed categories, the pure part: the office's CSV (name, department,
hint, active, aliases) read, checked and planned against the list it has.
Texts are compared as areas' are (rules/areas.py: clean, key)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .areas import Problem, active_flag, aliases_in, clean, key, read_csv

HEADER = ("name", "department", "hint", "active", "aliases")
MAX_NAME = 50
MAX_HINT = 200
MAX_DEPARTMENT = 100


@dataclass(frozen=True)
class CategoryRow:
    row: int
    name: str
    department: str  # a department's name, "" for none
    hint: str
    active: bool
    aliases: tuple[str, ...]


def parse_categories(text: str) -> tuple[list[CategoryRow], list[Problem]]:
    records, problems = read_csv(text, HEADER, ("name",))
    rows = []
    for number, record in records:
        before = len(problems)
        name = clean(record.get("name", ""))
        if not name:
            problems.append(Problem(number, "no_name"))
        elif len(name) > MAX_NAME:
            problems.append(Problem(number, "name_long", {"most": MAX_NAME}))
        hint = clean(record.get("hint", ""))
        if len(hint) > MAX_HINT:
            problems.append(Problem(number, "hint_long", {"most": MAX_HINT}))
        active = active_flag(record.get("active", ""))
        if active is None:
            problems.append(Problem(number, "active", {"value": record.get("active", "")[:20]}))
        aliases = aliases_in(record.get("aliases", ""), number, MAX_NAME, problems)
        department = clean(record.get("department", ""))[:MAX_DEPARTMENT]
        if len(problems) == before:
            rows.append(CategoryRow(number, name, department, hint, bool(active), aliases))
    return rows, sorted(problems, key=lambda p: p.row)


@dataclass(frozen=True)
class Entry:
    """A category as the plan sees it; `id` negative for one the file adds."""

    id: int
    name: str
    department_id: int | None = None
    hint: str = ""
    active: bool = True


@dataclass
class CategoryPlan:
    creates: list[Entry] = field(default_factory=list)
    updates: dict[int, dict] = field(default_factory=dict)  # id -> {field: [old, new]}
    aliases: list[tuple[int, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.creates or self.updates or self.aliases)


def plan_categories(
    rows: list[CategoryRow],
    existing: list[Entry],
    departments: dict[str, int],
    alias_owner: dict[str, int],
) -> tuple[CategoryPlan, list[Problem]]:
    """What importing `rows` changes. A row matches a category by its name
    (`departments`: each department's key(name) -> id). Nothing is removed: a
    category missing from the file is left as it is."""
    by_name = {key(e.name): e for e in existing}
    owners = dict(alias_owner)
    plan, problems, seen = CategoryPlan(), [], {}
    for row in rows:
        department_id = None
        if row.department:
            department_id = departments.get(key(row.department))
            if department_id is None:
                problems.append(Problem(row.row, "no_department", {"name": row.department}))
                continue
        old = by_name.get(key(row.name))
        if old is not None and old.id in seen:
            problems.append(Problem(row.row, "twice", {"other": seen[old.id]}))
            continue
        if key(row.name) in owners and (old is None or owners[key(row.name)] != old.id):
            problems.append(Problem(row.row, "alias_taken", {"alias": row.name}))
            continue
        new = Entry(old.id if old else -row.row, row.name, department_id, row.hint, row.active)
        if old is None:
            plan.creates.append(new)
        else:
            diff = {
                f: [getattr(old, f), getattr(new, f)]
                for f in ("name", "department_id", "hint", "active")
                if getattr(old, f) != getattr(new, f)
            }
            if diff:
                plan.updates[old.id] = diff
        by_name[key(row.name)] = new
        seen[new.id] = row.row
        for text in row.aliases:
            owner = owners.get(key(text))
            if owner == new.id or key(text) == key(row.name):
                continue
            if owner is not None or (key(text) in by_name and by_name[key(text)].id != new.id):
                problems.append(Problem(row.row, "alias_taken", {"alias": text}))
                continue
            owners[key(text)] = new.id
            plan.aliases.append((new.id, text))
    return plan, problems
