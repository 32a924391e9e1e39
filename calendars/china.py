"""`ChinaCalendar`: Chinese working days (工作日), a drop-in workalendar calendar."""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, SupportsIndex, cast

from workalendar.core import SAT, SUN, Calendar

from calendars.errors import (
    SCHEDULE_DIR_ENV,
    DateOutOfRange,
    InvalidCalendarArgument,
    ScheduleFileError,
    UnsupportedArgumentType,
    UnsupportedDateType,
)
from calendars.extras import Base, Overlay
from calendars.schedule import Schedule, english_name
from calendars.schedule_files import (
    StrPath,
    load_schedule_files,
    schedule_dir_from_env,
    schedule_files_in,
)
from calendars.sources import ScheduleSources
from calendars.table import LazyTable

Language = Literal["en", "zh"]
DayLike = dt.date | dt.datetime


def to_date(day: object) -> dt.date:
    """The date part of a `date` or `datetime`; anything else is an `UnsupportedDateType`."""
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    raise UnsupportedDateType(
        f"`{day!r}` is of unsupported type ({type(day).__name__}): "
        "expected a datetime.date or datetime.datetime"
    )


def _whole_number(value: object, argument: str) -> int:
    """`value` as an int (an `int`, or what has `__index__` but is no bool), else
    `UnsupportedArgumentType` naming `argument`."""
    if type(value) is int:
        return value
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise UnsupportedArgumentType(argument, "an int", value)
    return operator.index(cast(SupportsIndex, value))


def _working_day_count(delta: object) -> int:
    return _whole_number(delta, "the number of working days")


def _year(year: object) -> int:
    """A year the calendar can hold (1-9999), else `DateOutOfRange`; not an int, else
    `UnsupportedArgumentType`."""
    number = _whole_number(year, "a year")
    if not dt.MINYEAR <= number <= dt.MAXYEAR:
        raise DateOutOfRange(f"year {number}")
    return number


def _days(days: Iterable[DayLike] | None, argument: str) -> list[dt.date]:
    """The dates of `extra_working_days` or `extra_holidays` (None: none)."""
    if days is None:
        return []
    if isinstance(days, str | bytes) or not isinstance(days, Iterable):
        raise UnsupportedArgumentType(argument, "a collection of dates", days)
    return [to_date(day) for day in days]


def _nth(count: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st ... (the count of working days, in a message)."""
    suffix = "th" if 10 <= count % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(count % 10, "th")
    return f"{count}{suffix}"


def _schedule_paths(
    schedule_files: Iterable[StrPath] | None, schedule_dir: StrPath | None
) -> list[Path]:
    if isinstance(schedule_files, str | os.PathLike):
        raise UnsupportedArgumentType(
            "schedule_files", "a list of paths, not a single path", schedule_files
        )
    from_env = schedule_files is None and schedule_dir is None
    if from_env:
        schedule_dir = schedule_dir_from_env()
    try:
        paths = schedule_files_in(schedule_dir) if schedule_dir is not None else []
    except ScheduleFileError as exc:
        if from_env:
            exc.add_note(f"(the directory named by {SCHEDULE_DIR_ENV})")
        raise
    given = list(schedule_files or ())
    for path in given:
        if not isinstance(path, str | os.PathLike):
            raise UnsupportedArgumentType("schedule_files", "a list of paths", path)
    return paths + [Path(path) for path in given]


class ChinaCalendar(Calendar):  # type: ignore[misc]
    """China: working days from the State Council holiday schedules (节假日安排).

    A `workalendar.core.Calendar` with workalendar's method names and meanings, answering from
    a precomputed table in O(log n) a call.

    Data: the official schedules (国务院办公厅关于部分节假日安排的通知) packaged from
    chinese-calendar (2004-2026), each replaced by a schedule file for its year when one is
    given: ``schedule_files=[...]``, ``schedule_dir=...``, or, when neither is given, the
    directory named by the environment variable ``GONGKAI_SCHEDULE_DIR`` (read once, here).

    Years without an official schedule: by default any answer that depends on one raises
    `CalendarDataMissing` naming the year (an answer depends on the days it counts over: those
    after ``d`` up to the result for add and sub, those in (start, end] for a delta, and the
    day itself for is_working_day). With ``provisional=True`` such years (1900-2099)
    are answered from weekends plus the statutory holidays of the 全国年节及纪念日放假办法
    (2024 revision); `is_provisional` and `span_is_provisional` say which answers are.

    Counting follows Chinese practice and workalendar: the day given is not counted;
    ``add_working_days(d, n)`` is the n-th working day after ``d`` (before it for negative
    ``n``, as in workalendar), and ``n = 0`` returns ``d`` without consulting any data.
    ``sub_working_days(d, n)`` goes back ``abs(n)`` working days. Counts (and years) must be
    ints, not bools (`UnsupportedArgumentType` otherwise). Days may be `date` or `datetime` (the
    date part counts; with ``keep_datetime=True`` a datetime comes back with its time). Anything
    else raises `UnsupportedDateType`, which is both workalendar's error and a `TypeError`.

    Every error is a `CalendarError`: an answer that would need a day past 9999-12-31 or before
    0001-01-01 (or a year outside 1-9999) raises `DateOutOfRange`, also an `OverflowError`;
    bad schedule files raise `ScheduleFileError`, missing years `CalendarDataMissing`.

    ``language`` chooses the holiday labels of `holidays` and `get_holiday_label`: English
    ("en", as workalendar) or the notices' Chinese names ("zh").
    """

    WEEKEND_DAYS = (SAT, SUN)

    def __init__(
        self,
        *,
        schedule_files: Iterable[StrPath] | None = None,
        schedule_dir: StrPath | None = None,
        provisional: bool = False,
        language: Language = "en",
    ) -> None:
        super().__init__()
        if language not in ("en", "zh"):
            raise InvalidCalendarArgument("language", f"must be 'en' or 'zh', got {language!r}")
        self.language: Language = language
        files = load_schedule_files(_schedule_paths(schedule_files, schedule_dir))
        self._sources = ScheduleSources(files, provisional=bool(provisional))
        self._table = LazyTable(
            self._sources.schedule_of, self._sources.missing_error, self._sources.initial_years
        )

    # -- data and provisional answers -------------------------------------------------------

    @property
    def provisional(self) -> bool:
        """Whether years without an official schedule are answered provisionally."""
        return self._sources.provisional

    def official_years(self) -> frozenset[int]:
        """Years with an official schedule, packaged or from schedule files."""
        return self._sources.official_years

    def schedule(self, year: int) -> Schedule:
        """The schedule answering for `year` (`CalendarDataMissing` if none does)."""
        return self._sources.require(_year(year))

    def is_provisional(self, day: DayLike) -> bool:
        """Whether answers about `day` come from the provisional rules (never in strict mode)."""
        return self._sources.is_provisional_year(to_date(day).year)

    def span_is_provisional(self, start: DayLike, end: DayLike) -> bool:
        """Whether any day in [start, end] (either order) lies in a year answered provisionally.

        Call it with a day and a computed deadline to learn whether the deadline is provisional.
        """
        first, last = sorted((to_date(start), to_date(end)))
        return self._sources.any_provisional(first.year, last.year)

    # -- workalendar API --------------------------------------------------------------------

    def is_working_day(
        self,
        day: DayLike,
        extra_working_days: Iterable[DayLike] | None = None,
        extra_holidays: Iterable[DayLike] | None = None,
    ) -> bool:
        """Whether `day` is a working day; extra working days win over extra holidays."""
        day = to_date(day)
        if day in _days(extra_working_days, "extra_working_days"):
            return True
        if day in _days(extra_holidays, "extra_holidays"):
            return False
        return self._sources.require(day.year).is_working_day(day)

    def is_holiday(self, day: DayLike, extra_holidays: Iterable[DayLike] | None = None) -> bool:
        """Whether `day` is a day off of the schedule (放假), as workalendar means it.

        Ordinary weekends are not holidays here; weekend days inside a holiday run are.
        """
        day = to_date(day)
        if day in _days(extra_holidays, "extra_holidays"):
            return True
        return day in self._sources.require(day.year).holidays

    def add_working_days(
        self,
        day: DayLike,
        delta: int,
        extra_working_days: Iterable[DayLike] | None = None,
        extra_holidays: Iterable[DayLike] | None = None,
        keep_datetime: bool = False,
    ) -> dt.date:
        """The `delta`-th working day after `day` (before it if `delta` is negative)."""
        start = to_date(day)
        count = _working_day_count(delta)
        if count == 0:
            result = start
        else:
            result = self._step(start, count, self._stepper(extra_working_days, extra_holidays))
        if keep_datetime and isinstance(day, dt.datetime):
            return day + dt.timedelta(days=(result - start).days)
        return result

    def sub_working_days(
        self,
        day: DayLike,
        delta: int,
        extra_working_days: Iterable[DayLike] | None = None,
        extra_holidays: Iterable[DayLike] | None = None,
        keep_datetime: bool = False,
    ) -> dt.date:
        """The `abs(delta)`-th working day before `day` (workalendar: the sign is ignored)."""
        count = abs(_working_day_count(delta))
        return self.add_working_days(
            day, -count, extra_working_days, extra_holidays, keep_datetime=keep_datetime
        )

    def get_working_days_delta(
        self,
        start: DayLike,
        end: DayLike,
        include_start: bool = False,
        extra_working_days: Iterable[DayLike] | None = None,
        extra_holidays: Iterable[DayLike] | None = None,
    ) -> int:
        """Working days in (start, end], either order; with `include_start`, in [start, end].

        As in workalendar, the same day twice gives 0 even with `include_start`.
        """
        first, last = to_date(start), to_date(end)
        if first == last:
            return 0
        if first > last:
            first, last = last, first
        stepper = self._stepper(extra_working_days, extra_holidays)
        return stepper.count(first.toordinal(), last.toordinal(), bool(include_start))

    def holidays(self, year: int | None = None) -> list[tuple[dt.date, str]]:
        """The days off of `year` (this year if None), sorted, with labels in `language`."""
        schedule = self.schedule(dt.date.today().year if year is None else year)
        return [(day, self._label(name)) for day, name in schedule.holidays.items()]

    def get_calendar_holidays(self, year: int) -> list[tuple[dt.date, str]]:
        return self.holidays(year)

    def get_holiday_label(self, day: DayLike) -> str | None:
        day = to_date(day)
        name = self.schedule(day.year).holidays.get(day)
        return None if name is None else self._label(name)

    # -- internals --------------------------------------------------------------------------

    def _step(self, start: dt.date, count: int, stepper: Base) -> dt.date:
        """The `count`-th working day after `start` (before it if negative; count != 0);
        `DateOutOfRange` if the days it needs run past 9999-12-31 or before 0001-01-01."""
        ordinal = start.toordinal()
        try:
            found = stepper.add(ordinal, count) if count > 0 else stepper.sub(ordinal, -count)
        except OverflowError as exc:
            where = "after" if count > 0 else "before"
            raise DateOutOfRange(
                f"the {_nth(abs(count))} working day {where} {start.isoformat()}"
            ) from exc
        return dt.date.fromordinal(found)

    def _label(self, name: str) -> str:
        return name if self.language == "zh" else english_name(name)

    def _stepper(
        self,
        extra_working_days: Iterable[DayLike] | None,
        extra_holidays: Iterable[DayLike] | None,
    ) -> Base:
        working = _days(extra_working_days, "extra_working_days")
        holidays = _days(extra_holidays, "extra_holidays")
        if not working and not holidays:
            return self._table
        return Overlay(
            self._table, (d.toordinal() for d in working), (d.toordinal() for d in holidays)
        )
