"""The calendar's errors.

Every error of this package is a `CalendarError`, which is also workalendar's own
`CalendarError`: code written against workalendar (whose China calendar raises that class for
years it has no data for) catches ours unchanged. Messages are built from the fields, so a caller
can also act on the fields.
"""

from __future__ import annotations

import datetime as dt
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


class UnsupportedDateType(
    CalendarError, _WorkalendarUnsupportedDateType, TypeError  # type: ignore[misc]
):
    """A day that is neither a `date` nor a `datetime`: one of ours (`CalendarError`),
    workalendar's error, and a TypeError."""


class DateOutOfRange(CalendarError, OverflowError, ValueError):
    """An answer needs a day or a year outside 0001-01-01 to 9999-12-31, the dates Python's
    `datetime.date` holds (so no schedule can cover it either): the working day after
    9999-12-31, the one before 0001-01-01, the schedule of year 10000.

    Also an `OverflowError` (what `datetime` raises past its range, and what these calls
    raised before) and a `ValueError`. `what` names the day or year asked for.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(
            f"{what} lies outside the dates the calendar can count, "
            f"{dt.date.min.isoformat()} to {dt.date.max.isoformat()}"
        )


class UnsupportedArgumentType(CalendarError, TypeError):
    """An argument of the wrong type: a count of working days that is not an int (a bool, a
    float, a string), a year that is not an int, one path given as ``schedule_files``, extra
    days that are not a collection of days. Also a `TypeError`. `argument` names it."""

    def __init__(self, argument: str, expected: str, value: object) -> None:
        self.argument = argument
        self.value = value
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:80] + "…"
        super().__init__(f"{argument} must be {expected}, got {type(value).__name__} {shown}")


class InvalidCalendarArgument(CalendarError, ValueError):
    """An argument of the right type with a value the calendar does not take (a language other
    than "en" and "zh"). Also a `ValueError`. `argument` names it."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        super().__init__(f"{argument} {problem}")
