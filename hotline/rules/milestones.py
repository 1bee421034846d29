"""Milestones through the year (年初查开工、年中看进度、年底问绩效): pure rules,
no Flask, no database.

A long commitment (its deadline more than `MIN_SPAN_DAYS` after the day it was
made) may carry milestones: start of work, midway, completion, or the
department's own, each with a date and what will be shown. A milestone whose
date passed without being marked met is missed; marked met after its date, it
stays "met late". Milestones never change the item's own status: an overdue
item with every milestone met is still overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

MIN_SPAN_DAYS = 60  # a deadline further than this from the day it was made
MAX_PER_ITEM = 6


class Standing(StrEnum):
    UPCOMING = "upcoming"  # its date is still ahead (or today)
    MISSED = "missed"  # its date passed, not marked met
    MET = "met"  # marked met by its date
    MET_LATE = "met_late"  # marked met after its date


class Check(StrEnum):
    """The standing committee's three checks of the year."""

    START = "start"  # 年初查开工: January to April
    PROGRESS = "progress"  # 年中看进度: May to August
    RESULTS = "results"  # 年底问绩效: September to December


def can_carry(made_on: date, deadline: date) -> bool:
    """A commitment can carry milestones when its deadline is far enough out."""
    return (deadline - made_on).days > MIN_SPAN_DAYS


def standing(due_on: date, met_on: date | None, today: date) -> Standing:
    if met_on is not None:
        return Standing.MET if met_on <= due_on else Standing.MET_LATE
    return Standing.MISSED if due_on < today else Standing.UPCOMING


def missed(due_on: date, met_on: date | None, today: date) -> bool:
    """Missed now: its date passed and it is not marked met (what escalation presses)."""
    return met_on is None and due_on < today


def fell_due(due_on: date, met_on: date | None, today: date) -> bool:
    """Counted in a rate: met, or its date passed."""
    return met_on is not None or due_on < today


def kept(due_on: date, met_on: date | None) -> bool:
    """Met by its date (a late one is never counted as kept)."""
    return met_on is not None and met_on <= due_on


def check_of(day: date) -> Check:
    """Which of the year's checks a date falls in."""
    if day.month <= 4:
        return Check.START
    if day.month <= 8:
        return Check.PROGRESS
    return Check.RESULTS


def checks_in(start: date, end: date) -> list[Check]:
    """The checks whose months a period (inclusive dates) touches, in the year's order."""
    found = []
    for check, (first, last) in (
        (Check.START, (1, 4)),
        (Check.PROGRESS, (5, 8)),
        (Check.RESULTS, (9, 12)),
    ):
        for year in range(start.year, end.year + 1):
            lo = date(year, first, 1)
            hi = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
            if lo <= end and start < hi and check not in found:
                found.append(check)
    return found


@dataclass(frozen=True)
class Due:
    """Something of an item that falls due on a day: one of its milestones, or
    (milestone None) the item's own deadline."""

    item_id: int
    department: str
    pledge: str
    due_on: date
    milestone: str | None
    standing: Standing


@dataclass
class CheckGroup:
    check: Check
    due: list[Due] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return sum(d.standing == Standing.MISSED for d in self.due)

    @property
    def kept(self) -> int:
        return sum(d.standing == Standing.MET for d in self.due)


def period_checks(due: list[Due], start: date, end: date) -> list[CheckGroup]:
    """What falls due in the period, grouped by the check of the year it belongs
    to (年初查开工 / 年中看进度 / 年底问绩效), each group by date."""
    groups = {check: CheckGroup(check) for check in checks_in(start, end)}
    for d in sorted(due, key=lambda d: (d.due_on, d.item_id, d.milestone or "")):
        if start <= d.due_on <= end:
            groups[check_of(d.due_on)].due.append(d)
    return list(groups.values())
