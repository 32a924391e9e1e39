"""How the worker retries failing work: timers and calendar schedules alike.

A failed attempt is tried again after a back-off that doubles each time (30 s, 1 min, 2 min, ...);
after :data:`MAX_ATTEMPTS` the work is parked as ``failed`` with its error, for staff to see in
``gongkai timers --failed``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(seconds=30)


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, or None: park it as failed."""
    if attempts >= MAX_ATTEMPTS:
        return None
    backoff: timedelta = BASE_BACKOFF * 2 ** (attempts - 1)
    return now + backoff
