"""The calendar's errors.

Every error of this package is a `CalendarError`, which is also workalendar's own
`CalendarError`: code written against workalendar (whose China calendar raises that class for
years it has no data for) catches ours unchanged. Messages are built from the fields, so a caller
can also act on the fields.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workalendar.exceptions import CalendarError as _WorkalendarError
from workalendar.exceptions import UnsupportedDateType as _WorkalendarUnsupportedDateType

SCHEDULE_DIR_ENV = "GONGKAI_SCHEDULE_DIR"
"""Environment variable naming a directory of schedule files (one ``*.toml`` per year)."""


class CalendarError(_WorkalendarError):  # type: ignore[misc]
    """Base class of the calendar's errors."""


class CalendarDataMissing(CalendarError, LookupError):
    """An answer needs a year that has no official holiday schedule.

    Raised in strict mode (the default) for every year without a State Council schedule
    (国务院办公厅关于部分节假日安排的通知), and in provisional mode for years the statutory
    rules cannot be computed for; `provisional_range` is then the range they cover
    (1900-2099). `year` is the first year the answer needs that has no data.
    """

    def __init__(
        self,
        year: int,
        *,
        provisional_range: tuple[int, int] | None = None,
    ) -> None:
        self.year = year
        self.provisional_range = provisional_range
        super().__init__(self._message())

    def _message(self) -> str:
        head = (
            f"no official holiday schedule (国务院办公厅关于部分节假日安排的通知) for {self.year}"
        )
        if self.provisional_range is not None:
            first, last = self.provisional_range
            head += f", and provisional answers cover {first}-{last} only"
        how = (
            f"add a schedule file for {self.year} (one TOML file per year, passed as "
            f"ChinaCalendar(schedule_files=[...]) or put in the directory named by "
            f"{SCHEDULE_DIR_ENV}; check it with `gongkai calendar check FILE`)"
        )
        if self.provisional_range is None:
            how += ", or ask for a provisional answer with ChinaCalendar(provisional=True)"
        return f"{head}: {how}"


@dataclass(frozen=True)
class ScheduleProblem:
    """One thing wrong in a schedule file: the date as written (if any) and what is wrong."""

    message: str
    date: str | None = None

    def __str__(self) -> str:
        return f"{self.date}: {self.message}" if self.date is not None else self.message


class ScheduleFileError(CalendarError, ValueError):
    """A schedule file cannot be used; lists every problem found in it, not only the first."""

    def __init__(self, path: str | os.PathLike[str], problems: Sequence[ScheduleProblem]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        super().__init__(self._message())

    @property
    def date(self) -> str | None:
        """The date of the first problem that names one (as written in the file)."""
        return next((p.date for p in self.problems if p.date is not None), None)

    def _message(self) -> str:
        if len(self.problems) == 1:
            return f"schedule file {self.path}: {self.problems[0]}"
        lines = "".join(f"\n  - {problem}" for problem in self.problems)
        return f"schedule file {self.path}: {len(self.problems)} problems:{lines}"


class UnsupportedDateType(_WorkalendarUnsupportedDateType, TypeError):  # type: ignore[misc]
    """A day that is neither a `date` nor a `datetime`: workalendar's error, and a TypeError."""
