"""Which schedule answers for a year: a schedule file, else the packaged data, else (only when
asked for) the provisional statutory rules, else nothing; then, if a local file extends the
national schedule of that year, that schedule with the local days added.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from calendars.errors import CalendarDataMissing, ScheduleFileError
from calendars.local import extend, extension_problems
from calendars.official import official_schedules
from calendars.provisional import (
    FIRST_PROVISIONAL_YEAR,
    LAST_PROVISIONAL_YEAR,
    can_compute,
    provisional_schedule,
)
from calendars.schedule import Schedule


class ScheduleSources:
    """The schedules one calendar answers from, year by year."""

    def __init__(self, files: Mapping[Path, Schedule], provisional: bool) -> None:
        """`files` by path; those that extend the national schedule are kept apart (`local`).

        Raises `ScheduleFileError` for a local file that conflicts with the national schedule of
        its year in this mode (official, else provisional when asked for), here rather than on a
        later query: the error names the file and every conflict in it (the first such file by
        year).
        """
        self.paths: Mapping[Path, Schedule] = MappingProxyType(dict(files))
        self.files: Mapping[int, Schedule] = MappingProxyType(
            {s.year: s for s in files.values() if s.extends is None}
        )
        self.local: Mapping[int, tuple[Path, Schedule]] = MappingProxyType(
            {s.year: (p, s) for p, s in files.items() if s.extends is not None}
        )
        self.provisional = provisional
        self.packaged = official_schedules()
        self.official_years = frozenset(self.packaged) | frozenset(self.files)
        self._sorted_official = sorted(self.official_years)
        self._extended: dict[int, Schedule] = {}
        for year in sorted(self.local):
            national = self.national(year)
            if national is not None:
                self._extend(year, national)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ScheduleSources, (dict(self.paths), self.provisional))

    def official(self, year: int) -> Schedule | None:
        """The year's national schedule from a file or the packaged data, or None."""
        return self.files.get(year) or self.packaged.get(year)

    def national(self, year: int) -> Schedule | None:
        """The national schedule answering for `year` in this mode (before local days), or None."""
        schedule = self.official(year)
        if schedule is None and self.provisional and can_compute(year):
            schedule = provisional_schedule(year)
        return schedule

    def schedule_of(self, year: int) -> Schedule | None:
        """The schedule that answers for `year` in this mode, or None if none does."""
        schedule = self.national(year)
        if schedule is None or year not in self.local:
            return schedule
        return self._extended.get(year) or self._extend(year, schedule)

    def _extend(self, year: int, national: Schedule) -> Schedule:
        """`national` with the local file's days added (cached); its conflicts raise."""
        path, local = self.local[year]
        problems = extension_problems(national, local)
        if problems:
            raise ScheduleFileError(path, problems)
        extended = self._extended[year] = extend(national, local)
        return extended

    def require(self, year: int) -> Schedule:
        """The schedule that answers for `year`, or `CalendarDataMissing`."""
        schedule = self.schedule_of(year)
        if schedule is None:
            raise self.missing_error(year)
        return schedule

    def missing_error(self, year: int) -> CalendarDataMissing:
        provisional_range = (FIRST_PROVISIONAL_YEAR, LAST_PROVISIONAL_YEAR)
        return CalendarDataMissing(
            year, provisional_range=provisional_range if self.provisional else None
        )

    def is_provisional_year(self, year: int) -> bool:
        """Whether answers for `year` come from the provisional rules."""
        return self.provisional and can_compute(year) and year not in self.official_years

    def any_provisional(self, first_year: int, last_year: int) -> bool:
        """Whether any year in first_year..last_year is answered provisionally (O(log n))."""
        if not self.provisional:
            return False
        low = max(first_year, FIRST_PROVISIONAL_YEAR)
        high = min(last_year, LAST_PROVISIONAL_YEAR)
        if low > high:
            return False
        official = bisect_right(self._sorted_official, high) - bisect_left(
            self._sorted_official, low
        )
        return official < high - low + 1

    @property
    def initial_years(self) -> tuple[int, int]:
        """The years the table is first built for: the packaged ones."""
        return min(self.packaged), max(self.packaged)
