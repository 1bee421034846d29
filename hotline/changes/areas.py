"""The office's areas: added, renamed (the old name stays as an alias, the id
and every record keep), retired, imported from a CSV in one go; and the texts
typed on air mapped to them. Each change is on the audit trail; callers commit.

A record's area text is never changed here: only its `area_id`, set when the
text is a name or an alias (`area_id_for`), on save or once the office maps it.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Area, AreaAlias, Call, DeputyMessage, User
from ..rules import areas as rule
from . import audit

# Where an area was typed: (model, its text column, its id column).
TYPED = (
    (Call, Call.area, Call.area_id),
    (DeputyMessage, DeputyMessage.area, DeputyMessage.area_id),
)


class AreaError(ValueError):
    """A change the office cannot make; `code` is worded by the page."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def area_id_for(text: str | None) -> int | None:
    """The area a typed text means: an alias, a name used once, or
    "name（parent）"; None when it means none (it waits to be mapped)."""
    key = rule.key(text)
    if not key:
        return None
    found = db.session.scalar(select(AreaAlias.area_id).where(AreaAlias.text == key))
    if found is not None:
        return found
    ids = db.session.scalars(select(Area.id).where(Area.name == rule.clean(text)).limit(2)).all()
    if len(ids) == 1:
        return ids[0]
    parts = rule.split_qualified(text)
    if parts is None:
        return None
    parent = aliased(Area)
    ids = db.session.scalars(
        select(Area.id)
        .join(parent, Area.parent_id == parent.id)
        .where(Area.name == parts[0], parent.name == parts[1])
        .limit(2)
    ).all()
    return ids[0] if len(ids) == 1 else None


def _set_path(area: Area, parent: Area | None) -> None:
    area.path = f"{parent.path if parent else '/'}{area.id}/"


def _repath_below(area: Area) -> None:
    """After a move: every area under `area` gets its new path."""
    for child in db.session.scalars(select(Area).where(Area.parent_id == area.id)):
        _set_path(child, area)
        _repath_below(child)


def _free_name(name: str, parent_id: int | None, exclude: int | None = None) -> bool:
    """No other area under the same parent reads as `name`."""
    under = Area.parent_id.is_(None) if parent_id is None else Area.parent_id == parent_id
    taken = db.session.scalars(select(Area.name).where(under, Area.id != (exclude or 0)))
    return rule.key(name) not in {rule.key(n) for n in taken}


def _check_code(code: str | None, exclude: int | None = None) -> None:
    other = select(Area.id).where(Area.code == code, Area.id != (exclude or 0))
    if code and db.session.scalar(other):
        raise AreaError("code_taken", code=code)


def add_alias(area: Area, text: str) -> bool:
    """Keep `text` as meaning `area`; False when it means it already or is another's."""
    key = rule.key(text)
    if not key or key == rule.key(area.name):
        return False
    if db.session.scalar(select(AreaAlias.id).where(AreaAlias.text == key)):
        return False
    db.session.add(AreaAlias(text=key, area_id=area.id))
    return True


def add(name: str, parent: Area | None, code: str | None, actor: User) -> Area:
    name, code = rule.clean(name), rule.clean(code) or None
    depth = (parent.path.count("/") - 1 if parent else 0) + 1
    if depth > len(rule.LEVELS):
        raise AreaError("too_deep")
    if not _free_name(name, parent.id if parent else None):
        raise AreaError("taken", name=name)
    _check_code(code)
    area = Area(name=name, parent_id=parent.id if parent else None, code=code)
    area.level = rule.level_of(depth)
    db.session.add(area)
    db.session.flush()
    _set_path(area, parent)
    detail = {"parent": parent.name if parent else "", "code": code or ""}
    audit.record(actor, audit.AREA_CREATED, name, detail)
    map_exact()
    return area


def change(area: Area, name: str, code: str | None, actor: User) -> dict:
    """Rename an area (or give it its code): the same id, so every record and
    report keeps it; the old name becomes an alias, so a text typed the old way
    still means it."""
    name, code = rule.clean(name), rule.clean(code) or area.code
    if not _free_name(name, area.parent_id, exclude=area.id):
        raise AreaError("taken", name=name)
    _check_code(code, exclude=area.id)
    diff = {}
    if name != area.name:
        diff["name"] = [area.name, name]
        old = area.name
        area.name = name
        add_alias(area, old)
    if code != area.code:
        diff["code"] = [area.code or "", code or ""]
        area.code = code
    if diff:
        audit.record(actor, audit.AREA_CHANGED, area.name, diff)
        map_exact()
    return diff


def set_active(area: Area, active: bool, actor: User) -> None:
    """Retire an area (it leaves the pickers; past records keep it) or bring it back."""
    if area.active == active:
        return
    area.active = active
    audit.record(actor, audit.AREA_ACTIVATED if active else audit.AREA_RETIRED, area.name)


# --- the CSV import ------------------------------------------------------------------


def nodes() -> list[rule.Node]:
    return [
        rule.Node(a.id, a.name, a.parent_id, a.code, a.active)
        for a in db.session.scalars(select(Area).order_by(Area.id))
    ]


def alias_owners() -> dict[str, int]:
    return dict(db.session.execute(select(AreaAlias.text, AreaAlias.area_id)).all())


def plan_import(text: str) -> tuple[rule.Plan, list[rule.Problem]]:
    """What a file would change, and every row it could not read (then: nothing)."""
    rows, problems = rule.parse_areas(text)
    plan, more = rule.plan_areas(rows, nodes(), alias_owners())
    return plan, sorted(problems + more, key=lambda p: p.row)


def apply_import(plan: rule.Plan, actor: User | None, *, audited: bool = True) -> dict:
    """Make a checked plan's changes, in the caller's transaction."""
    made: dict[int, Area] = {}

    def real(ref: int | None) -> Area | None:
        if ref is None:
            return None
        return made[ref] if ref < 0 else db.session.get(Area, ref)

    for node in plan.creates:  # parents first
        parent = real(node.parent_id)
        depth = parent.path.count("/") if parent else 1
        area = Area(
            name=node.name,
            parent_id=parent.id if parent else None,
            code=node.code,
            active=node.active,
            level=rule.level_of(depth),
        )
        db.session.add(area)
        db.session.flush()
        _set_path(area, parent)
        made[node.id] = area
    for area_id, diff in plan.updates.items():
        area = db.session.get(Area, area_id)
        if "name" in diff:
            old = area.name
            area.name = diff["name"][1]
            add_alias(area, old)
        if "code" in diff:
            area.code = diff["code"][1]
        if "active" in diff:
            area.active = diff["active"][1]
        if "parent_id" in diff:
            parent = real(diff["parent_id"][1])
            area.parent_id = parent.id if parent else None
            _set_path(area, parent)
            _repath_below(area)
    db.session.flush()
    for ref, text in plan.aliases:
        add_alias(real(ref), text)
    counts = {
        "added": len(plan.creates),
        "changed": len(plan.updates),
        "aliases": len(plan.aliases),
    }
    if not plan.empty and audited:
        audit.record(actor or audit.CLI, audit.AREAS_IMPORTED, "areas", dict(counts))
    if not plan.empty:
        counts["mapped"] = map_exact()
    return counts


# --- typed texts the office maps -----------------------------------------------------


def _typed_texts(key: str) -> list[str]:
    """Every text typed (unmapped) that reads as `key`."""
    found = set()
    for _model, text, area_id in TYPED:
        found.update(
            db.session.scalars(select(text).where(area_id.is_(None), text != "").distinct())
        )
    return [t for t in found if rule.key(t) == key]


def _set_ids(texts: list[str], area_id: int) -> int:
    count = 0
    for model, text, column in TYPED:
        result = db.session.execute(
            update(model)
            .where(column.is_(None), text.in_(texts))
            .values({column.key: area_id})
            .execution_options(synchronize_session=False)
        )
        count += result.rowcount or 0
    return count


def map_text(text: str, area: Area, actor: User) -> int:
    """The office says what a typed text means: it becomes an alias of `area`
    and every record carrying it (still unmapped) gets the area's id. The
    count of records mapped; the text on them is unchanged."""
    key = rule.key(text)
    if not key:
        raise AreaError("no_text")
    owner = db.session.scalar(select(AreaAlias.area_id).where(AreaAlias.text == key))
    if owner is not None and owner != area.id:
        raise AreaError("alias_taken", alias=text)
    if owner is None and key != rule.key(area.name):
        db.session.add(AreaAlias(text=key, area_id=area.id))
    count = _set_ids(_typed_texts(key), area.id)
    detail = {"area": area.name, "area_id": area.id, "records": count}
    audit.record(actor, audit.AREA_MAPPED, text, detail)
    return count


def map_exact() -> int:
    """Every unmapped record whose text is now a name or an alias gets its id
    (after an area or alias is added or renamed). The count mapped."""
    texts = set()
    for _model, text, area_id in TYPED:
        texts.update(
            db.session.scalars(select(text).where(area_id.is_(None), text != "").distinct())
        )
    count = 0
    for text in texts:
        found = area_id_for(text)
        if found is not None:
            count += _set_ids([text], found)
    return count
