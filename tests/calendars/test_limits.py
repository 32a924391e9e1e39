"""The calendar at its limits: every arithmetic entry point past 0001-01-01 and 9999-12-31,
wrong argument types and bad schedule files raise a `CalendarError` subclass naming the
problem, never a raw OverflowError, TypeError or RecursionError."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from calendars import (
    CalendarDataMissing,
    CalendarError,
    ChinaCalendar,
    DateOutOfRange,
    InvalidCalendarArgument,
    ScheduleFileError,
    UnsupportedArgumentType,
    load_schedule_file,
)
from calendars.errors import SCHEDULE_DIR_ENV
from calendars.schedule_files import MAX_FILE_BYTES

from .conftest import WriteSchedule

MAX, MIN = dt.date.max, dt.date.min
Call = Callable[[ChinaCalendar], object]


# -- dates at the ends of the range ---------------------------------------------------------

PAST_THE_END: list[tuple[str, Call, str]] = [
    ("add after max", lambda c: c.add_working_days(MAX, 1),
     "the 1st working day after 9999-12-31"),
    ("add before min", lambda c: c.add_working_days(MIN, -1),
     "the 1st working day before 0001-01-01"),
    ("sub before min", lambda c: c.sub_working_days(MIN, 3),
     "the 3rd working day before 0001-01-01"),
    ("sub with a negative count", lambda c: c.sub_working_days(MIN, -2),
     "the 2nd working day before 0001-01-01"),
    ("datetime kept", lambda c: c.add_working_days(dt.datetime(9999, 12, 31, 23), 11,
                                                   keep_datetime=True),
     "the 11th working day after 9999-12-31"),
    ("extra holidays", lambda c: c.add_working_days(MAX, 2, extra_holidays=[MAX]),
     "the 2nd working day after 9999-12-31"),
    ("extra working days", lambda c: c.sub_working_days(MIN, 2, extra_working_days=[MIN]),
     "the 2nd working day before 0001-01-01"),
    ("schedule of year 10000", lambda c: c.schedule(10_000), "year 10000"),
    ("schedule of year 0", lambda c: c.schedule(0), "year 0"),
    ("holidays of year -1", lambda c: c.holidays(-1), "year -1"),
    ("calendar holidays of 10**20", lambda c: c.get_calendar_holidays(10**20),
     f"year {10**20}"),
]


@pytest.mark.parametrize("provisional_mode", [False, True], ids=["strict", "provisional"])
@pytest.mark.parametrize(("case", "call", "named"), PAST_THE_END, ids=[c[0] for c in PAST_THE_END])
def test_past_the_range_is_date_out_of_range(provisional_mode: bool, case: str, call: Call,
                                              named: str) -> None:
    calendar = ChinaCalendar(schedule_files=[], provisional=provisional_mode)
    with pytest.raises(DateOutOfRange) as info:
        call(calendar)
    assert isinstance(info.value, CalendarError)
    assert isinstance(info.value, OverflowError | ValueError)  # what datetime raised, kept
    assert named in str(info.value)
    assert "0001-01-01 to 9999-12-31" in str(info.value)


def test_counting_into_year_10000_with_a_schedule_for_9999(write_schedule: WriteSchedule
                                                           ) -> None:
    """With data for 9999 the table grows to its end, then stops at the range, not with an
    OverflowError from building year 10000."""
    path = write_schedule(9999, holidays={"元旦": ["9999-01-01"]})
    calendar = ChinaCalendar(schedule_files=[path])
    assert calendar.add_working_days(dt.date(9999, 12, 29), 1) == dt.date(9999, 12, 30)
    with pytest.raises(DateOutOfRange, match="the 5th working day after 9999-12-29"):
        calendar.add_working_days(dt.date(9999, 12, 29), 5)
    assert calendar.get_working_days_delta(dt.date(9999, 12, 1), MAX) == 22


def test_huge_counts_stop_at_the_first_year_without_data(strict: ChinaCalendar,
                                                         provisional: ChinaCalendar) -> None:
    with pytest.raises(CalendarDataMissing) as info:
        strict.add_working_days(dt.date(2025, 1, 1), 10**30)
    assert info.value.year == 2027
    with pytest.raises(CalendarDataMissing) as info:
        provisional.add_working_days(dt.date(2025, 1, 1), -(10**30))
    assert info.value.year == 1899


def test_counting_back_names_the_nearest_missing_year(strict: ChinaCalendar) -> None:
    """Back from 1900-01-01 the first year without data is 1899, not year 1."""
    strict.get_working_days_delta(dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    with pytest.raises(CalendarDataMissing) as info:
        strict.add_working_days(dt.date(1900, 1, 1), -1)
    assert info.value.year == 1899


# -- wrong types ----------------------------------------------------------------------------

WRONG_TYPES: list[tuple[str, Call, type[CalendarError], str]] = [
    ("bool count", lambda c: c.add_working_days(dt.date(2025, 1, 2), True),
     UnsupportedArgumentType, "the number of working days must be an int, got bool"),
    ("float count", lambda c: c.sub_working_days(dt.date(2025, 1, 2), 1.0),
     UnsupportedArgumentType, "must be an int, got float"),
    ("string count", lambda c: c.add_working_days(dt.date(2025, 1, 2), "3"),
     UnsupportedArgumentType, "must be an int, got str"),
    ("bool year", lambda c: c.schedule(True), UnsupportedArgumentType, "a year must be an int"),
    ("string year", lambda c: c.holidays("2025"), UnsupportedArgumentType,
     "a year must be an int, got str"),
    ("extra days not a collection", lambda c: c.add_working_days(dt.date(2025, 1, 2), 1,
                                                                 extra_holidays=5),
     UnsupportedArgumentType, "extra_holidays must be a collection of dates"),
    ("extra days a string", lambda c: c.is_working_day(dt.date(2025, 1, 2),
                                                       extra_working_days="2025-01-02"),
     UnsupportedArgumentType, "extra_working_days must be a collection of dates"),
    ("string day", lambda c: c.add_working_days("2025-01-02", 1), CalendarError,
     "unsupported type (str)"),
    ("None end", lambda c: c.get_working_days_delta(dt.date(2025, 1, 2), None), CalendarError,
     "unsupported type (NoneType)"),
]


@pytest.mark.parametrize(("case", "call", "kind", "named"), WRONG_TYPES,
                         ids=[c[0] for c in WRONG_TYPES])
def test_wrong_types_are_calendar_errors(strict: ChinaCalendar, case: str, call: Call,
                                         kind: type[CalendarError], named: str) -> None:
    with pytest.raises(kind, match=named.replace("(", r"\(").replace(")", r"\)")) as info:
        call(strict)
    assert isinstance(info.value, CalendarError) and isinstance(info.value, TypeError)


def test_bad_constructor_arguments_are_calendar_errors() -> None:
    with pytest.raises(InvalidCalendarArgument, match="language must be 'en' or 'zh'"):
        ChinaCalendar(schedule_files=[], language="fr")  # type: ignore[arg-type]
    with pytest.raises(UnsupportedArgumentType, match="schedule_files must be a list of paths"):
        ChinaCalendar(schedule_files="2027.toml")
    with pytest.raises(UnsupportedArgumentType, match="schedule_files must be a list of paths"):
        ChinaCalendar(schedule_files=[2027])  # type: ignore[list-item]


# -- schedule files -------------------------------------------------------------------------

def _file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


BAD_FILES: list[tuple[str, Any, str]] = [
    ("nested arrays", "year = 2027\nx = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("nested tables", "x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
    ("binary junk", bytes(range(256)) * 4, "not UTF-8 text"),
    ("NUL inside", "year = 2027\x00\n", "not valid TOML"),
    ("huge", "# " + "x" * MAX_FILE_BYTES + "\n", f"larger than {MAX_FILE_BYTES} bytes"),
    ("not TOML", "year = = 2027\n", "not valid TOML"),
    ("wrong shape", "year = 2027\nsource = 1\nholidays = 3\n", "`holidays` must be an array"),
]


@pytest.mark.parametrize(("case", "content", "named"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_schedule_files_are_schedule_file_errors(tmp_path: Path, case: str, content: Any,
                                                     named: str) -> None:
    path = _file(tmp_path, "2027.toml", content)
    with pytest.raises(ScheduleFileError) as info:
        load_schedule_file(path)
    assert named in str(info.value) and str(path) in str(info.value)
    with pytest.raises(ScheduleFileError, match="2027.toml"):  # the same from a directory
        ChinaCalendar(schedule_dir=tmp_path)


def test_a_path_that_is_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "2027.toml").mkdir()
    with pytest.raises(ScheduleFileError, match="not a regular file"):
        load_schedule_file(tmp_path / "2027.toml")
    os.mkfifo(tmp_path / "2028.toml")  # reading it would block for ever
    with pytest.raises(ScheduleFileError, match="not a regular file"):
        load_schedule_file(tmp_path / "2028.toml")
    with pytest.raises(ScheduleFileError, match="cannot read: No such file"):
        load_schedule_file(tmp_path / "2029.toml")


@pytest.mark.parametrize("what", ["missing", "a file"])
def test_a_schedule_dir_from_the_environment_that_is_no_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    target = tmp_path / "nowhere"
    if what == "a file":
        target.write_text("", encoding="utf-8")
    monkeypatch.setenv(SCHEDULE_DIR_ENV, str(target))
    with pytest.raises(ScheduleFileError) as info:
        ChinaCalendar()
    message = str(info.value)
    assert "not a directory of schedule files" in message and str(target) in message
    assert ("does not exist" if what == "missing" else "it is a file") in message
    assert info.value.__notes__ == [f"(the directory named by {SCHEDULE_DIR_ENV})"]
