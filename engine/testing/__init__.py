"""Helpers for tests and simulations: a clock you set by hand, simulated time, throw-away
PostgreSQL schemas. This package wraps the product; the product never imports it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from engine.runtime.engine import Engine
from engine.store.schemas import postgres_schema
from engine.timesource import SHANGHAI

__all__ = ["ManualClock", "advance", "postgres_schema"]


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
    """Walk the engine's :class:`ManualClock` to ``to`` (naive = Beijing time), firing every
    timer in due order; how many fired. Same as ``engine.advance(to)``."""
    if not isinstance(engine.clock, ManualClock):
        raise TypeError("advance() needs an engine running on a ManualClock")
    return engine.advance(_aware(to))
