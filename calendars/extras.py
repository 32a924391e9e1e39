"""workalendar's ``extra_working_days`` and ``extra_holidays`` on top of the table.

workalendar lets a caller declare, for one call, days that are working days and days that are
not ("the office is closed on the 14th"); the extra working days win over the extra holidays.
`Overlay` answers with those exceptions without giving up the table: it walks only the extra
days, in order, and asks the table for the stretches between them, so a call costs
O(k log n) for k extra days.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Base(Protocol):
    """What the overlay needs from the table (see `calendars.table.LazyTable`)."""

    def is_working(self, ordinal: int) -> bool: ...

    def count(self, start: int, end: int, include_start: bool) -> int: ...

    def add(self, start: int, n: int) -> int: ...

    def sub(self, start: int, n: int) -> int: ...


class Overlay:
    """The table's working days, plus `working` and minus `holidays` (ordinals)."""

    def __init__(self, base: Base, working: Iterable[int], holidays: Iterable[int]) -> None:
        self.base = base
        self.working = frozenset(working)
        self.holidays = frozenset(holidays) - self.working
        self.events = sorted(self.working | self.holidays)

    def is_working(self, ordinal: int) -> bool:
        if ordinal in self.working:
            return True
        if ordinal in self.holidays:
            return False
        return self.base.is_working(ordinal)

    def count(self, start: int, end: int, include_start: bool) -> int:
        """Working days in (start, end], plus `start` if asked and working (start < end)."""
        total = self.base.count(start, end, include_start)
        low = start if include_start else start + 1
        for ordinal in self.events:
            if low <= ordinal <= end:
                total += int(self.is_working(ordinal)) - int(self.base.is_working(ordinal))
        return total

    def add(self, start: int, n: int) -> int:
        """The n-th working day after `start` (n >= 1)."""
        remaining, cursor = n, start
        for event in (e for e in self.events if e > start):
            candidate = self.base.add(cursor, remaining)
            if candidate < event:
                return candidate
            if cursor < event - 1:
                remaining -= self.base.count(cursor, event - 1, False)
            if self.is_working(event):
                remaining -= 1
                if remaining == 0:
                    return event
            cursor = event
        return self.base.add(cursor, remaining)

    def sub(self, start: int, n: int) -> int:
        """The n-th working day before `start` (n >= 1)."""
        remaining, cursor = n, start
        for event in (e for e in reversed(self.events) if e < start):
            candidate = self.base.sub(cursor, remaining)
            if candidate > event:
                return candidate
            if event < cursor - 1:
                remaining -= self.base.count(event, cursor - 1, False)
            if self.is_working(event):
                remaining -= 1
                if remaining == 0:
                    return event
            cursor = event
        return self.base.sub(cursor, remaining)
