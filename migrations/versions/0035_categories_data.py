"""Managed categories and areas, the data: the default lists seeded from the
package's seed files (hotline/cli/seed_areas.csv, seed_categories.csv, the
demo city's), and the calls and 代表码 messages typed before the lists
existed mapped where their text is exactly a name or an alias. Every other
text stays as it was and is listed for the office to map once (the
"unmapped" sections of /admin/areas and /admin/categories). No text is
changed; only the new id columns are filled.

Self-contained on purpose: it reads the seed files with the csv module and
compares texts with its own copy of rules/areas.clean and key (a later change
to the app must not change what this migration did).

Revision ID: 0035_categories_data
Revises: 0034_replies
"""

import csv
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0035_categories_data"
down_revision = "0034_replies"
branch_labels = None
depends_on = None

SEEDS = Path(__file__).resolve().parents[2] / "hotline" / "cli"
LEVELS = ("district", "street", "community")
_CJK = "[\u2e80-\u2fff\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_BLANK_BY_CJK = re.compile(rf"(?<={_CJK}) | (?={_CJK})")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

categories = sa.table(
    "categories",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("department_id", sa.Integer),
    sa.column("hint", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime),
)
category_aliases = sa.table(
    "category_aliases",
    sa.column("id", sa.Integer),
    sa.column("text", sa.String),
    sa.column("category_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
)
areas = sa.table(
    "areas",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("level", sa.String),
    sa.column("code", sa.String),
    sa.column("path", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime),
)
area_aliases = sa.table(
    "area_aliases",
    sa.column("id", sa.Integer),
    sa.column("text", sa.String),
    sa.column("area_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
)
departments = sa.table("departments", sa.column("id", sa.Integer), sa.column("name", sa.String))
calls = sa.table(
    "calls",
    sa.column("id", sa.Integer),
    sa.column("area", sa.String),
    sa.column("category", sa.String),
    sa.column("area_id", sa.Integer),
    sa.column("category_id", sa.Integer),
)
messages = sa.table(
    "deputy_messages",
    sa.column("id", sa.Integer),
    sa.column("area", sa.String),
    sa.column("area_id", sa.Integer),
)


def clean(text):
    text = unicodedata.normalize("NFC", text or "").replace("\u3000", " ")
    text = text.translate(_ZERO_WIDTH)
    return _BLANK_BY_CJK.sub("", re.sub(r"\s+", " ", text).strip())


def key(text):
    return unicodedata.normalize("NFKC", clean(text)).casefold()


def _rows(name):
    with (SEEDS / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _aliases(cell, own):
    found = []
    for part in (cell or "").split("|"):
        k = key(part)
        if k and k != key(own) and k not in found:
            found.append(k)
    return found


def _insert(conn, table, values):
    return conn.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one()


def _seed_categories(conn, now):
    if conn.execute(sa.select(sa.func.count()).select_from(categories)).scalar():
        return
    by_name = {key(n): i for i, n in conn.execute(sa.select(departments.c.id, departments.c.name))}
    taken = set()
    for row in _rows("seed_categories.csv"):
        name = clean(row["name"])
        category_id = _insert(
            conn,
            categories,
            {
                "name": name,
                "department_id": by_name.get(key(row.get("department"))),
                "hint": clean(row.get("hint")),
                "active": row.get("active", "1").strip() != "0",
                "created_at": now,
            },
        )
        for text in _aliases(row.get("aliases"), name):
            if text not in taken:
                taken.add(text)
                conn.execute(
                    sa.insert(category_aliases).values(
                        text=text, category_id=category_id, created_at=now
                    )
                )


def _seed_areas(conn, now):
    if conn.execute(sa.select(sa.func.count()).select_from(areas)).scalar():
        return
    made = {}  # the path of names -> (id, path)
    taken = set()
    rows = _rows("seed_areas.csv")
    for row in sorted(rows, key=lambda r: r["path"].count("/")):
        names = tuple(clean(n) for n in row["path"].split("/"))
        parent = made.get(names[:-1]) if len(names) > 1 else None
        area_id = _insert(
            conn,
            areas,
            {
                "name": names[-1],
                "parent_id": parent[0] if parent else None,
                "level": LEVELS[len(names) - 1],
                "code": clean(row.get("code")) or None,
                "path": "",
                "active": row.get("active", "1").strip() != "0",
                "created_at": now,
            },
        )
        path = f"{parent[1] if parent else '/'}{area_id}/"
        conn.execute(sa.update(areas).where(areas.c.id == area_id).values(path=path))
        made[names] = (area_id, path)
        for text in _aliases(row.get("aliases"), names[-1]):
            if text not in taken:
                taken.add(text)
                conn.execute(
                    sa.insert(area_aliases).values(text=text, area_id=area_id, created_at=now)
                )


def _meanings(conn, table, aliases, owner):
    """key(text) -> id: the aliases, and the names used once."""
    names = {}
    for row_id, name in conn.execute(sa.select(table.c.id, table.c.name)):
        names.setdefault(key(name), []).append(row_id)
    found = {k: ids[0] for k, ids in names.items() if len(ids) == 1}
    for text, row_id in conn.execute(sa.select(aliases.c.text, owner)):
        found[key(text)] = row_id
    return found


def _map(conn, table, text_column, id_column, meanings):
    typed = conn.execute(
        sa.select(text_column).where(id_column.is_(None), text_column != "").distinct()
    ).scalars()
    for text in list(typed):
        found = meanings.get(key(text))
        if found is not None:
            conn.execute(
                sa.update(table)
                .where(id_column.is_(None), text_column == text)
                .values({id_column.name: found})
            )


def upgrade():
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    _seed_categories(conn, now)
    _seed_areas(conn, now)
    category_meanings = _meanings(conn, categories, category_aliases, category_aliases.c.category_id)
    area_meanings = _meanings(conn, areas, area_aliases, area_aliases.c.area_id)
    _map(conn, calls, calls.c.category, calls.c.category_id, category_meanings)
    _map(conn, calls, calls.c.area, calls.c.area_id, area_meanings)
    _map(conn, messages, messages.c.area, messages.c.area_id, area_meanings)


def downgrade():
    # The ids go; the texts were never touched. The lists stay until 0033's
    # downgrade drops their tables.
    conn = op.get_bind()
    conn.execute(sa.update(calls).values(area_id=None, category_id=None))
    conn.execute(sa.update(messages).values(area_id=None))
