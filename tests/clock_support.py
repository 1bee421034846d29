"""The clock that sign-in locks and session limits read (hotline.clock.utcnow),
stopped at a known moment and moved by the test."""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline import clock

# 10:00 in Asia/Shanghai, the deployment's default zone.
START = datetime(2026, 5, 6, 2, 0)


def stopped_clock(monkeypatch):
    """Stop the clock at START; returns move(minutes=16), which moves it forward.
    Stop it before anyone signs in (name the fixture first)."""
    now = [START]
    monkeypatch.setattr(clock, "utcnow", lambda: now[0])

    def move(**delta):
        now[0] += timedelta(**delta)

    return move
