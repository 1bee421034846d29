"""How long failed sign-ins lock a username. Pure: no Flask, no database.

After `failures` failed sign-ins in a row the name is locked for
`first_minutes`; each further lock in a row lasts twice as long as the one
before, up to `max_minutes` (15, 30, 60 … minutes). A successful sign-in or
the office's unlock starts over, and so does a name left alone for
`forget_hours` with no lock running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    failures: int = 5
    first_minutes: int = 15
    max_minutes: int = 24 * 60
    forget_hours: int = 24


def lock_minutes(locks: int, policy: Policy) -> int:
    """The length of the n-th lock in a row (n counts from 1)."""
    doubled = policy.first_minutes * 2 ** min(max(locks, 1) - 1, 20)
    return min(policy.max_minutes, doubled)


def forget_before(now: datetime, policy: Policy) -> datetime:
    """A record whose last failure is older than this (and no lock running) starts over."""
    return now - timedelta(hours=policy.forget_hours)
