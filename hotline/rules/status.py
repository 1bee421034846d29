"""Public status of a commitment: one pure function, no Flask, no clock.

The status is computed at read time from the stored dates and state, so it is
right without any scheduler.  The caller passes ``today`` (the calendar date
in the deployment's zone, see :func:`local_date`) so the rules stay pure and
testable.

The board must never let a department look better than the record: an
extension is always visible, and a completion after the *original* deadline
is never "on time" (even if an extension was granted after it went overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"


class State(StrEnum):
    """Stored state of a commitment."""

    OPEN = "open"  # in progress (also after being reopened)
    REPORTED = "reported"  # department reported done, awaiting verification
    MET = "met"  # verified by the supervisor
    WITHDRAWN = "withdrawn"


class Code(StrEnum):
    """What the public sees."""

    DUE = "due"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    REPORTED = "reported"
    MET_ON_TIME = "met_on_time"
    MET_AFTER_EXTENSION = "met_after_extension"
    MET_LATE = "met_late"
    WITHDRAWN = "withdrawn"


_MET = frozenset({Code.MET_ON_TIME, Code.MET_AFTER_EXTENSION, Code.MET_LATE})
_OPEN = frozenset({Code.DUE, Code.DUE_TODAY, Code.OVERDUE})
# CSS only: the status is always also told in words, never by colour alone.
_TONE = {
    Code.MET_ON_TIME: "good",
    Code.DUE_TODAY: "warn",
    Code.REPORTED: "warn",
    Code.MET_AFTER_EXTENSION: "warn",
    Code.OVERDUE: "bad",
    Code.MET_LATE: "bad",
    Code.DUE: "neutral",
    Code.WITHDRAWN: "neutral",
}


@dataclass(frozen=True)
class PublicStatus:
    code: Code
    # DUE: days left (>= 1); OVERDUE: days overdue (>= 1); MET_LATE and
    # REPORTED: days past the current deadline at completion (None when not
    # late); otherwise None.
    days: int | None
    deadline: date  # current (possibly extended) deadline
    original_deadline: date
    extended: bool  # deadline != original_deadline: always shown
    reason: str | None = None  # withdrawal reason

    @property
    def is_met(self) -> bool:
        return self.code in _MET

    @property
    def is_open(self) -> bool:
        return self.code in _OPEN

    @property
    def tone(self) -> str:
        return _TONE[self.code]


def local_date(moment: datetime, tz: str = DEFAULT_TZ) -> date:
    """Calendar date of an aware datetime in the deployment's zone.

    A naive datetime is taken as UTC (that is how the database stores them).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz)).date()


def public_status(
    *,
    state: State | str,
    deadline: date,
    original_deadline: date,
    completed_on: date | None,
    today: date,
    withdrawn_reason: str | None = None,
) -> PublicStatus:
    """Public status of a commitment on ``today`` (a local calendar date)."""
    state = State(state)  # ValueError for an unknown state
    if deadline < original_deadline:
        # Extensions only move the deadline later; anything else is a bug.
        raise ValueError(f"deadline {deadline} is before original {original_deadline}")

    def make(code: Code, days: int | None = None, reason: str | None = None) -> PublicStatus:
        return PublicStatus(
            code, days, deadline, original_deadline, deadline != original_deadline, reason
        )

    if state is State.WITHDRAWN:
        return make(Code.WITHDRAWN, reason=withdrawn_reason)

    if state is State.OPEN:
        # completed_on is ignored: a reopened item may still carry an old one.
        left = (deadline - today).days
        if left > 0:
            return make(Code.DUE, left)
        if left == 0:
            return make(Code.DUE_TODAY)
        return make(Code.OVERDUE, -left)

    if completed_on is None:  # MET or REPORTED from here on
        raise ValueError(f"completed_on is required for state {state.value!r}")
    late = (completed_on - deadline).days
    if state is State.REPORTED:
        return make(Code.REPORTED, late if late > 0 else None)
    # MET: compare with the original deadline first, so an extension (even one
    # granted after the item was overdue) can never turn into "on time".
    if completed_on <= original_deadline:
        return make(Code.MET_ON_TIME)
    if late <= 0:
        return make(Code.MET_AFTER_EXTENSION)
    return make(Code.MET_LATE, late)


def under_notice(item, today: date) -> bool:
    """通报 stays on the board while the item is still open and overdue."""
    return item.noticed_on is not None and item.state == State.OPEN and item.deadline < today
