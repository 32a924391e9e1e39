"""A time source that moves only when told to: whole years of requests in seconds."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from engine.timesource import beijing_aware


class ManualClock:
    """A time source that moves only when told to (``set``/``advance``); thread-safe.

    A naive ``start`` is read as Asia/Shanghai time, the time agencies think in.
    """

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = beijing_aware(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        when = beijing_aware(when)
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
