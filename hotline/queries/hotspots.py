"""Hot spots (问题热点): calls and board items by category × area × period,
added up in SQL (rules/hotspots.py says what each number means).

A fixed number of statements whatever the rows: one for the calls (this period
and the one before, with the radar's repeats), one for the board items, one
for the names of the areas and categories found, and, for the office, one for
the show whose topics a hot spot can be proposed for. Counts only: no caller,
no topic text, nothing a public page may not show (the suggestion list already
publishes each call's area).

An area is counted at the level asked: a community's call counts for its
street (level "street") or its district (level "district"); a call mapped to
an area above the level (a district, when streets are asked) counts for that
area itself. Calls and items the office has not yet mapped to an area or a
category are counted apart (None), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from ..changes.duplicates import counted
from ..extensions import db
from ..models import (
    Area,
    Call,
    Category,
    Commitment,
    DeputyMessage,
    Repeat,
    Show,
    ShowKind,
    ShowStatus,
)
from ..rules import hotspots as rules
from ..rules.reports import Period
from ..rules.status import Code, State
from .board import status_code
from .lists import utc_bounds

TOP_IN_CHART = 15
CHART_WIDTH = 480


@dataclass
class HotspotQuery:
    period: Period
    level: str = "street"

    @classmethod
    def from_args(cls, args, day: date) -> HotspotQuery | None:
        """The period (default: this year) and the level (default: streets);
        None for a period that is not one (the page answers 404)."""
        level = args.get("level", "street")
        try:
            period = rules.parse(args.get("period") or str(day.year))
        except ValueError:
            return None
        return cls(period, level if level in rules.LEVELS else "street")

    def args(self, **override) -> dict:
        return {"period": self.period.key, "level": self.level} | override


def _spot_area(area_id_column, level: str):
    """(joins, the id of the area at `level` holding the row's area, or the
    area itself when it is above the level)."""
    own = aliased(Area)
    holder = aliased(Area)
    joins = [
        (own, own.id == area_id_column),
        (holder, and_(holder.level == level, own.path.like(holder.path.concat("%")))),
    ]
    return joins, func.coalesce(holder.id, own.id)


def _call_counts(query: HotspotQuery) -> dict[tuple, list[int]]:
    """{(area, category): [calls, previous, repeats]}."""
    start, end = utc_bounds(query.period)
    before, _start = utc_bounds(rules.previous(query.period))
    joins, area = _spot_area(Call.area_id, query.level)
    now = Call.received_at >= start
    repeated = Call.id.in_(select(Repeat.call_id))
    stmt = select(
        area.label("area"),
        Call.category_id,
        func.sum(case((now, 1), else_=0)),
        func.sum(case((now, 0), else_=1)),
        func.sum(case((and_(now, repeated), 1), else_=0)),
    ).select_from(Call)
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    stmt = stmt.where(Call.received_at >= before, Call.received_at < end)
    stmt = stmt.group_by(area, Call.category_id)
    return {(a, c): [int(n or 0) for n in counts] for a, c, *counts in db.session.execute(stmt)}


def _item_counts(query: HotspotQuery, today: date) -> dict[tuple, list[int]]:
    """{(area, category): [made, met on time, overdue]} of the board items made
    in the period: the call's area and category, or its 代表码 message's."""
    start, end = utc_bounds(query.period)
    area_id = func.coalesce(Call.area_id, DeputyMessage.area_id)
    category = func.coalesce(Call.category_id, DeputyMessage.category_id).label("category")
    joins, area = _spot_area(area_id, query.level)
    code = status_code(today)
    stmt = (
        select(
            area.label("area"),
            category,
            func.count(Commitment.id),
            func.sum(case((code == Code.MET_ON_TIME.value, 1), else_=0)),
            func.sum(case((code == Code.OVERDUE.value, 1), else_=0)),
        )
        .select_from(Commitment)
        .outerjoin(Call, Commitment.call_id == Call.id)
        .outerjoin(DeputyMessage, Commitment.message_id == DeputyMessage.id)
    )
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    stmt = counted(stmt).where(
        Commitment.created_at >= start,
        Commitment.created_at < end,
        Commitment.state != State.WITHDRAWN.value,
    )
    stmt = stmt.group_by(area, category)
    return {(a, c): [int(n or 0) for n in counts] for a, c, *counts in db.session.execute(stmt)}


def _names(area_ids: set, category_ids: set) -> tuple[dict, dict]:
    """({area id: (name, parent's name)}, {category id: name}) in one statement."""
    parent = aliased(Area)
    areas = (
        select(literal("area").label("kind"), Area.id, Area.name, parent.name.label("parent"))
        .outerjoin(parent, parent.id == Area.parent_id)
        .where(Area.id.in_([i for i in area_ids if i] or [0]))
    )
    categories = select(
        literal("category"), Category.id, Category.name, literal(None).label("parent")
    ).where(Category.id.in_([i for i in category_ids if i] or [0]))
    found: dict[str, dict] = {"area": {}, "category": {}}
    for kind, id_, name, parent_name in db.session.execute(union_all(areas, categories)):
        found[kind][id_] = (name, parent_name)
    return found["area"], {k: v[0] for k, v in found["category"].items()}


@dataclass
class Report:
    query: HotspotQuery
    spots: list[rules.Spot]  # hottest first
    total: rules.Spot
    previous: Period


def hotspots(query: HotspotQuery, today: date) -> Report:
    calls = _call_counts(query)
    items = _item_counts(query, today)
    keys = set(calls) | set(items)
    areas, categories = _names({a for a, _c in keys}, {c for _a, c in keys})
    spots = []
    for area_id, category_id in keys:
        n_calls, n_previous, n_repeats = calls.get((area_id, category_id), [0, 0, 0])
        made, on_time, overdue = items.get((area_id, category_id), [0, 0, 0])
        if not (n_calls or made):
            continue  # only calls in the period before: not a spot of this period
        name, parent = areas.get(area_id, (None, None))
        spots.append(
            rules.Spot(
                area_id,
                name,
                parent,
                category_id,
                categories.get(category_id),
                n_calls,
                n_previous,
                n_repeats,
                made,
                on_time,
                overdue,
            )  # fmt: skip
        )
    spots = rules.ranked(spots)
    total = rules.total(spots)
    # Every call of the period before, also of spots with none in this one.
    total.previous = sum(counts[1] for counts in calls.values())
    return Report(query, spots, total, rules.previous(query.period))


def area_label(spot: rules.Spot) -> str:
    if spot.area is None:
        return _("Area not yet mapped")
    return f"{spot.parent} · {spot.area}" if spot.parent else spot.area


def category_label(spot: rules.Spot) -> str:
    return spot.category if spot.category is not None else _("Not yet categorised")


def level_label(level: str) -> str:
    return {"district": _("Districts"), "street": _("Streets and towns")}[level]


LEVELS = rules.LEVELS
COLUMNS = ("calls", "previous", "repeats", "repeat_rate", "made", "met_on_time",
           "on_time_rate", "overdue", "overdue_rate")  # fmt: skip


def column_label(column: str) -> str:
    return {
        "calls": _("Calls"),
        "previous": _("Calls in the period before"),
        "repeats": _("Raised again"),
        "repeat_rate": _("Repeat rate"),
        "made": _("Items made"),
        "met_on_time": _("Met on time"),
        "on_time_rate": _("On-time rate"),
        "overdue": _("Overdue"),
        "overdue_rate": _("Overdue rate"),
    }[column]


def cell(spot: rules.Spot, column: str) -> str:
    value = getattr(spot, column)
    return rules.percent(value) if column.endswith("_rate") else str(value)


def csv_table(report: Report) -> tuple[list[str], list[list[str]]]:
    header = [_("Area"), _("Category")] + [column_label(c) for c in COLUMNS]
    rows = [[area_label(s), category_label(s)] + [cell(s, c) for c in COLUMNS]
            for s in report.spots]  # fmt: skip
    rows.append([_("Total"), ""] + [cell(report.total, c) for c in COLUMNS])
    return header, rows


def topic_show() -> Show | None:
    """The next scheduled show a hot spot can be proposed for as a topic: the
    next 代表来了 (on site) first, else the next hotline show."""
    return db.session.scalar(
        select(Show)
        .where(Show.status == ShowStatus.SCHEDULED.value)
        .order_by(case((Show.kind == ShowKind.ONSITE.value, 0), else_=1), Show.starts_at)
        .limit(1)
    )


def topic_text(spot: rules.Spot, period: Period) -> str:
    """What the office starts from when it proposes a hot spot as a topic."""
    return _(
        "%(category)s in %(area)s: %(calls)d calls in %(period)s, %(repeats)d raised again",
        category=category_label(spot),
        area=area_label(spot),
        calls=spot.calls,
        period=period.key,
        repeats=spot.repeats,
    )


def page_context(report: Report, day: date) -> dict:
    """What templates/lists/hotspots.html renders, for the public page and the office's."""
    hottest = report.spots[:TOP_IN_CHART]
    bars, top = rules.chart(hottest, width=CHART_WIDTH)
    return {
        "report": report,
        "query": report.query,
        "choices": rules.choices(day),
        "levels": [(level, level_label(level)) for level in LEVELS],
        "columns": COLUMNS,
        "column_label": column_label,
        "cell": cell,
        "area_label": area_label,
        "category_label": category_label,
        "topic_text": topic_text,
        "chart": list(zip(hottest, bars, strict=True)),
        "top": top,
        "chart_width": CHART_WIDTH,
    }
