"""Properties of the working-day arithmetic, for random days and counts.

The reference is a walk over days with `is_working_day`, which answers from the schedules
directly and never from the table.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars import ChinaCalendar

CAL = ChinaCalendar(schedule_files=[], provisional=True)
STRICT = ChinaCalendar(schedule_files=[])

# Far enough from 1900 and 2099 that the counts below stay inside the provisional range.
days = st.dates(dt.date(1905, 1, 1), dt.date(2094, 12, 31))
official_days = st.dates(dt.date(2005, 1, 1), dt.date(2024, 12, 31))
counts = st.integers(0, 1000)
small_counts = st.integers(-60, 60)

SETTINGS = settings(max_examples=150, deadline=None)


def walk(day: dt.date, n: int, cal: ChinaCalendar = CAL) -> dt.date:
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        left -= cal.is_working_day(day)
    return day


@SETTINGS
@given(days, small_counts)
def test_add_matches_a_walk_over_days(day: dt.date, n: int) -> None:
    assert CAL.add_working_days(day, n) == walk(day, n)


@SETTINGS
@given(official_days, small_counts)
def test_strict_add_matches_a_walk_over_days(day: dt.date, n: int) -> None:
    assert STRICT.add_working_days(day, n) == walk(day, n, STRICT)


@SETTINGS
@given(days, st.integers(0, 120))
def test_delta_matches_a_walk_over_days(day: dt.date, span: int) -> None:
    end = day + dt.timedelta(days=span)
    counted = sum(CAL.is_working_day(day + dt.timedelta(days=i)) for i in range(1, span + 1))
    assert CAL.get_working_days_delta(day, end) == counted
    with_start = counted + (span > 0 and CAL.is_working_day(day))
    assert CAL.get_working_days_delta(day, end, include_start=True) == with_start


@SETTINGS
@given(days, counts)
def test_delta_of_add_is_n(day: dt.date, n: int) -> None:
    assert CAL.get_working_days_delta(day, CAL.add_working_days(day, n)) == n


@SETTINGS
@given(days, counts)
def test_add_then_sub_returns_to_the_last_working_day(day: dt.date, n: int) -> None:
    back = CAL.sub_working_days(CAL.add_working_days(day, n), n)
    if n == 0:
        assert back == day
    elif CAL.is_working_day(day):
        assert back == day
    else:
        assert back == CAL.sub_working_days(day, 1)


@SETTINGS
@given(days, counts)
def test_sub_then_add_returns_to_the_next_working_day(day: dt.date, n: int) -> None:
    forth = CAL.add_working_days(CAL.sub_working_days(day, n), n)
    if n == 0 or CAL.is_working_day(day):
        assert forth == day
    else:
        assert forth == CAL.add_working_days(day, 1)


@SETTINGS
@given(days, days, counts)
def test_add_is_monotonic_in_the_day(first: dt.date, second: dt.date, n: int) -> None:
    first, second = sorted((first, second))
    assert CAL.add_working_days(first, n) <= CAL.add_working_days(second, n)


@SETTINGS
@given(days, counts, counts)
def test_add_is_strictly_monotonic_in_the_count(day: dt.date, m: int, n: int) -> None:
    m, n = sorted((m, n))
    if m < n:
        assert CAL.add_working_days(day, m) < CAL.add_working_days(day, n)


@SETTINGS
@given(days, days)
def test_delta_is_symmetric_and_additive(first: dt.date, second: dt.date) -> None:
    first, second = sorted((first, second))
    middle = first + (second - first) / 2
    delta = CAL.get_working_days_delta(first, second)
    assert delta == CAL.get_working_days_delta(second, first)
    assert delta == CAL.get_working_days_delta(first, middle) + CAL.get_working_days_delta(
        middle, second
    )


@SETTINGS
@given(
    st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    small_counts,
    st.sets(st.dates(dt.date(2023, 11, 1), dt.date(2025, 3, 1)), max_size=8),
    st.sets(st.dates(dt.date(2023, 11, 1), dt.date(2025, 3, 1)), max_size=8),
)
def test_extra_days_match_a_walk(
    day: dt.date, n: int, extra_working: set[dt.date], extra_off: set[dt.date]
) -> None:
    def working(d: dt.date) -> bool:
        return d in extra_working or (d not in extra_off and STRICT.is_working_day(d))

    step = dt.timedelta(days=1 if n > 0 else -1)
    expected, left = day, abs(n)
    while left:
        expected += step
        left -= working(expected)
    kwargs = {"extra_working_days": extra_working, "extra_holidays": extra_off}
    assert STRICT.add_working_days(day, n, **kwargs) == expected
    end = day + dt.timedelta(days=40)
    counted = sum(working(day + dt.timedelta(days=i)) for i in range(1, 41))
    assert STRICT.get_working_days_delta(day, end, **kwargs) == counted
    assert STRICT.is_working_day(day, **kwargs) == working(day)
