"""What the pickers, the office's page, its export and its unmapped list read
about areas. Only the office's own names reach a picker: never an alias (an
alias may be what someone typed) and never a typed text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..changes.areas import TYPED
from ..extensions import db
from ..models import Area, AreaAlias
from ..rules import areas as rule

OPTIONS = 30  # a filtered picker offers at most this many
FIRST_OPTIONS = 100  # the picker before anything is typed: districts and streets


@dataclass(frozen=True)
class Option:
    value: str  # what the input takes: the name, or "name（parent）" for a name used twice
    label: str  # where it is: 鄂城区 · 凤凰街道


def _names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(ids))).all())


def _path_ids(area: Area) -> list[int]:
    return [int(part) for part in area.path.strip("/").split("/") if part]


def _options(found: list[Area]) -> list[Option]:
    names = [a.name for a in found]
    twice = set(
        db.session.scalars(
            select(Area.name)
            .where(Area.active, Area.name.in_(set(names)))
            .group_by(Area.name)
            .having(func.count() > 1)
        )
    )
    above = _names(i for a in found for i in _path_ids(a)[:-1])
    out = []
    for a in found:
        parents = [above.get(i, "") for i in _path_ids(a)[:-1]]
        value = a.name
        if a.name in twice and parents:
            value = rule.qualified(a.name, parents[-1])
        out.append(Option(value, " · ".join([*parents, a.name])))
    return out


def options(text: str = "") -> list[Option]:
    """The areas a picker offers for what was typed so far (all levels, the
    best matches first); before anything is typed, the districts and streets."""
    typed = rule.clean(text)
    query = select(Area).where(Area.active)
    if not typed:
        query = query.where(Area.level != rule.LEVELS[-1]).order_by(Area.path)
        return _options(list(db.session.scalars(query.limit(FIRST_OPTIONS))))
    parts = rule.split_qualified(typed)
    needle = parts[0] if parts else typed
    query = query.where(Area.name.contains(needle, autoescape=True))
    found = list(
        db.session.scalars(query.order_by(func.length(Area.name), Area.path).limit(OPTIONS))
    )
    return _options(found)


@dataclass(frozen=True)
class Row:
    area: Area
    names: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def depth(self) -> int:
        return len(self.names)

    @property
    def path(self) -> str:
        return rule.SEP.join(self.names)


def tree() -> list[Row]:
    """Every area, each parent followed by its children, with its aliases."""
    areas = {a.id: a for a in db.session.scalars(select(Area))}
    aliases: dict[int, list[str]] = {}
    for text, area_id in db.session.execute(select(AreaAlias.text, AreaAlias.area_id)):
        aliases.setdefault(area_id, []).append(text)
    nodes = [rule.Node(a.id, a.name, a.parent_id, a.code, a.active) for a in areas.values()]
    return [
        Row(areas[node.id], names, tuple(sorted(aliases.get(node.id, ()))))
        for node, names in rule.tree_order(nodes)
    ]


def export_rows():
    """The CSV the office downloads, and imports back unchanged."""
    for row in tree():
        a = row.area
        yield [a.code or "", row.path, "1" if a.active else "0", rule.alias_cell(row.aliases)]


@dataclass(frozen=True)
class Unmapped:
    text: str  # as typed (the most frequent spelling of the same key)
    calls: int
    messages: int

    @property
    def total(self) -> int:
        return self.calls + self.messages


def unmapped() -> list[Unmapped]:
    """Distinct area texts typed on calls and 代表码 messages that name no area
    yet, with how many records carry each, the most frequent first."""
    counts: dict[str, dict] = {}
    for i, (_model, text, area_id) in enumerate(TYPED):
        query = select(text, func.count()).where(area_id.is_(None), text != "").group_by(text)
        for typed, n in db.session.execute(query):
            entry = counts.setdefault(rule.key(typed), {"texts": {}, "n": [0, 0]})
            entry["texts"][typed] = entry["texts"].get(typed, 0) + n
            entry["n"][i] += n
    out = [
        Unmapped(max(e["texts"], key=e["texts"].get), e["n"][0], e["n"][1]) for e in counts.values()
    ]
    return sorted(out, key=lambda u: (-u.total, u.text))


def by_text(text: str) -> Area | None:
    """The area the office chose by typing its name (or name（parent）) in the map form."""
    from ..changes.areas import area_id_for

    found = area_id_for(text)
    return db.session.get(Area, found) if found is not None else None
