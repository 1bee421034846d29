"""Period reports: pure numbers over plain rows (no Flask, no database).

What a standing committee reviews at year end (年初查开工、年中看进度、年底问绩效):
per department, commitments made in the period and how they ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from .status import Code, public_status


@dataclass(frozen=True)
class Period:
    key: str  # "2026", "2026-H1", "2026-Q3"
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


_PERIOD = re.compile(r"^([0-9]{4})(?:-(H[12]|Q[1-4]))?$")  # ASCII digits only


def parse_period(text: str) -> Period:
    """'2026' → the year, '2026-H1' → Jan–Jun, '2026-Q3' → Jul–Sep. ValueError otherwise."""
    match = _PERIOD.match((text or "").strip().upper())
    if not match:
        raise ValueError(f"not a period: {text!r}")
    year, part = int(match.group(1)), match.group(2)
    if not 2000 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    if part is None:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    else:
        first = (int(part[1]) - 1) * 3 + 1
        last = first + 2
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return Period(match.group(0), date(year, first, 1), date.fromordinal(end.toordinal() - 1))


def period_of(day: date) -> Period:
    """The quarter a day falls in."""
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


@dataclass(frozen=True)
class Row:
    """One commitment, as the report needs it."""

    department: str
    created_on: date  # local date the commitment was made
    state: str
    deadline: date
    original_deadline: date
    completed_on: date | None
    # Online ratings of this commitment and placard votes on its call:
    # (satisfied, basically satisfied, dissatisfied).
    votes: tuple[int, int, int] = (0, 0, 0)
    # The placard vote on the result in later shows' 回音壁 segments (举牌评效果),
    # counted apart from the votes above.
    result_votes: tuple[int, int, int] = (0, 0, 0)
    kind: str = "commitment"  # or "referral" (转办事项)


def _satisfaction(votes) -> float | None:
    """(satisfied + basically satisfied) / all votes; None without votes."""
    total = sum(votes)
    return (votes[0] + votes[1]) / total if total else None


@dataclass
class Line:
    department: str
    made: int = 0  # every item: commitments made on air and referrals
    referrals: int = 0  # of those made, referred for offline verification
    met_on_time: int = 0
    met_after_extension: int = 0
    met_late: int = 0
    reported: int = 0  # awaiting verification
    open: int = 0  # still open, not yet overdue
    overdue: int = 0
    withdrawn: int = 0
    extended: int = 0  # deadline moved by an extension (any state)
    days: list[int] = field(default_factory=list)
    votes: list[int] = field(default_factory=lambda: [0, 0, 0])
    result_votes: list[int] = field(default_factory=lambda: [0, 0, 0])
    # The openness score (rules/openness.py) of the items made in the period,
    # set beside the line by whoever reads the record; None without cases.
    openness: float | None = None

    @property
    def met(self) -> int:
        return self.met_on_time + self.met_after_extension + self.met_late

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None

    @property
    def satisfaction(self) -> float | None:
        """(satisfied + basically satisfied) / all votes; None without votes."""
        return _satisfaction(self.votes)

    @property
    def result_satisfaction(self) -> float | None:
        """The same over the placard votes on the result alone."""
        return _satisfaction(self.result_votes)


def build(rows: list[Row], period: Period, as_of: date) -> tuple[list[Line], Line]:
    """Per-department lines (sorted by name) and the total line.

    Only commitments made in the period count, each by how it stands on
    `as_of` (normally today). Median days: the completion report's date minus
    the date the commitment was made, over items reported done (verified or not).
    """
    lines: dict[str, Line] = {}
    total = Line("")
    for row in rows:
        if row.created_on not in period:
            continue
        line = lines.setdefault(row.department, Line(row.department))
        st = public_status(
            state=row.state,
            deadline=row.deadline,
            original_deadline=row.original_deadline,
            completed_on=row.completed_on,
            today=as_of,
        )
        for target in (line, total):
            target.made += 1
            if row.kind == "referral":
                target.referrals += 1
            if row.deadline != row.original_deadline:
                target.extended += 1
            if st.code == Code.MET_ON_TIME:
                target.met_on_time += 1
            elif st.code == Code.MET_AFTER_EXTENSION:
                target.met_after_extension += 1
            elif st.code == Code.MET_LATE:
                target.met_late += 1
            elif st.code == Code.REPORTED:
                target.reported += 1
            elif st.code == Code.OVERDUE:
                target.overdue += 1
            elif st.code == Code.WITHDRAWN:
                target.withdrawn += 1
            else:
                target.open += 1
            if row.completed_on is not None and st.code in (
                Code.MET_ON_TIME,
                Code.MET_AFTER_EXTENSION,
                Code.MET_LATE,
                Code.REPORTED,
            ):
                target.days.append((row.completed_on - row.created_on).days)
            for i in range(3):
                target.votes[i] += row.votes[i]
                target.result_votes[i] += row.result_votes[i]
    return sorted(lines.values(), key=lambda x: x.department), total


# Columns of the table and the CSV, in order: (attribute, label msgid is in the template).
COLUMNS = (
    "made",
    "referrals",
    "met_on_time",
    "met_after_extension",
    "met_late",
    "extended",
    "overdue",
    "reported",
    "withdrawn",
    "median_days",
    "satisfaction",
    "result_satisfaction",
    "openness",
)


def cell(line: Line, column: str) -> str:
    value = getattr(line, column)
    if value is None:
        return ""
    if column in ("satisfaction", "result_satisfaction", "openness"):
        return f"{value * 100:.1f}%"
    if column == "median_days":
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Bar:
    """One stacked segment of the SVG chart, in chart units."""

    x: float
    width: float
    tone: str
    count: int
    column: str


def chart(lines: list[Line], width: float = 600.0) -> tuple[list[list[Bar]], int]:
    """Stacked horizontal bars per department (met on time, after extension, late,
    overdue, the rest); returns the segments per line and the scale's maximum."""
    parts = (
        ("met_on_time", "good"),
        ("met_after_extension", "warn"),
        ("met_late", "bad"),
        ("overdue", "overdue"),
    )
    top = max((line.made for line in lines), default=0) or 1
    result = []
    for line in lines:
        x, bars = 0.0, []
        rest = line.made - sum(getattr(line, name) for name, _ in parts)
        for name, tone in (*parts, ("rest", "neutral")):
            count = rest if name == "rest" else getattr(line, name)
            if count:
                w = width * count / top
                bars.append(Bar(round(x, 1), round(w, 1), tone, count, name))
                x += w
        result.append(bars)
    return result, top
