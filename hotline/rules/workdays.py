"""Working days (工作日) on China's statutory holiday calendar. Pure: no Flask,
no database.

The `chinese-calendar` package knows the State Council's holiday notices,
including the weekend days that become working days (调休). It only knows the
years published when it was released; for any other year we count Monday to
Friday and say so (`fallback`), so the office can be warned that a deadline may
fall on a holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


def knows_year(year: int) -> bool:
    """The holiday calendar has the State Council's notice for this year."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> tuple[bool, bool]:
    """(is it a working day, did the holiday calendar know the year)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True)
class WorkingDeadline:
    day: date
    # True when some day counted lies in a year the calendar does not know:
    # those days were counted Monday to Friday.
    fallback: bool


def add_working_days(start: date, n: int) -> WorkingDeadline:
    """The n-th working day after `start` (`start` itself is not counted).

    n = 0 gives `start` itself. Holidays and 调休 working weekends follow the
    calendar; in an unknown year, Monday to Friday.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day, fallback, counted = start, False, 0
    while counted < n:
        day += timedelta(days=1)
        working, known = is_working_day(day)
        fallback = fallback or not known
        if working:
            counted += 1
    return WorkingDeadline(day, fallback)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day)[0]:
            count += 1
    return count


def unknown_years(today: date) -> list[int]:
    """This year and next, if the calendar does not know them: the office's warning."""
    return [year for year in (today.year, today.year + 1) if not knows_year(year)]
