"""The precomputed working-day table the calendar answers from.

A `WorkingDayTable` is an immutable snapshot over a run of whole years: the sorted ordinals of
every working day in it, and the years in it that have no data. Counting and stepping are
bisections, O(log n) a call, with no loop over days.

A `LazyTable` holds the current snapshot and grows it by whole years when an answer needs a
year outside it, building a new snapshot under a lock and swapping it in whole. Readers take
one snapshot per call and never see a half-built one, so one calendar can be shared between
threads.

Years without data stay in the snapshot as empty years, so the table remains one run; every
answer checks that none of the years it depends on is one of them, and raises the calendar's
`CalendarDataMissing` for the first one otherwise.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

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

    __slots__ = ("first_year", "last_year", "working", "missing")

    def __init__(
        self, first_year: int, last_year: int, working: Sequence[int], missing: Sequence[int]
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.working = working
        self.missing = missing

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

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year

    @property
    def first_ordinal(self) -> int:
        return dt.date(self.first_year, 1, 1).toordinal()

    @property
    def last_ordinal(self) -> int:
        return dt.date(self.last_year, 12, 31).toordinal()

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

    def first_missing(self, first_year: int, last_year: int) -> int | None:
        """The first year in first_year..last_year without data, or None."""
        index = bisect_left(self.missing, first_year)
        if index < len(self.missing) and self.missing[index] <= last_year:
            return self.missing[index]
        return None


class LazyTable:
    """The growing table of one calendar: counting and stepping over whole years of data."""

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

    def snapshot(self, first_year: int, last_year: int) -> WorkingDayTable:
        """A snapshot covering at least first_year..last_year (built or grown if needed)."""
        snap = self._snapshot
        if snap is not None and snap.covers(first_year, last_year):
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is not None and snap.covers(first_year, last_year):
                return snap
            low, high = (snap.first_year, snap.last_year) if snap else self._initial_years
            low = max(dt.MINYEAR, min(low, first_year))
            high = min(dt.MAXYEAR, max(high, last_year))
            snap = WorkingDayTable.build(low, high, self._schedule_of)
            self._snapshot = snap
            return snap

    def require(self, first_year: int, last_year: int) -> WorkingDayTable:
        """A snapshot over the years, raising for the first of them without data."""
        snap = self.snapshot(first_year, last_year)
        self._check(snap, first_year, last_year)
        return snap

    def _check(self, snap: WorkingDayTable, first_year: int, last_year: int) -> None:
        year = snap.first_missing(first_year, last_year)
        if year is not None:
            raise self._missing_error(year)

    def _check_next(self, year: int) -> None:
        """Before growing the table into `year` (which the answer needs), check it has data."""
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise OverflowError("date value out of range")
        if self._schedule_of(year) is None:
            raise self._missing_error(year)

    def is_working(self, ordinal: int) -> bool:
        year = year_of(ordinal)
        return self.require(year, year).is_working(ordinal)

    def count(self, start: int, end: int, include_start: bool) -> int:
        """Working days in (start, end], plus `start` itself if asked and working (start < end)."""
        first = year_of(start if include_start else start + 1)
        snap = self.require(first, year_of(end))
        extra = 1 if include_start and snap.is_working(start) else 0
        return snap.count(start, end) + extra

    def add(self, start: int, n: int) -> int:
        """The n-th working day after `start` (n >= 1)."""
        first = year_of(start + 1)
        snap = self.snapshot(first, first)
        while (result := snap.nth_after(start, n)) is None:
            self._check(snap, first, snap.last_year)
            self._check_next(snap.last_year + 1)
            needed = n - snap.count(start, snap.last_ordinal)
            snap = self.snapshot(first, snap.last_year + _ceil_div(needed, DAYS_IN_LEAP_YEAR))
        self._check(snap, first, year_of(result))
        return result

    def sub(self, start: int, n: int) -> int:
        """The n-th working day before `start` (n >= 1)."""
        last = year_of(start - 1)
        snap = self.snapshot(last, last)
        while (result := snap.nth_before(start, n)) is None:
            self._check(snap, snap.first_year, last)
            self._check_next(snap.first_year - 1)
            needed = n - snap.count(snap.first_ordinal - 1, start - 1)
            snap = self.snapshot(snap.first_year - _ceil_div(needed, DAYS_IN_LEAP_YEAR), last)
        self._check(snap, year_of(result), last)
        return result
