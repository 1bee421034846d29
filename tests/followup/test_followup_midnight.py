"""'Due today' becomes 'overdue' at Beijing midnight with no job: the status is
computed at read time, and open pages are told when to refetch."""

from datetime import UTC, datetime

import pytest
from followup_support import make_commitment, public_status

import hotline.clock


def test_next_local_midnight_is_beijing_midnight_in_utc(app):
    from hotline.clock import next_local_midnight

    with app.app_context():
        # 23:59:59 in Beijing is 15:59:59 UTC; the next local midnight is 16:00 UTC.
        assert next_local_midnight(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)) == (
            "2026-11-23T16:00:00Z"
        )
        assert next_local_midnight(datetime(2026, 11, 23, 16, 0, 0, tzinfo=UTC)) == (
            "2026-11-24T16:00:00Z"
        )
        assert next_local_midnight(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == (
            "2027-01-01T16:00:00Z"
        )
        app.config["HOTLINE_TIMEZONE"] = "Asia/Urumqi"  # UTC+6
        assert next_local_midnight(datetime(2026, 11, 23, 12, 0, tzinfo=UTC)) == (
            "2026-11-23T18:00:00Z"
        )


def test_every_page_carries_the_refetch_moment_and_the_script(client):
    html = client.get("/").get_data(as_text=True)
    assert 'data-refetch-at="20' in html
    assert "/static/midnight.js" in html


class FrozenClock(datetime):
    frozen: datetime

    @classmethod
    def now(cls, tz=None):
        return cls.frozen if tz is None else cls.frozen.astimezone(tz)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(hotline.clock, "datetime", FrozenClock)

    def set_to(moment: datetime) -> None:
        FrozenClock.frozen = moment.astimezone()

    return set_to


def test_status_flips_at_beijing_midnight(app, client, clock):
    # A commitment due "today" (local date of 2026-11-23 in Beijing).
    clock(datetime(2026, 11, 23, 4, 0, tzinfo=UTC))  # 12:00 Beijing
    cid = make_commitment(app, days=0)
    assert public_status(client, cid) == "due_today"
    clock(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC))  # 23:59:59 Beijing
    assert public_status(client, cid) == "due_today"
    html = client.get(f"/commitments/{cid}").get_data(as_text=True)
    assert 'data-refetch-at="2026-11-23T16:00:00Z"' in html
    clock(datetime(2026, 11, 23, 16, 0, 0, tzinfo=UTC))  # 00:00 Beijing, next day
    assert public_status(client, cid) == "overdue"
