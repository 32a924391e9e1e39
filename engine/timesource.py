"""Where the engine gets the time from: the system clock, or a controllable one in tests.

The engine never reads the wall clock directly; every operation asks its time source, so a whole
year of requests can run in seconds under :class:`engine.testing.ManualClock`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class TimeSource(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def utc_now(source: TimeSource) -> datetime:
    """The source's time in UTC: events are stored and hashed in UTC whatever the source's zone."""
    now = source.now()
    if now.tzinfo is None:
        raise ValueError(f"time source {source!r} returned a naive datetime; it must be aware")
    return now.astimezone(UTC)


def utc_dt(value: datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC: SQLite hands them back naive, PostgreSQL in the session
    zone, and every timestamp gongkai stores is UTC."""
    if value is None:
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def beijing_aware(moment: datetime) -> datetime:
    """``moment`` as aware UTC; a naive moment is read as Beijing time, the time agencies
    think in."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(UTC)


def beijing_moment(day: date, at: time = time(0, 0)) -> datetime:
    """The Beijing wall-clock moment ``at`` on ``day``, as UTC (the database stores UTC)."""
    return datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of a moment: statutory days are Beijing days."""
    return moment.astimezone(SHANGHAI).date()
