"""ChinaCalendar is a workalendar calendar: same methods, same meanings, same data 2018-2023."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import pickle
from collections.abc import Iterator

import pytest
from workalendar.asia import China
from workalendar.core import Calendar
from workalendar.exceptions import CalendarError as WorkalendarError
from workalendar.exceptions import UnsupportedDateType as WorkalendarUnsupportedDateType

from calendars import (
    CalendarDataMissing,
    CalendarError,
    ChinaCalendar,
    ScheduleFileError,
    UnsupportedDateType,
)

from .conftest import WriteSchedule

pytestmark = [
    pytest.mark.filterwarnings("ignore:Support years 2018-2023:UserWarning"),
    pytest.mark.filterwarnings("ignore:toSolarDate is deprecated:DeprecationWarning"),
]

WORKALENDAR_WRONG = {
    dt.date(2020, 1, 31): "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
    dt.date(2020, 2, 1): "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
}
"""Days workalendar's China gets wrong: it misses the 2020 Spring Festival extension, which
made Friday January 31 a day off and cancelled the make-up Saturday February 1."""


def days(first: dt.date, last: dt.date, step: int = 1) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=step)


@pytest.fixture(scope="module")
def workalendar_china() -> China:
    return China()


def test_is_a_workalendar_calendar(strict: ChinaCalendar) -> None:
    assert isinstance(strict, Calendar)
    assert strict.get_weekend_days() == (5, 6)


def test_every_day_2018_2023_agrees_with_workalendar_except_known_errors(
    strict: ChinaCalendar, workalendar_china: China
) -> None:
    wrong = {
        day
        for day in days(dt.date(2018, 1, 1), dt.date(2023, 12, 31))
        if strict.is_working_day(day) != workalendar_china.is_working_day(day)
    }
    assert wrong == set(WORKALENDAR_WRONG)
    for day in WORKALENDAR_WRONG:
        assert not strict.is_working_day(day)


def test_counts_agree_with_workalendar_2021_2022(
    strict: ChinaCalendar, workalendar_china: China
) -> None:
    """Same arithmetic: add, sub (both signs), delta (with and without the start day)."""
    for day, n in itertools.product(days(dt.date(2021, 1, 1), dt.date(2022, 6, 30), 5), (1, 7, 20)):
        for delta in (n, -n):
            assert strict.add_working_days(day, delta) == workalendar_china.add_working_days(
                day, delta
            ), (day, delta)
            assert strict.sub_working_days(day, delta) == workalendar_china.sub_working_days(
                day, delta
            ), (day, delta)
        end = day + dt.timedelta(days=n * 3)
        for include_start in (False, True):
            expected = workalendar_china.get_working_days_delta(day, end, include_start)
            assert strict.get_working_days_delta(day, end, include_start) == expected
            assert strict.get_working_days_delta(end, day, include_start) == expected


def test_zero_returns_the_day(strict: ChinaCalendar) -> None:
    saturday = dt.date(2024, 6, 1)
    assert strict.add_working_days(saturday, 0) == saturday
    assert strict.sub_working_days(saturday, 0) == saturday


def test_the_day_itself_is_not_counted(strict: ChinaCalendar) -> None:
    monday = dt.date(2024, 6, 3)
    assert strict.add_working_days(monday, 1) == dt.date(2024, 6, 4)
    assert strict.get_working_days_delta(monday, dt.date(2024, 6, 4)) == 1
    assert strict.get_working_days_delta(monday, dt.date(2024, 6, 4), include_start=True) == 2
    assert strict.get_working_days_delta(monday, monday, include_start=True) == 0


def test_negative_counts_follow_workalendar(strict: ChinaCalendar) -> None:
    day = dt.date(2024, 10, 16)
    assert strict.add_working_days(day, -20) == dt.date(2024, 9, 12)
    assert strict.sub_working_days(day, 20) == strict.sub_working_days(day, -20)


def test_datetimes_count_by_their_date(strict: ChinaCalendar) -> None:
    moment = dt.datetime(2024, 9, 12, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert strict.add_working_days(moment, 20) == dt.date(2024, 10, 16)
    kept = strict.add_working_days(moment, 20, keep_datetime=True)
    assert kept == dt.datetime(2024, 10, 16, 17, 30, tzinfo=moment.tzinfo)
    assert strict.sub_working_days(kept, 20, keep_datetime=True) == moment
    assert strict.is_working_day(moment)
    assert strict.get_working_days_delta(moment, dt.datetime(2024, 10, 16, 8)) == 20


@pytest.mark.parametrize("bad", ["2024-01-01", None, 20240101, 1.5])
def test_non_dates_raise_workalendars_error_which_is_a_type_error(
    strict: ChinaCalendar, bad: object
) -> None:
    calls = [
        lambda: strict.is_working_day(bad),
        lambda: strict.is_holiday(bad),
        lambda: strict.add_working_days(bad, 1),
        lambda: strict.sub_working_days(bad, 1),
        lambda: strict.get_working_days_delta(bad, dt.date(2024, 1, 1)),
        lambda: strict.is_provisional(bad),
        lambda: strict.span_is_provisional(dt.date(2024, 1, 1), bad),
    ]
    for call in calls:
        with pytest.raises(UnsupportedDateType) as info:
            call()
        assert isinstance(info.value, TypeError)
        assert isinstance(info.value, WorkalendarUnsupportedDateType)


@pytest.mark.parametrize("bad", [1.0, "3", True, None])
def test_counts_must_be_ints(strict: ChinaCalendar, bad: object) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        strict.add_working_days(dt.date(2024, 1, 2), bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be an int"):
        strict.sub_working_days(dt.date(2024, 1, 2), bad)  # type: ignore[arg-type]


def test_extra_days_follow_workalendar(strict: ChinaCalendar) -> None:
    """Extra working days win over extra holidays; both apply to one call only."""
    friday, saturday = dt.date(2024, 6, 7), dt.date(2024, 6, 8)
    assert not strict.is_working_day(friday, extra_holidays=[friday])
    assert strict.is_working_day(saturday, extra_working_days=[saturday])
    assert strict.is_working_day(friday, extra_working_days=[friday], extra_holidays=[friday])
    assert strict.is_holiday(friday, extra_holidays=[friday])
    thursday = dt.date(2024, 6, 6)
    assert strict.add_working_days(thursday, 1, extra_holidays=[friday]) == dt.date(2024, 6, 11)
    assert strict.add_working_days(thursday, 2, extra_working_days=[saturday]) == saturday
    assert strict.get_working_days_delta(thursday, saturday, extra_working_days=[saturday]) == 2
    assert strict.add_working_days(thursday, 1) == friday


def test_holidays_and_labels(strict: ChinaCalendar) -> None:
    days_off = strict.holidays(2025)
    assert days_off == sorted(days_off)
    assert (dt.date(2025, 1, 28), "Spring Festival") in days_off
    assert strict.get_holiday_label(dt.date(2025, 10, 1)) == "National Day"
    assert strict.get_holiday_label(dt.date(2025, 10, 9)) is None
    chinese = ChinaCalendar(schedule_files=[], language="zh")
    assert (dt.date(2025, 1, 28), "春节") in chinese.holidays(2025)
    assert chinese.get_holiday_label(dt.date(2025, 4, 4)) == "清明节"
    assert strict.holidays_set(2025) == {day for day, _ in days_off}
    assert strict.get_calendar_holidays(2025) == days_off


def test_is_holiday_means_a_day_off_of_the_schedule(strict: ChinaCalendar) -> None:
    assert strict.is_holiday(dt.date(2025, 10, 4))  # Saturday inside 国庆节
    assert not strict.is_holiday(dt.date(2025, 10, 18))  # an ordinary Saturday
    assert not strict.is_holiday(dt.date(2025, 9, 28))  # make-up Sunday (调休上班)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        ChinaCalendar(schedule_files=[], language="fr")  # type: ignore[arg-type]


def test_error_hierarchy() -> None:
    assert issubclass(CalendarDataMissing, CalendarError)
    assert issubclass(CalendarDataMissing, LookupError)
    assert issubclass(ScheduleFileError, CalendarError)
    assert issubclass(ScheduleFileError, ValueError)
    assert issubclass(CalendarError, WorkalendarError)


def test_date_range_overflow_is_an_overflow_error(strict: ChinaCalendar) -> None:
    with pytest.raises(OverflowError):
        strict.add_working_days(dt.date.max, 1)
    with pytest.raises(OverflowError):
        strict.sub_working_days(dt.date.min, 1)


def test_pickles_and_copies_with_its_schedule_files(write_schedule: WriteSchedule) -> None:
    path = write_schedule(2027, holidays={"元旦": ["2027-01-01", "2027-01-04"]})
    cal = ChinaCalendar(schedule_files=[path], provisional=True, language="zh")
    cal.add_working_days(dt.date(2030, 1, 1), 5)
    for twin in (pickle.loads(pickle.dumps(cal)), copy.deepcopy(cal)):
        assert twin.provisional and twin.language == "zh"
        assert twin.official_years() == cal.official_years()
        assert twin.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 5)
        assert twin.holidays(2027) == cal.holidays(2027)
