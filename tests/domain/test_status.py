"""Exhaustive tests for the pure public-status rules (hotline/rules/status.py)."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from hotline.rules.status import Code, PublicStatus, State, local_date, public_status

ORIG = date(2026, 3, 10)  # original deadline
EXT = date(2026, 3, 20)  # extended deadline
D = timedelta(days=1)


def status(state, deadline=ORIG, *, completed_on=None, today=ORIG, original=ORIG, reason=None):
    return public_status(
        state=state,
        deadline=deadline,
        original_deadline=original,
        completed_on=completed_on,
        today=today,
        withdrawn_reason=reason,
    )


# --- open: due / due today / overdue, around both deadlines -----------------


@pytest.mark.parametrize(
    ("deadline", "today", "code", "days"),
    [
        (ORIG, ORIG - 30 * D, Code.DUE, 30),
        (ORIG, ORIG - D, Code.DUE, 1),
        (ORIG, ORIG, Code.DUE_TODAY, None),
        (ORIG, ORIG + D, Code.OVERDUE, 1),
        (ORIG, ORIG + 15 * D, Code.OVERDUE, 15),
        # extended: past the original deadline but not the new one -> still due
        (EXT, ORIG + D, Code.DUE, 9),
        (EXT, EXT - D, Code.DUE, 1),
        (EXT, EXT, Code.DUE_TODAY, None),
        (EXT, EXT + D, Code.OVERDUE, 1),
    ],
)
def test_open(deadline, today, code, days):
    s = status(State.OPEN, deadline, today=today)
    assert (s.code, s.days) == (code, days)
    assert s.is_open
    assert not s.is_met
    assert s.deadline == deadline
    assert s.original_deadline == ORIG
    assert s.extended is (deadline != ORIG)
    assert s.reason is None


def test_open_ignores_stale_completion_after_reopen():
    s = status(State.OPEN, today=ORIG + 2 * D, completed_on=ORIG - D)
    assert (s.code, s.days) == (Code.OVERDUE, 2)


# --- met: on time / after extension / late ----------------------------------


@pytest.mark.parametrize(
    ("deadline", "completed_on", "code", "days"),
    [
        (ORIG, ORIG - 5 * D, Code.MET_ON_TIME, None),
        (ORIG, ORIG, Code.MET_ON_TIME, None),
        (ORIG, ORIG + D, Code.MET_LATE, 1),
        (ORIG, ORIG + 7 * D, Code.MET_LATE, 7),
        # extended, but met by the original date: still on time (extension shown)
        (EXT, ORIG - D, Code.MET_ON_TIME, None),
        (EXT, ORIG, Code.MET_ON_TIME, None),
        (EXT, ORIG + D, Code.MET_AFTER_EXTENSION, None),
        (EXT, EXT, Code.MET_AFTER_EXTENSION, None),
        (EXT, EXT + D, Code.MET_LATE, 1),
        (EXT, EXT + 4 * D, Code.MET_LATE, 4),
    ],
)
def test_met(deadline, completed_on, code, days):
    # "today" must not matter once verified
    for today in (completed_on, EXT + 100 * D):
        s = status(State.MET, deadline, completed_on=completed_on, today=today)
        assert (s.code, s.days) == (code, days)
        assert s.is_met
        assert not s.is_open
        assert s.extended is (deadline != ORIG)
        assert s.deadline == deadline
        assert s.original_deadline == ORIG


def test_extension_granted_after_overdue_is_never_on_time():
    # Overdue on ORIG + 5, then extended to EXT and met before EXT.
    assert status(State.OPEN, ORIG, today=ORIG + 5 * D).code is Code.OVERDUE
    s = status(State.MET, EXT, completed_on=ORIG + 6 * D, today=ORIG + 6 * D)
    assert s.code is Code.MET_AFTER_EXTENSION
    assert s.code is not Code.MET_ON_TIME
    assert s.extended
    assert s.original_deadline == ORIG
    assert s.tone != "good"


# --- reported ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "completed_on", "days"),
    [
        (ORIG, ORIG - D, None),
        (ORIG, ORIG, None),
        (ORIG, ORIG + D, 1),
        (EXT, ORIG + D, None),
        (EXT, EXT, None),
        (EXT, EXT + 3 * D, 3),
    ],
)
def test_reported(deadline, completed_on, days):
    s = status(State.REPORTED, deadline, completed_on=completed_on, today=EXT + 30 * D)
    assert (s.code, s.days) == (Code.REPORTED, days)
    assert not s.is_met
    assert not s.is_open
    assert s.extended is (deadline != ORIG)


# --- withdrawn --------------------------------------------------------------


@pytest.mark.parametrize("deadline", [ORIG, EXT])
@pytest.mark.parametrize("reason", ["Duplicate of #12", None])
def test_withdrawn(deadline, reason):
    s = status(State.WITHDRAWN, deadline, today=EXT + 10 * D, reason=reason)
    assert s == PublicStatus(Code.WITHDRAWN, None, deadline, ORIG, deadline != ORIG, reason)
    assert not s.is_met
    assert not s.is_open


def test_withdrawn_reason_only_on_withdrawn():
    s = status(State.OPEN, today=ORIG - D, reason="ignored")
    assert s.reason is None


# --- extension is visible whatever the code ---------------------------------


@pytest.mark.parametrize(
    ("state", "completed_on", "today", "code"),
    [
        (State.OPEN, None, EXT - D, Code.DUE),
        (State.OPEN, None, EXT, Code.DUE_TODAY),
        (State.OPEN, None, EXT + D, Code.OVERDUE),
        (State.REPORTED, EXT, EXT, Code.REPORTED),
        (State.MET, ORIG, EXT, Code.MET_ON_TIME),
        (State.MET, EXT, EXT, Code.MET_AFTER_EXTENSION),
        (State.MET, EXT + D, EXT + D, Code.MET_LATE),
        (State.WITHDRAWN, None, EXT, Code.WITHDRAWN),
    ],
)
def test_extension_visible_in_every_code(state, completed_on, today, code):
    s = status(state, EXT, completed_on=completed_on, today=today)
    assert s.code is code
    assert s.extended is True
    assert (s.deadline, s.original_deadline) == (EXT, ORIG)


def test_every_code_covered():
    covered = {
        status(State.OPEN, today=ORIG - D).code,
        status(State.OPEN, today=ORIG).code,
        status(State.OPEN, today=ORIG + D).code,
        status(State.REPORTED, completed_on=ORIG).code,
        status(State.MET, completed_on=ORIG).code,
        status(State.MET, EXT, completed_on=EXT).code,
        status(State.MET, completed_on=ORIG + D).code,
        status(State.WITHDRAWN).code,
    }
    assert covered == set(Code)


# --- tone, state strings, errors --------------------------------------------


@pytest.mark.parametrize(
    ("code", "tone"),
    [
        (Code.MET_ON_TIME, "good"),
        (Code.DUE_TODAY, "warn"),
        (Code.REPORTED, "warn"),
        (Code.MET_AFTER_EXTENSION, "warn"),
        (Code.OVERDUE, "bad"),
        (Code.MET_LATE, "bad"),
        (Code.DUE, "neutral"),
        (Code.WITHDRAWN, "neutral"),
    ],
)
def test_tone(code, tone):
    assert PublicStatus(code, None, ORIG, ORIG, False).tone == tone


@pytest.mark.parametrize("state", ["open", "reported", "met", "withdrawn"])
def test_state_strings_accepted(state):
    as_str = status(state, completed_on=ORIG)
    assert as_str == status(State(state), completed_on=ORIG)


def test_codes_are_strings():
    assert Code.MET_AFTER_EXTENSION == "met_after_extension"
    assert f"{Code.DUE_TODAY}" == "due_today"
    assert State.REPORTED == "reported"


@pytest.mark.parametrize("state", ["done", "", "OPEN", None])
def test_unknown_state(state):
    with pytest.raises(ValueError, match="is not a valid State"):
        status(state)


@pytest.mark.parametrize("state", [State.MET, State.REPORTED, "met", "reported"])
def test_completed_on_required(state):
    with pytest.raises(ValueError, match="completed_on"):
        status(state, completed_on=None)


@pytest.mark.parametrize("state", list(State))
def test_deadline_before_original_rejected(state):
    with pytest.raises(ValueError, match="before original"):
        status(state, ORIG - D, completed_on=ORIG)


def test_status_is_frozen():
    s = status(State.OPEN)
    with pytest.raises(AttributeError):
        s.code = Code.MET_ON_TIME


# --- local_date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        # Beijing is UTC+8: 15:59:59 UTC is 23:59:59 the same day ...
        (datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC), None, date(2026, 3, 1)),
        # ... and 16:00:00 UTC is already midnight the next day.
        (datetime(2026, 3, 1, 16, 0, 0, tzinfo=UTC), None, date(2026, 3, 2)),
        # naive datetimes are taken as UTC
        (datetime(2026, 3, 1, 15, 59, 59), None, date(2026, 3, 1)),
        (datetime(2026, 3, 1, 16, 0, 0), None, date(2026, 3, 2)),
        # an aware datetime in another zone is converted, not re-labelled
        (datetime(2026, 3, 2, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), None, date(2026, 3, 2)),
        (
            datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
            None,
            date(2026, 3, 2),
        ),
        # other deployment zones
        (datetime(2026, 3, 1, 16, 0, 0, tzinfo=UTC), "UTC", date(2026, 3, 1)),
        (datetime(2026, 3, 1, 23, 59, 59), "UTC", date(2026, 3, 1)),
        (datetime(2026, 3, 2, 4, 59, 59, tzinfo=UTC), "America/New_York", date(2026, 3, 1)),
        (datetime(2026, 3, 2, 5, 0, 0, tzinfo=UTC), "America/New_York", date(2026, 3, 2)),
        # New York on summer time (UTC-4) after 2026-03-08
        (datetime(2026, 7, 2, 3, 59, 59), "America/New_York", date(2026, 7, 1)),
        (datetime(2026, 7, 2, 4, 0, 0), "America/New_York", date(2026, 7, 2)),
    ],
)
def test_local_date(moment, tz, expected):
    got = local_date(moment) if tz is None else local_date(moment, tz)
    assert got == expected
    assert type(got) is date


def test_local_date_feeds_public_status():
    # Deadline 2026-03-01: at 16:00 UTC it is 2026-03-02 in Beijing -> overdue.
    deadline = date(2026, 3, 1)
    before = local_date(datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC))
    after = local_date(datetime(2026, 3, 1, 16, 0, 0, tzinfo=UTC))
    assert status(State.OPEN, deadline, original=deadline, today=before).code is Code.DUE_TODAY
    s = status(State.OPEN, deadline, original=deadline, today=after)
    assert (s.code, s.days) == (Code.OVERDUE, 1)


def test_local_date_unknown_zone():
    with pytest.raises(ZoneInfoNotFoundError):
        local_date(datetime(2026, 3, 1, tzinfo=UTC), "Mars/Olympus")
