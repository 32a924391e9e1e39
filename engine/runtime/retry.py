"""How the worker retries failing work: timers and calendar schedules alike.

A failed attempt is tried again after a back-off that doubles each time (30 s, 1 min, 2 min, ...);
after :data:`MAX_ATTEMPTS` the work is parked as ``failed`` with its error, for staff to see in
``gongkai timers --failed``. A calendar schedule waiting for a year of calendar data is never
parked: it looks again with the same back-off, at most :data:`RECHECK_MAX` apart
(:func:`recheck_at`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(seconds=30)
RECHECK_MAX = timedelta(hours=1)
"""Longest wait between two looks for calendar data a schedule needs (a schedule file added and
the worker restarted is picked up within this; ``recompute_deadlines`` picks it up at once)."""


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, or None: park it as failed."""
    if attempts >= MAX_ATTEMPTS:
        return None
    backoff: timedelta = BASE_BACKOFF * 2 ** (attempts - 1)
    return now + backoff


def recheck_at(checks: int, now: datetime) -> datetime:
    """When to look again for missing calendar data after ``checks`` looks: 30 s, 1 min, 2 min,
    ... up to :data:`RECHECK_MAX`, for as long as it takes."""
    backoff: timedelta = BASE_BACKOFF * 2 ** min(max(checks, 1) - 1, 16)
    return now + min(backoff, RECHECK_MAX)
