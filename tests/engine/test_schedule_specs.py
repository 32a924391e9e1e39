"""Calendar schedules (engine.clocks.schedules): specs as data, and their occurrences.

Expected dates on the real calendar were worked out by hand from the State Council notices
(国务院办公厅关于 2024/2025 年部分节假日安排的通知), not from the code:

* 2024 — 国庆 10-1…10-7 off, make-up workdays 9-29 (Sun) and 10-12 (Sat). 2024-12-01 is a
  Sunday, 2024-12-31 a Tuesday; 2025-01-01 (元旦) is off.
* 2025 — 春节 1-28…2-4 off, make-up workdays 1-26 (Sun) and 2-8 (Sat); 国庆·中秋 10-1…10-8 off,
  make-up workdays 9-28 (Sun) and 10-11 (Sat). 2025-12-01 is a Monday.

Beijing is UTC+8 all year (no DST since 1991), so 09:00 Beijing is 01:00 UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars import CalendarDataMissing, ChinaCalendar
from engine.clocks.schedules import ScheduleCalendar, ScheduleError, ScheduleSpec
from engine.errors import WorkflowError
from engine.timesource import SHANGHAI

CAL = ChinaCalendar(schedule_files=[])  # official data only, whatever GONGKAI_SCHEDULE_DIR says
FIRST_OF_DECEMBER = ScheduleSpec.nth_working_day(1, months=(12,))


def beijing(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class WeekdayCalendar:
    """Monday–Friday are working days, nothing else: a calendar simple enough to check by eye."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5

    def add_working_days(self, day: date, delta: int) -> date:
        step = timedelta(days=1 if delta > 0 else -1)
        for _ in range(abs(delta)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def sub_working_days(self, day: date, delta: int) -> date:
        return self.add_working_days(day, -abs(delta))


WEEKDAYS = WeekdayCalendar()


def working_days_of_month(cal: ScheduleCalendar, year: int, month: int) -> list[date]:
    """The month's working days, found by asking about every day (the test's own oracle)."""
    day, days = date(year, month, 1), []
    while day.month == month:
        if cal.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


# -- the real calendar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "day", "expected"),
    [
        # Dec 1 2024 is a Sunday, so the first working day is Monday Dec 2.
        (FIRST_OF_DECEMBER, date(2024, 1, 1), date(2024, 12, 2)),
        # Dec 1 2025 is a Monday and no holiday.
        (FIRST_OF_DECEMBER, date(2024, 12, 3), date(2025, 12, 1)),
        # 国庆 2024: Oct 1-7 off, so Tuesday Oct 8. Sep 29 (Sun) was a make-up workday but lies
        # in September, so starting from it still lands on Oct 8.
        (ScheduleSpec.nth_working_day(1, months=(10,)), date(2024, 9, 29), date(2024, 10, 8)),
        # 春节 2025: Jan 28-Feb 4 off, so Wednesday Feb 5 ...
        (ScheduleSpec.nth_working_day(1, months=(2,)), date(2025, 1, 1), date(2025, 2, 5)),
        # ... then Thu 6, Fri 7, and the 4th is the make-up Saturday Feb 8.
        (ScheduleSpec.nth_working_day(4, months=(2,)), date(2025, 1, 1), date(2025, 2, 8)),
        # Dec 31 2024 is a Tuesday and a working day.
        (ScheduleSpec.nth_working_day(-1, months=(12,)), date(2024, 12, 1), date(2024, 12, 31)),
        # 春节 2025 starts Tue Jan 28, so January's last working day is Monday Jan 27 ...
        (ScheduleSpec.nth_working_day(-1, months=(1,)), date(2025, 1, 1), date(2025, 1, 27)),
        # ... and the one before it the make-up Sunday Jan 26 (Sat Jan 25 is off).
        (ScheduleSpec.nth_working_day(-2, months=(1,)), date(2025, 1, 1), date(2025, 1, 26)),
        # Every month: Dec 2 2024 has passed; Jan 1 2025 (元旦) is off, Thu Jan 2 is the first.
        (ScheduleSpec.nth_working_day(1), date(2024, 12, 3), date(2025, 1, 2)),
        # The make-up Sunday Sep 29 2024 is itself a working day.
        (ScheduleSpec.every_working_day(), date(2024, 9, 29), date(2024, 9, 29)),
        # Oct 1-7 2024 are off: the next working day is Oct 8.
        (ScheduleSpec.every_working_day(), date(2024, 10, 1), date(2024, 10, 8)),
    ],
)
def test_occurrence_on_or_after_follows_the_official_schedule(
    spec: ScheduleSpec, day: date, expected: date
) -> None:
    assert spec.occurrence_on_or_after(day, CAL) == expected


def test_first_working_day_of_december_2024() -> None:
    assert FIRST_OF_DECEMBER.next_after(beijing(2024, 11, 15, 12, 0), CAL) == (
        date(2024, 12, 2),  # Dec 1 2024 is a Sunday
        utc(2024, 12, 2, 1, 0),  # 09:00 Beijing
    )


def test_every_working_day_after_friday_evening_is_the_make_up_sunday() -> None:
    # Fri 2025-09-26 18:00: 09:00 that day has passed, Sat 27 is off, Sun 28 is the make-up
    # workday for 国庆·中秋 2025.
    assert ScheduleSpec.every_working_day().next_after(beijing(2025, 9, 26, 18, 0), CAL) == (
        date(2025, 9, 28),
        utc(2025, 9, 28, 1, 0),
    )


def test_next_after_is_strictly_after() -> None:
    due = utc(2024, 12, 2, 1, 0)  # 09:00 Beijing on the first working day of Dec 2024
    assert FIRST_OF_DECEMBER.next_after(due - timedelta(minutes=1), CAL) == (
        date(2024, 12, 2),
        due,
    )
    # At the due moment itself it is next year's occurrence: Monday Dec 1 2025.
    assert FIRST_OF_DECEMBER.next_after(due, CAL) == (date(2025, 12, 1), utc(2025, 12, 1, 1, 0))


def test_next_after_counts_in_beijing_dates_whatever_the_moment_zone() -> None:
    # 2024-12-01 17:00 UTC is 2024-12-02 01:00 in Beijing: before that day's 09:00.
    assert FIRST_OF_DECEMBER.next_after(utc(2024, 12, 1, 17, 0), CAL)[0] == date(2024, 12, 2)
    # 2024-12-02 09:00 in New York (UTC-5) is 22:00 in Beijing: that day's 09:00 has passed.
    new_york = timezone(timedelta(hours=-5))
    moment = datetime(2024, 12, 1, 20, 0, tzinfo=new_york)  # = Dec 2 09:00 Beijing exactly
    assert FIRST_OF_DECEMBER.next_after(moment, CAL)[0] == date(2025, 12, 1)


def test_every_working_day_at_a_late_time_of_day() -> None:
    spec = ScheduleSpec.every_working_day(at=time(23, 30))
    # Tuesday 2024-12-31 23:00 Beijing: 23:30 the same day is still ahead (15:30 UTC).
    assert spec.next_after(beijing(2024, 12, 31, 23, 0), CAL) == (
        date(2024, 12, 31),
        utc(2024, 12, 31, 15, 30),
    )
    # Half an hour later it is Thu Jan 2 2025 (Jan 1 is 元旦).
    assert spec.next_after(beijing(2024, 12, 31, 23, 30), CAL)[0] == date(2025, 1, 2)


def test_missing_calendar_data_is_not_papered_over() -> None:
    # The strict calendar has no notice for 2040: the schedule must not guess.
    with pytest.raises(CalendarDataMissing):
        ScheduleSpec.every_working_day().occurrence_on_or_after(date(2040, 6, 1), CAL)


# -- errors of use -------------------------------------------------------------------------------


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        FIRST_OF_DECEMBER.next_after(datetime(2024, 12, 1, 9, 0), CAL)


def test_a_datetime_is_not_taken_for_a_beijing_date() -> None:
    with pytest.raises(TypeError):
        FIRST_OF_DECEMBER.occurrence_on_or_after(utc(2024, 12, 1, 20, 0), CAL)


def test_no_occurrence_within_the_horizon_raises() -> None:
    # February never has 23 working days on a Monday-Friday calendar (28 or 29 days: <= 21).
    spec = ScheduleSpec.nth_working_day(23, months=(2,))
    with pytest.raises(ScheduleError, match="no occurrence") as caught:
        spec.occurrence_on_or_after(date(2024, 1, 1), WEEKDAYS)
    assert caught.value.spec == spec.to_dict()


# -- the dict form and validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        FIRST_OF_DECEMBER,
        ScheduleSpec.nth_working_day(-3, months=(3, 6, 9, 12), at=time(17, 45)),
        ScheduleSpec.nth_working_day(23),
        ScheduleSpec.every_working_day(),
        ScheduleSpec.every_working_day(at=time(0, 5)),
    ],
)
def test_round_trip_through_json(spec: ScheduleSpec) -> None:
    assert ScheduleSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_dict_form() -> None:
    assert FIRST_OF_DECEMBER.to_dict() == {
        "kind": "nth_working_day",
        "n": 1,
        "months": [12],
        "at": "09:00",
    }
    assert ScheduleSpec.every_working_day(at=time(8, 5)).to_dict() == {
        "kind": "every_working_day",
        "at": "08:05",
    }


def test_from_dict_defaults() -> None:
    assert ScheduleSpec.from_dict({"kind": "nth_working_day"}) == ScheduleSpec(
        "nth_working_day", 1, (), time(9, 0)
    )
    assert ScheduleSpec.from_dict({"kind": "every_working_day"}) == ScheduleSpec.every_working_day()


def test_months_are_kept_sorted_so_equal_schedules_compare_equal() -> None:
    spec = ScheduleSpec.from_dict({"kind": "nth_working_day", "months": [12, 3]})
    assert spec.months == (3, 12)
    assert spec == ScheduleSpec.nth_working_day(1, months=[3, 12])


def test_from_dict_reports_every_problem_at_once() -> None:
    raw = {"kind": "nth_working_day", "n": 0, "months": [13, 2, 2], "at": "9h", "color": "red"}
    with pytest.raises(ScheduleError) as caught:
        ScheduleSpec.from_dict(raw)
    error = caught.value
    assert error.spec == raw
    assert len(error.problems) == 5, error.problems
    for word in ("color", "n must not be 0", "13", "duplicate months: 2", "'9h'"):
        assert any(word in problem for problem in error.problems), word
        assert word in str(error)


def test_from_dict_problems_of_every_working_day_and_kinds() -> None:
    with pytest.raises(ScheduleError) as caught:
        ScheduleSpec.from_dict({"kind": "every_working_day", "n": 2, "months": [1]})
    assert len(caught.value.problems) == 2  # n and months are only for nth_working_day

    with pytest.raises(ScheduleError) as caught:
        ScheduleSpec.from_dict({"kind": "weekly", "n": 24, "at": "24:00"})
    problems = " | ".join(caught.value.problems)
    assert "weekly" in problems and "n=24" in problems and "'24:00'" in problems

    with pytest.raises(ScheduleError, match="kind is missing"):
        ScheduleSpec.from_dict({"n": 1})


@pytest.mark.parametrize(
    "raw",
    [
        ["nth_working_day"],
        {"kind": "nth_working_day", "n": "1"},
        {"kind": "nth_working_day", "n": True},
        {"kind": "nth_working_day", "months": 12},
        {"kind": "nth_working_day", "months": ["12"]},
        {"kind": "nth_working_day", "at": 900},
        {"kind": "nth_working_day", "at": "9:00"},
        {"kind": "nth_working_day", "at": "09:00:00"},
        {"kind": "nth_working_day", "n": -24},
    ],
)
def test_from_dict_refuses(raw: object) -> None:
    with pytest.raises(ScheduleError):
        ScheduleSpec.from_dict(raw)


def test_constructors_validate_too() -> None:
    with pytest.raises(ScheduleError) as caught:
        ScheduleSpec.nth_working_day(0, months=(0, 12, 12), at=time(9, 0, 30))
    assert len(caught.value.problems) == 4  # n, month 0, duplicate 12, seconds
    with pytest.raises(ScheduleError):
        ScheduleSpec.every_working_day(at=time(9, 0, tzinfo=UTC))
    with pytest.raises(ScheduleError):
        ScheduleSpec("every_working_day", n=3)
    with pytest.raises(ScheduleError):
        ScheduleSpec("monthly")  # type: ignore[arg-type]


def test_schedule_error_is_a_workflow_error_and_a_value_error() -> None:
    with pytest.raises(ScheduleError) as caught:
        ScheduleSpec.from_dict({"kind": "nth_working_day", "n": 0})
    assert isinstance(caught.value, WorkflowError)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value.problems, tuple)


# -- descriptions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "english", "chinese"),
    [
        (FIRST_OF_DECEMBER, "1st working day of December at 09:00", "每年12月第1个工作日 09:00"),
        (
            ScheduleSpec.every_working_day(),
            "every working day at 09:00",
            "每个工作日 09:00",
        ),
        (
            ScheduleSpec.nth_working_day(-1, at=time(16, 30)),
            "last working day of every month at 16:30",
            "每月最后一个工作日 16:30",
        ),
        (
            ScheduleSpec.nth_working_day(-2, months=(12, 3, 6)),
            "2nd-to-last working day of March, June and December at 09:00",
            "每年3月、6月、12月倒数第2个工作日 09:00",
        ),
        (
            ScheduleSpec.nth_working_day(11, months=(1, 7)),
            "11th working day of January and July at 09:00",
            "每年1月、7月第11个工作日 09:00",
        ),
        (
            ScheduleSpec.nth_working_day(22),
            "22nd working day of every month at 09:00",
            "每月第22个工作日 09:00",
        ),
    ],
)
def test_describe(spec: ScheduleSpec, english: str, chinese: str) -> None:
    assert spec.describe() == english
    assert spec.describe_zh() == chinese


# -- properties ----------------------------------------------------------------------------------

times_of_day = st.builds(time, st.integers(0, 23), st.integers(0, 59))


def specs(max_n: int) -> st.SearchStrategy[ScheduleSpec]:
    nth = st.builds(
        ScheduleSpec.nth_working_day,
        st.integers(-max_n, max_n).filter(bool),
        st.lists(st.integers(1, 12), unique=True, max_size=4).map(tuple),
        times_of_day,
    )
    return nth | st.builds(ScheduleSpec.every_working_day, times_of_day)


def moments(first: int, last: int) -> st.SearchStrategy[datetime]:
    zones = st.sampled_from([UTC, SHANGHAI, timezone(timedelta(hours=-10))])
    return st.datetimes(datetime(first, 1, 1), datetime(last, 12, 31), timezones=zones)


def expected_next(spec: ScheduleSpec, moment: datetime, cal: ScheduleCalendar) -> date:
    """The first occurrence after `moment`, by scanning whole months from its Beijing month."""
    day = moment.astimezone(SHANGHAI).date()
    year, month = day.year, day.month
    for _ in range(14):  # every month has >= 20 working days here, so 13 months suffice
        for candidate in occurrences_in_month(spec, cal, year, month):
            if datetime.combine(candidate, spec.at, tzinfo=SHANGHAI) > moment:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("the oracle found nothing")


def occurrences_in_month(
    spec: ScheduleSpec, cal: ScheduleCalendar, year: int, month: int
) -> list[date]:
    days = working_days_of_month(cal, year, month)
    if spec.kind == "every_working_day":
        return days
    if spec.months and month not in spec.months:
        return []
    index = spec.n - 1 if spec.n > 0 else spec.n
    return [days[index]] if abs(spec.n) <= len(days) else []


def check_next_after(spec: ScheduleSpec, moment: datetime, cal: ScheduleCalendar) -> None:
    day, due = spec.next_after(moment, cal)
    assert cal.is_working_day(day)
    assert due > moment
    assert due.tzinfo is UTC
    local = due.astimezone(SHANGHAI)
    assert (local.date(), local.time()) == (day, spec.at)
    if spec.kind == "nth_working_day":
        assert not spec.months or day.month in spec.months
        month_days = working_days_of_month(cal, day.year, day.month)
        position = month_days.index(day) + 1  # counted from the start
        assert position == spec.n or position - len(month_days) - 1 == spec.n
    assert day == expected_next(spec, moment, cal)  # and nothing earlier qualifies


@settings(max_examples=300, deadline=None)
@given(specs(max_n=20), moments(1990, 2090))
def test_next_after_on_a_weekday_calendar(spec: ScheduleSpec, moment: datetime) -> None:
    # Every month has at least 20 weekdays (February: exactly 20 in 28 days), so |n| <= 20
    # always has an occurrence in each allowed month.
    check_next_after(spec, moment, WEEKDAYS)


@settings(max_examples=150, deadline=None)
@given(specs(max_n=10), moments(2005, 2025))
def test_next_after_on_the_official_calendar(spec: ScheduleSpec, moment: datetime) -> None:
    # Every month 2005-2026 has well over 10 working days, and the answer lies within a year
    # of a 2005-2025 moment, so it stays inside the official data (2004-2026).
    check_next_after(spec, moment, CAL)


@settings(max_examples=150, deadline=None)
@given(specs(max_n=23))
def test_dict_round_trip_property(spec: ScheduleSpec) -> None:
    assert ScheduleSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
