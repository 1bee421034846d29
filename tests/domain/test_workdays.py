"""Working days (工作日) on the statutory holiday calendar, and the fallback."""

from datetime import date

import pytest

from hotline.rules.workdays import (
    add_working_days,
    is_working_day,
    knows_year,
    unknown_years,
    working_days_between,
)


def test_golden_week_is_skipped_and_the_working_saturday_counts():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are worked.
    start = date(2025, 9, 30)
    assert add_working_days(start, 1).day == date(2025, 10, 9)
    assert add_working_days(start, 2).day == date(2025, 10, 10)
    assert add_working_days(start, 3).day == date(2025, 10, 11)  # 调休 Saturday
    assert add_working_days(start, 4).day == date(2025, 10, 13)
    assert add_working_days(start, 4).fallback is False
    assert add_working_days(date(2025, 9, 27), 1).day == date(2025, 9, 28)  # a worked Sunday


def test_fifteen_working_days_across_golden_week():
    # From Friday 26 September 2025: 28, 29, 30 Sep; 9, 10, 11, 13–17, 20–23 Oct.
    result = add_working_days(date(2025, 9, 26), 15)
    assert result == type(result)(date(2025, 10, 23), False)
    naive_weekdays = date(2025, 10, 17)  # what Monday–Friday counting would say
    assert result.day > naive_weekdays


def test_an_unknown_year_falls_back_to_monday_to_friday_and_says_so():
    assert not knows_year(2099)
    assert is_working_day(date(2099, 1, 1)) == (True, False)  # a Thursday: no holiday data
    assert is_working_day(date(2099, 1, 3)) == (False, False)  # Saturday
    result = add_working_days(date(2099, 1, 1), 5)  # Thu → Fri 2, Mon 5 … Thu 8
    assert result.day == date(2099, 1, 8) and result.fallback is True
    assert unknown_years(date(2099, 6, 1)) == [2099, 2100]


def test_crossing_into_an_unknown_year_is_a_fallback_too():
    last_known = max(y for y in range(2020, 2100) if knows_year(y))
    result = add_working_days(date(last_known, 12, 20), 15)
    assert result.day.year == last_known + 1 and result.fallback is True
    assert add_working_days(date(last_known, 3, 2), 3).fallback is False


def test_edges():
    assert add_working_days(date(2025, 10, 3), 0).day == date(2025, 10, 3)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 3), -1)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert working_days_between(date(2025, 10, 11), date(2025, 10, 11)) == 0
