"""The precomputed working-day table the calendar answers from.

A `WorkingDayTable` is an immutable snapshot over a run of whole years: the sorted ordinals of
every working day in it, and the years in it that have no data. Counting and stepping are
bisections, O(log n) a call, with no loop over days.

A `LazyTable` holds the current snapshot and grows it by whole years when an answer needs a
year outside it, building a new snapshot under a lock and swapping it in whole. Readers take
one snapshot per call and never see a half-built one, so one calendar can be shared between
threads.

Years without data stay in the snapshot as empty years, so the table remains one run; every
answer checks that none of the days it depends on lies in one of them, and raises the
calendar's `CalendarDataMissing` for the first such year otherwise.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from calendars.errors import CalendarDataMissing
from calendars.schedule import Schedule

DAYS_IN_LEAP_YEAR = 366
MAX_ORDINAL = dt.date.max.toordinal()


def year_of(ordinal: int) -> int:
    """The year of a proleptic Gregorian ordinal (OverflowError past `date.min`/`date.max`)."""
    if not 1 <= ordinal <= MAX_ORDINAL:
        raise OverflowError("date value out of range")
    return dt.date.fromordinal(ordinal).year


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


class WorkingDayTable:
    """Working days of `first_year`..`last_year` as sorted ordinals; `missing` years are empty."""

    __slots__ = (
        "first_year",
        "last_year",
        "first_ordinal",
        "last_ordinal",
        "working",
        "missing",
        "_missing_starts",
        "_missing_ends",
    )

    def __init__(
        self, first_year: int, last_year: int, working: list[int], missing: list[int]
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.first_ordinal = dt.date(first_year, 1, 1).toordinal()
        self.last_ordinal = dt.date(last_year, 12, 31).toordinal()
        self.working = working
        self.missing = missing
        self._missing_starts = [dt.date(year, 1, 1).toordinal() for year in missing]
        self._missing_ends = [dt.date(year, 12, 31).toordinal() for year in missing]

    @classmethod
    def build(
        cls, first_year: int, last_year: int, schedule_of: Callable[[int], Schedule | None]
    ) -> WorkingDayTable:
        """Concatenate the years' working days; a year whose schedule is None stays empty."""
        working: list[int] = []
        missing: list[int] = []
        for year in range(first_year, last_year + 1):
            schedule = schedule_of(year)
            if schedule is None:
                missing.append(year)
            else:
                working.extend(schedule.working_ordinals)
        return cls(first_year, last_year, working, missing)

    def covers(self, first: int, last: int) -> bool:
        """Whether the ordinals first..last all lie inside the table."""
        return self.first_ordinal <= first and last <= self.last_ordinal

    def is_working(self, ordinal: int) -> bool:
        index = bisect_left(self.working, ordinal)
        return index < len(self.working) and self.working[index] == ordinal

    def count(self, after: int, through: int) -> int:
        """Working days in (after, through]."""
        return bisect_right(self.working, through) - bisect_right(self.working, after)

    def nth_after(self, ordinal: int, n: int) -> int | None:
        """The n-th working day after `ordinal` (n >= 1), or None past the table's end."""
        index = bisect_right(self.working, ordinal) + n - 1
        return self.working[index] if index < len(self.working) else None

    def nth_before(self, ordinal: int, n: int) -> int | None:
        """The n-th working day before `ordinal` (n >= 1), or None before the table's start."""
        index = bisect_left(self.working, ordinal) - n
        return self.working[index] if index >= 0 else None

    def first_missing(self, first: int, last: int) -> int | None:
        """The first year without data that has a day in the ordinals first..last, or None."""
        if not self.missing:
            return None
        index = bisect_left(self._missing_ends, first)
        if index < len(self.missing) and self._missing_starts[index] <= last:
            return self.missing[index]
        return None

    def last_missing(self, first: int, last: int) -> int | None:
        """The last year without data that has a day in the ordinals first..last, or None."""
        index = bisect_right(self._missing_starts, last) - 1
        if index >= 0 and self._missing_ends[index] >= first:
            return self.missing[index]
        return None


class LazyTable:
    """The growing table of one calendar: counting and stepping over whole years of data.

    Arguments and answers are ordinals; every method raises the calendar's
    `CalendarDataMissing` for the first year without data among the days its answer needs.
    """

    def __init__(
        self,
        schedule_of: Callable[[int], Schedule | None],
        missing_error: Callable[[int], CalendarDataMissing],
        initial_years: tuple[int, int],
    ) -> None:
        self._schedule_of = schedule_of
        self._missing_error = missing_error
        self._initial_years = initial_years
        self._lock = threading.Lock()
        self._snapshot: WorkingDayTable | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle (and deep-copy) without the lock and the snapshot; both are rebuilt."""
        state = self.__dict__.copy()
        del state["_lock"], state["_snapshot"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._snapshot = None

    def _covering(self, first: int, last: int) -> WorkingDayTable:
        """A snapshot covering the ordinals first..last (grown by whole years if needed)."""
        snap = self._snapshot
        if snap is not None and snap.covers(first, last):
            return snap
        first_year, last_year = year_of(first), year_of(last)
        with self._lock:
            snap = self._snapshot
            if snap is not None and snap.covers(first, last):
                return snap
            low, high = (snap.first_year, snap.last_year) if snap else self._initial_years
            snap = WorkingDayTable.build(
                min(low, first_year), max(high, last_year), self._schedule_of
            )
            self._snapshot = snap
            return snap

    def _check(
        self, snap: WorkingDayTable, first: int, last: int, *, backwards: bool = False
    ) -> None:
        """`CalendarDataMissing` for the year without data among first..last nearest to where
        the answer starts counting (the last such year when counting `backwards`)."""
        year = snap.last_missing(first, last) if backwards else snap.first_missing(first, last)
        if year is not None:
            raise self._missing_error(year)

    def _check_year(self, year: int) -> None:
        """Before growing the table into `year` (which the answer needs), check it has data."""
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise OverflowError("date value out of range")
        if self._schedule_of(year) is None:
            raise self._missing_error(year)

    def is_working(self, ordinal: int) -> bool:
        snap = self._covering(ordinal, ordinal)
        self._check(snap, ordinal, ordinal)
        return snap.is_working(ordinal)

    def count(self, start: int, end: int, include_start: bool) -> int:
        """Working days in (start, end], plus `start` itself if asked and working (start < end)."""
        first = start if include_start else start + 1
        snap = self._covering(first, end)
        self._check(snap, first, end)
        extra = 1 if include_start and snap.is_working(start) else 0
        return snap.count(start, end) + extra

    def add(self, start: int, n: int) -> int:
        """The n-th working day after `start` (n >= 1)."""
        first = start + 1
        snap = self._covering(first, first)
        while (result := snap.nth_after(start, n)) is None:
            self._check(snap, first, snap.last_ordinal)
            self._check_year(snap.last_year + 1)
            needed = n - snap.count(start, snap.last_ordinal)
            grow_to = snap.last_year + _ceil_div(needed, DAYS_IN_LEAP_YEAR)
            snap = self._covering(first, dt.date(min(grow_to, dt.MAXYEAR), 12, 31).toordinal())
        self._check(snap, first, result)
        return result

    def sub(self, start: int, n: int) -> int:
        """The n-th working day before `start` (n >= 1)."""
        last = start - 1
        snap = self._covering(last, last)
        while (result := snap.nth_before(start, n)) is None:
            self._check(snap, snap.first_ordinal, last, backwards=True)
            self._check_year(snap.first_year - 1)
            needed = n - snap.count(snap.first_ordinal - 1, last)
            grow_to = snap.first_year - _ceil_div(needed, DAYS_IN_LEAP_YEAR)
            snap = self._covering(dt.date(max(grow_to, dt.MINYEAR), 1, 1).toordinal(), last)
        self._check(snap, result, last, backwards=True)
        return result
