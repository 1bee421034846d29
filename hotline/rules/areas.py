"""Managed areas and categories, the pure part: how a typed text is compared
with the office's lists, and the office's CSV files read and checked.

A typed text matches a name or an alias after `clean()` (NFC, the full-width
space 　 as a space, no zero-width characters, runs of blanks as one, none
beside a Chinese character: "凤凰 街道" is 凤凰街道) and, for aliases and
imports, `key()` (that, with full-width letters and digits as ASCII and case
folded). An area whose name is not unique is written "name（parent）".

An import is checked whole before anything is changed: `plan_areas()` (and
`categories.plan_categories()`) return every row it could not read, with its
row number and why, and the changes only when there is none. The file the
office exports reads back as no change at all.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from .text import ZERO_WIDTH, codepoint, forbidden

SEP = "/"  # between the names of an area's path in the CSV: 鄂城区/凤凰街道
ALIAS_SEP = "|"  # between aliases in one cell
LEVELS = ("district", "street", "community")  # by depth: 区/县, 街道/镇, 社区/村
MAX_NAME = 100
MAX_CODE = 20
MAX_ROWS = 20000
AREA_HEADER = ("code", "path", "active", "aliases")
CODE = re.compile(r"^[0-9A-Za-z\-]{1,20}$")

_BLANKS = re.compile(r"\s+")
_CJK = "[\u2e80-\u2fff\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_BLANK_BY_CJK = re.compile(rf"(?<={_CJK}) | (?={_CJK})")
_QUALIFIED = re.compile(r"^(?P<name>.+?)[（(](?P<parent>[^（()）]+)[）)]$")
YES = frozenset({"", "1", "yes", "y", "true", "active", "是", "启用", "在用"})
NO = frozenset({"0", "no", "n", "false", "retired", "否", "停用", "已停用"})


def clean(text: str | None) -> str:
    """A name or typed text as it is compared and stored."""
    text = unicodedata.normalize("NFC", text or "").replace("\u3000", " ")
    text = "".join(ch for ch in text if ch not in ZERO_WIDTH)
    return _BLANK_BY_CJK.sub("", _BLANKS.sub(" ", text).strip())


def key(text: str | None) -> str:
    """What two texts share when they mean the same: an alias is stored as this."""
    return unicodedata.normalize("NFKC", clean(text)).casefold()


def qualified(name: str, parent: str) -> str:
    """How an area with a name used twice is written: 新村社区（凤凰街道）."""
    return f"{name}（{parent}）"


def split_qualified(text: str) -> tuple[str, str] | None:
    """(name, parent) of "name（parent）", or None."""
    found = _QUALIFIED.match(clean(text))
    return (found["name"], found["parent"]) if found else None


def level_of(depth: int) -> str:
    return LEVELS[depth - 1]


def active_flag(value: str) -> bool | None:
    """A CSV cell saying whether the row is in use; None when it cannot be read."""
    value = clean(value).casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def alias_cell(aliases) -> str:
    return ALIAS_SEP.join(sorted(aliases))


@dataclass(frozen=True)
class Problem:
    """A row that could not be read: its number in the file (the header is
    row 1), what is wrong (a code the page words) and the details."""

    row: int
    code: str
    params: dict = field(default_factory=dict)


def decode(data: bytes) -> str | None:
    """The file's text: UTF-8 (with or without the BOM Excel writes), or GB18030
    (what Excel saves a Chinese CSV as); None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_csv(text: str, header: tuple[str, ...], required: tuple[str, ...]):
    """The rows as {column: cell} with their row numbers, and the problems of
    the file as a whole (no header, a missing column, unreadable CSV)."""
    problems: list[Problem] = []
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as bad:
        return [], [Problem(0, "unreadable", {"reason": str(bad)})]
    if not rows or not any(cell.strip() for cell in rows[0]):
        return [], [Problem(1, "no_header", {"columns": ", ".join(header)})]
    head = [clean(cell).casefold() for cell in rows[0]]
    missing = [name for name in required if name not in head]
    if missing:
        return [], [Problem(1, "missing_columns", {"columns": ", ".join(missing)})]
    if len(rows) - 1 > MAX_ROWS:
        return [], [Problem(0, "too_many", {"most": MAX_ROWS})]
    found = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) > len(head):
            problems.append(Problem(number, "columns", {"most": len(head)}))
            continue
        record = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(head)}
        bad = next((c for c in cells if forbidden(c) is not None), None)
        if bad is not None:
            char = codepoint(forbidden(bad))
            problems.append(Problem(number, "character", {"char": char}))
            continue
        found.append((number, record))
    return found, problems


def aliases_in(cell: str, row: int, most: int, problems: list[Problem]) -> tuple[str, ...]:
    texts = []
    for part in (cell or "").split(ALIAS_SEP):
        text = clean(part)
        if not text:
            continue
        if len(text) > most:
            problems.append(Problem(row, "alias_long", {"alias": text[:20], "most": most}))
        elif key(text) not in {key(t) for t in texts}:
            texts.append(text)
    return tuple(texts)


# --- areas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    row: int
    names: tuple[str, ...]  # from the district down to the area itself
    code: str | None
    active: bool
    aliases: tuple[str, ...]


def parse_areas(text: str) -> tuple[list[AreaRow], list[Problem]]:
    """The areas CSV (code, path, active, aliases) read and checked row by row."""
    records, problems = read_csv(text, AREA_HEADER, ("path",))
    rows = []
    for number, record in records:
        before = len(problems)
        names = tuple(clean(part) for part in record.get("path", "").split(SEP))
        if not any(names):
            problems.append(Problem(number, "no_path"))
        elif not all(names):
            problems.append(Problem(number, "empty_name", {"path": record["path"]}))
        elif len(names) > len(LEVELS):
            problems.append(Problem(number, "too_deep", {"most": len(LEVELS)}))
        elif any(len(name) > MAX_NAME for name in names):
            problems.append(Problem(number, "name_long", {"most": MAX_NAME}))
        code = clean(record.get("code", "")) or None
        if code is not None and not CODE.match(code):
            problems.append(Problem(number, "code", {"code": code[:30], "most": MAX_CODE}))
        active = active_flag(record.get("active", ""))
        if active is None:
            problems.append(Problem(number, "active", {"value": record.get("active", "")[:20]}))
        aliases = aliases_in(record.get("aliases", ""), number, MAX_NAME, problems)
        if len(problems) == before:
            rows.append(AreaRow(number, names, code, bool(active), aliases))
    return rows, sorted(problems, key=lambda p: p.row)


@dataclass(frozen=True)
class Node:
    """An area as the plan sees it; `id` is negative for one the file adds."""

    id: int
    name: str
    parent_id: int | None
    code: str | None = None
    active: bool = True


@dataclass
class Plan:
    creates: list[Node] = field(default_factory=list)  # parents before children
    updates: dict[int, dict] = field(default_factory=dict)  # id -> {field: [old, new]}
    aliases: list[tuple[int, str]] = field(default_factory=list)  # (id, text)

    @property
    def empty(self) -> bool:
        return not (self.creates or self.updates or self.aliases)


def plan_areas(
    rows: list[AreaRow], existing: list[Node], alias_owner: dict[str, int]
) -> tuple[Plan, list[Problem]]:
    """What importing `rows` changes in the areas the office has (`existing`;
    `alias_owner`: each alias key's area id). A row matches an area by its
    code, else by its parent and name; an unmatched row adds one. Parents are
    read before children, so a row may name a parent the file adds or
    renames. Rows it cannot apply are problems; then nothing is changed."""
    nodes = {n.id: n for n in existing}
    depth: dict[int, int] = {}

    def depth_of(node_id: int) -> int:
        if node_id not in depth:
            parent = nodes[node_id].parent_id
            depth[node_id] = 1 if parent is None or parent not in nodes else depth_of(parent) + 1
        return depth[node_id]

    by_name = {(n.parent_id, key(n.name)): n.id for n in existing}
    by_code = {n.code: n.id for n in existing if n.code}
    owners = dict(alias_owner)
    plan, problems, seen = Plan(), [], {}
    for row in sorted(rows, key=lambda r: (len(r.names), r.row)):
        parent = None
        for depth_now, name in enumerate(row.names[:-1], start=1):
            parent = by_name.get((parent, key(name)))
            if parent is None:
                path = SEP.join(row.names[:depth_now])
                problems.append(Problem(row.row, "no_parent", {"path": path}))
                break
        else:
            name = row.names[-1]
            target = by_code.get(row.code) if row.code else None
            if target is None:
                target = by_name.get((parent, key(name)))
            if target in seen:
                problems.append(Problem(row.row, "twice", {"other": seen[target]}))
                continue
            if target is None:
                node = Node(-row.row, name, parent, row.code, row.active)
                nodes[node.id] = node
                depth[node.id] = len(row.names)
                plan.creates.append(node)
                target = node.id
            else:
                if depth_of(target) != len(row.names):
                    level = level_of(depth_of(target))
                    problems.append(Problem(row.row, "level", {"level": level}))
                    continue
                clash = by_name.get((parent, key(name)))
                if clash is not None and clash != target:
                    problems.append(Problem(row.row, "taken", {"name": name}))
                    continue
                old = nodes[target]
                new = Node(target, name, parent, row.code or old.code, row.active)
                diff = {
                    f: [getattr(old, f), getattr(new, f)]
                    for f in ("name", "parent_id", "code", "active")
                    if getattr(old, f) != getattr(new, f)
                }
                if diff:
                    plan.updates[target] = diff
                    del by_name[(old.parent_id, key(old.name))]
                    nodes[target] = new
            seen[target] = row.row
            by_name[(parent, key(name))] = target
            if row.code:
                by_code[row.code] = target
            for text in row.aliases:
                owner = owners.get(key(text))
                if owner == target or key(text) == key(name):
                    continue
                if owner is not None:
                    problems.append(Problem(row.row, "alias_taken", {"alias": text}))
                    continue
                owners[key(text)] = target
                plan.aliases.append((target, text))
    return plan, problems


def tree_order(nodes: list[Node]) -> list[tuple[Node, tuple[str, ...]]]:
    """Every area with its path of names, each parent followed by its children
    (by name): the order of the export and of the office's page."""
    children: dict[int | None, list[Node]] = {}
    ids = {n.id for n in nodes}
    for n in nodes:
        children.setdefault(n.parent_id if n.parent_id in ids else None, []).append(n)
    out: list[tuple[Node, tuple[str, ...]]] = []

    def walk(parent: int | None, path: tuple[str, ...]) -> None:
        for n in sorted(children.get(parent, []), key=lambda n: (n.name, n.id)):
            out.append((n, (*path, n.name)))
            walk(n.id, (*path, n.name))

    walk(None, ())
    return out
