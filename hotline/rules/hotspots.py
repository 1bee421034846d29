"""Hot spots (问题热点): where problems cluster, by category × area × period.
Pure numbers over counts the database has already added up (no Flask, no
database); queries/hotspots.py does the counting.

For each area (at the level asked: districts, or streets and towns) and
category, in the period:
- calls: calls received; `previous`: calls in the period of the same length
  just before (a year, a quarter or a month), so a rising spot shows;
- repeats: calls the radar linked to an earlier item on the same problem
  (重复反映, models/radar.py); the repeat rate is repeats ÷ calls;
- made: board items (commitments and referrals) made in the period, withdrawn
  ones and the items of merged duplicate calls (并单) left out; met on time
  (by the original deadline) and overdue (open past the deadline) as they stand
  today, each a share of `made`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .reports import Period, parse_period

LEVELS = ("district", "street")
_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def parse(text: str) -> Period:
    """A year ("2026"), a quarter ("2026-Q3") or a month ("2026-05"); ValueError otherwise."""
    match = _MONTH.match((text or "").strip())
    if not match:
        period = parse_period(text)
        if "-H" in period.key:
            raise ValueError(f"not a year, quarter or month: {text!r}")
        return period
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(match.group(0), date(year, month, 1), date.fromordinal(end.toordinal() - 1))


def grain(period: Period) -> str:
    """ "year", "quarter" or "month"."""
    if "-Q" in period.key:
        return "quarter"
    return "month" if "-" in period.key else "year"


def previous(period: Period) -> Period:
    """The period of the same length just before."""
    year = period.start.year
    kind = grain(period)
    if kind == "year":
        return parse(str(year - 1))
    if kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        return parse(f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}")
    month = period.start.month
    return parse(f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}")


def choices(day: date) -> dict[str, list[str]]:
    """The periods offered, newest first: this year and the last, by year,
    quarter and month."""
    years = (day.year, day.year - 1)
    return {
        "year": [str(y) for y in years],
        "quarter": [f"{y}-Q{q}" for y in years for q in range(4, 0, -1)],
        "month": [f"{y}-{m:02d}" for y in years for m in range(12, 0, -1)],
    }


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """ "40%", "33.3%"; empty when there is nothing to divide by (never 0 %)."""
    if value is None:
        return ""
    text = f"{value * 100:.1f}".removesuffix(".0")
    return f"{text}%"


@dataclass
class Spot:
    """One category in one area (either may be None: not yet mapped by the office)."""

    area_id: int | None
    area: str | None
    parent: str | None  # the district of a street, for its label
    category_id: int | None
    category: str | None
    calls: int = 0
    previous: int = 0
    repeats: int = 0
    made: int = 0
    met_on_time: int = 0
    overdue: int = 0

    @property
    def repeat_rate(self) -> float | None:
        return rate(self.repeats, self.calls)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.met_on_time, self.made)

    @property
    def overdue_rate(self) -> float | None:
        return rate(self.overdue, self.made)

    @property
    def key(self) -> tuple:
        return (self.area_id, self.category_id)


def total(spots: list[Spot]) -> Spot:
    line = Spot(None, None, None, None, None)
    for spot in spots:
        for name in ("calls", "previous", "repeats", "made", "met_on_time", "overdue"):
            setattr(line, name, getattr(line, name) + getattr(spot, name))
    return line


def ranked(spots: list[Spot]) -> list[Spot]:
    """Hottest first: most calls, then most repeats, then most overdue; mapped
    areas and categories before the not yet mapped, then by name."""
    return sorted(
        spots,
        key=lambda s: (
            -s.calls,
            -s.repeats,
            -s.overdue,
            -s.made,
            s.area is None,
            s.category is None,
            s.area or "",
            s.category or "",
        ),
    )


@dataclass(frozen=True)
class Bar:
    """One hot spot's bar: repeat calls and the other calls, in px."""

    repeats: float
    others: float


def chart(spots: list[Spot], width: float) -> tuple[list[Bar], int]:
    """Bars on one scale (the most calls fill `width`), and that top."""
    top = max((s.calls for s in spots), default=0)
    if not top:
        return [Bar(0, 0) for _ in spots], 0
    scale = width / top
    return [Bar(s.repeats * scale, (s.calls - s.repeats) * scale) for s in spots], top
