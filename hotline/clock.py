"""Dates and times in the deployment's time zone (HOTLINE_TIMEZONE).

Stored times are naive UTC; what people read and type is local. Statuses are
computed for the local date, so "due today" turns "overdue" at local midnight.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from .rules.status import local_date


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["HOTLINE_TIMEZONE"])


def utcnow() -> datetime:
    """Now, as times are stored (naive UTC). Sign-in locks and session limits
    ask here (as `clock.utcnow()`), so a test can move the clock."""
    return datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)


def today() -> date:
    return local_date(datetime.now().astimezone(), current_app.config["HOTLINE_TIMEZONE"])


def next_local_midnight(now: datetime | None = None) -> str:
    """When the local date next changes, as UTC ISO: open pages refetch their
    live regions then, because statuses ("due today", "overdue") depend on it."""
    zone = _zone()
    local = (now or datetime.now(ZoneInfo("UTC"))).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return midnight.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_local(moment: datetime | None) -> datetime | None:
    """Stored naive UTC → aware datetime in the deployment's zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(_zone())


def local_to_utc(moment: datetime) -> datetime:
    """A naive datetime typed in the deployment's zone → naive UTC for storage."""
    aware = moment.replace(tzinfo=_zone())
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def utc_year_bounds(year: int) -> tuple[datetime, datetime]:
    """A local calendar year as a half-open range of stored (naive UTC) times."""
    return local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))


def format_datetime(moment: datetime | None) -> str:
    local = to_local(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def format_time(moment: datetime | None) -> str:
    local = to_local(moment)
    return local.strftime("%H:%M") if local else ""


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def format_offset(seconds: int | None) -> str:
    """A moment in a broadcast: 4:05, or 1:02:03 past the first hour."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def moment_url(stream_url: str, offset: int | None) -> str:
    """The recording at that moment (a media-fragment #t= in seconds); "" without one."""
    if not stream_url or offset is None:
        return ""
    return f"{stream_url.split('#', 1)[0]}#t={int(offset)}"
