"""Helpers for tests and simulations: a clock you set by hand."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import sqlalchemy as sa

from engine.timesource import SHANGHAI

if TYPE_CHECKING:
    from engine.runtime import Engine


class ManualClock:
    """A time source that moves only when told to (``set``/``advance``); thread-safe.

    A naive ``start`` is read as Asia/Shanghai time, the time agencies think in.
    """

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = _aware(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        when = _aware(when)
        with self._lock:
            if when < self._now:
                raise ValueError(f"a manual clock does not go back: {when} is before {self._now}")
            self._now = when

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("a manual clock does not go back")
        with self._lock:
            self._now += delta
            return self._now


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(UTC)


def advance(engine: Engine, to: datetime) -> int:
    """Walk the engine's :class:`ManualClock` to ``to``, firing every timer in due order."""
    from engine.firing import next_due

    clock = engine.clock
    if not isinstance(clock, ManualClock):
        raise TypeError("advance() needs an engine running on a ManualClock")
    to = _aware(to)
    fired = 0
    while True:
        due = next_due(engine)
        if due is None or due > to:
            break
        if due > clock.now():
            clock.set(due)
        count = engine.run_due_timers()
        fired += count
        if count == 0 and next_due(engine) == due:
            break  # what is due keeps failing; its retries are due later
    clock.set(max(to, clock.now()))
    fired += engine.run_due_timers()
    return fired


@contextmanager
def postgres_schema(url: str, prefix: str = "t") -> Iterator[str]:
    """A throw-away PostgreSQL schema for one test or benchmark run.

    Yields a URL whose connections use the new schema (also from other processes), and drops the
    schema with everything in it afterwards.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
