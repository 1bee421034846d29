"""Limits the office can change (Administration → Limits), with their defaults.

Each is a whole number of working days (工作日, see workdays.py). A limit not
yet saved by the office has its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Setting, User
from ..rules.workdays import WorkingDeadline, add_working_days


@dataclass(frozen=True)
class Limit:
    key: str
    default: int
    low: int
    high: int
    label: object  # lazy string
    hint: object


LIMITS = (
    Limit(
        "referral_days",
        15,
        1,
        250,
        _l("Response deadline of a referral (working days)"),
        _l(
            "A call referred for offline verification must be answered within this "
            "many working days."
        ),
    ),
    Limit(
        "acknowledge_days",
        1,
        0,
        30,
        _l("Acknowledgement (签收) of a new item within (working days)"),
        _l(
            "A department acknowledges each item given to it within this many working "
            "days; later, the item is flagged to the office. A dispute (派单异议) is "
            "possible within the same limit."
        ),
    ),
    Limit(
        "remind_days",
        1,
        1,
        60,
        _l("Reminder (催办) when overdue by (working days)"),
        _l(
            "flask remind writes a reminder on the timeline of an item this many "
            "working days past its deadline."
        ),
    ),
    Limit(
        "press_days",
        3,
        1,
        60,
        _l("Press (督办): listed after a reminder by (working days)"),
        _l(
            "An item still overdue this many working days after its reminder is "
            "listed to the office for pressing."
        ),
    ),
    Limit(
        "notice_days",
        5,
        1,
        60,
        _l("Public notice (通报) when still overdue after a press by (working days)"),
        _l(
            "flask remind publishes a notice on the board for an item still overdue "
            "this many working days after it was pressed."
        ),
    ),
)
BY_KEY = {limit.key: limit for limit in LIMITS}


def values() -> dict[str, int]:
    """Every limit: the office's value, else the default."""
    stored = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    return {limit.key: stored.get(limit.key, limit.default) for limit in LIMITS}


def get(key: str) -> int:
    limit = BY_KEY[key]
    stored = db.session.get(Setting, key)
    return stored.value if stored is not None else limit.default


def set_value(key: str, value: int, actor: User | None) -> None:
    limit = BY_KEY[key]
    if not limit.low <= value <= limit.high:
        raise ValueError(f"{key} must be between {limit.low} and {limit.high}")
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value, updated_by_id=actor.id if actor else None))
    else:
        row.value = value
        row.updated_by_id = actor.id if actor else None


def referral_deadline(day: date) -> WorkingDeadline:
    """A referral made on `day` must be answered by this date."""
    return add_working_days(day, get("referral_days"))
