"""Years without an official schedule: strict by default, provisional when asked."""

from __future__ import annotations

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import holidays
import pytest
from holidays.calendars.chinese import _ChineseLunisolar

from calendars import CalendarDataMissing, ChinaCalendar
from calendars.official import official_schedules
from calendars.provisional import provisional_schedule, qingming, statutory_holidays

from .conftest import WriteSchedule

DEADLINE_START = dt.date(2026, 12, 20)


def every_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_strict_deadline_into_2027_names_2027(strict: ChinaCalendar) -> None:
    with pytest.raises(CalendarDataMissing) as info:
        strict.add_working_days(DEADLINE_START, 20)
    assert info.value.year == 2027
    message = str(info.value)
    assert "2027" in message
    assert "schedule file" in message and "GONGKAI_SCHEDULE_DIR" in message
    assert "provisional=True" in message


def test_default_calendar_is_strict() -> None:
    cal = ChinaCalendar()
    assert not cal.provisional
    with pytest.raises(CalendarDataMissing, match="2027"):
        cal.add_working_days(DEADLINE_START, 20)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_working_day(dt.date(2027, 3, 1)),
        lambda c: c.is_holiday(dt.date(2027, 3, 1)),
        lambda c: c.holidays(2027),
        lambda c: c.get_working_days_delta(dt.date(2026, 12, 1), dt.date(2027, 1, 5)),
        lambda c: c.sub_working_days(dt.date(2027, 1, 5), 1),
        lambda c: c.add_working_days(dt.date(2027, 1, 5), -1),
    ],
)
def test_strict_answers_that_touch_2027_raise(strict: ChinaCalendar, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CalendarDataMissing, match="2027"):
        call(strict)


def test_strict_before_2004(strict: ChinaCalendar) -> None:
    with pytest.raises(CalendarDataMissing, match="2003") as info:
        strict.is_working_day(dt.date(2003, 12, 31))
    assert info.value.year == 2003
    with pytest.raises(CalendarDataMissing, match="2003"):
        strict.sub_working_days(dt.date(2004, 1, 5), 5)
    assert strict.sub_working_days(dt.date(2004, 1, 5), 1) == dt.date(2004, 1, 2)


def test_answers_not_needing_2027_still_come(strict: ChinaCalendar) -> None:
    assert strict.add_working_days(dt.date(2026, 12, 20), 9) == dt.date(2026, 12, 31)
    assert strict.get_working_days_delta(dt.date(2026, 12, 20), dt.date(2026, 12, 31)) == 9
    assert strict.add_working_days(dt.date(2027, 6, 1), 0) == dt.date(2027, 6, 1)


def test_provisional_deadline_into_2027(provisional: ChinaCalendar) -> None:
    """Weekends plus 元旦 (2027-01-01) of the 全国年节及纪念日放假办法 (国务院令第795号)."""
    due = provisional.add_working_days(DEADLINE_START, 20)
    assert due == dt.date(2027, 1, 18)
    assert provisional.span_is_provisional(DEADLINE_START, due)
    assert provisional.is_provisional(due)
    assert not provisional.is_provisional(DEADLINE_START)
    assert provisional.provisional
    assert provisional.official_years() == frozenset(range(2004, 2027))
    assert not provisional.span_is_provisional(dt.date(2025, 1, 1), dt.date(2026, 12, 31))


def test_strict_never_says_provisional(strict: ChinaCalendar) -> None:
    assert not strict.is_provisional(dt.date(2027, 1, 18))
    assert not strict.span_is_provisional(dt.date(2026, 1, 1), dt.date(2030, 1, 1))


def test_provisional_2027_days_off() -> None:
    """The 2024 放假办法 (国务院令第795号, in force 2025-01-01): 元旦 1; 春节 4 (除夕 and the
    first three days); 清明 1; 劳动节 2 (May 1-2); 端午 1; 中秋 1; 国庆 3 (Oct 1-3); and, by
    第六条, a day off for each of them that falls on a Saturday or Sunday, on the working days
    after it: 春节 Sat 2-6 and Sun 2-7 → Tue 2-9, Wed 2-10 (Mon 2-8 is 初三 already); 劳动节
    Sat 5-1, Sun 5-2 → Mon 5-3, Tue 5-4; 国庆节 Sat 10-2, Sun 10-3 → Mon 10-4, Tue 10-5."""
    expected = {
        dt.date(2027, 1, 1): "元旦",
        dt.date(2027, 2, 5): "春节",  # 除夕; the lunar new year is 2027-02-06
        dt.date(2027, 2, 6): "春节",
        dt.date(2027, 2, 7): "春节",
        dt.date(2027, 2, 8): "春节",
        dt.date(2027, 2, 9): "春节",  # 补假 for Sat 2-6
        dt.date(2027, 2, 10): "春节",  # 补假 for Sun 2-7
        dt.date(2027, 4, 5): "清明节",
        dt.date(2027, 5, 1): "劳动节",
        dt.date(2027, 5, 2): "劳动节",
        dt.date(2027, 5, 3): "劳动节",  # 补假
        dt.date(2027, 5, 4): "劳动节",  # 补假
        dt.date(2027, 6, 9): "端午节",
        dt.date(2027, 9, 15): "中秋节",
        dt.date(2027, 10, 1): "国庆节",
        dt.date(2027, 10, 2): "国庆节",
        dt.date(2027, 10, 3): "国庆节",
        dt.date(2027, 10, 4): "国庆节",  # 补假
        dt.date(2027, 10, 5): "国庆节",  # 补假
    }
    schedule = provisional_schedule(2027)
    assert schedule.provisional and "国务院令第795号" in schedule.source
    assert "补假" in schedule.source
    assert dict(schedule.holidays) == expected
    assert schedule.workdays == {}


def test_provisional_2028_new_years_day_on_a_saturday(provisional: ChinaCalendar) -> None:
    """放假办法 第六条: 元旦 2028-01-01 is a Saturday, so Monday 2028-01-03 is a day off;
    端午 Sun 5-28 → Mon 5-29; 国庆 Sun 10-1 → Wed 10-4 (10-2, 10-3 are 国庆 already)."""
    assert not provisional.is_working_day(dt.date(2028, 1, 3))
    assert provisional.is_working_day(dt.date(2028, 1, 4))
    assert provisional.get_holiday_label(dt.date(2028, 1, 3)) == "New Year's Day"
    assert not provisional.is_working_day(dt.date(2028, 5, 29))
    assert not provisional.is_working_day(dt.date(2028, 10, 4))
    assert provisional.is_working_day(dt.date(2028, 10, 5))


@pytest.mark.parametrize(
    "day",
    ["2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05",
     "2028-01-03"],
)
def test_make_up_days_off_of_the_issue_are_days_off(provisional: ChinaCalendar, day: str) -> None:
    """The 补假 days named in the issue (放假办法 第六条), through the calendar."""
    date = dt.date.fromisoformat(day)
    assert date.weekday() < 5
    assert not provisional.is_working_day(date)
    assert provisional.is_holiday(date)


def test_a_deadline_across_the_2027_spring_festival_counts_the_make_up_days(
    provisional: ChinaCalendar,
) -> None:
    """After Thu 2027-01-28: 1-29 (1), 2-1…2-4 (5); 2-5…2-10 off (除夕…初三 and the two
    补假 of 第六条); 2-11, 2-12 (7); 2-15…2-19 (12); 2-22…2-26 (17); 3-1…3-3 (20)."""
    assert provisional.add_working_days(dt.date(2027, 1, 28), 20) == dt.date(2027, 3, 3)


def test_every_weekend_festival_day_gives_one_later_weekday_off() -> None:
    """第六条 for every provisional year after 2025: a weekday day off that is not a statutory
    day is a 补假, and there are as many of them as festival days on a Saturday or Sunday (two
    festivals on one day count twice); each comes after a weekend festival day of its name, and
    every weekday between that day and it is a day off already."""
    for year in range(2025, 2100):
        statutory = statutory_holidays(year)
        off = provisional_schedule(year).holidays
        added = {day: name for day, name in off.items() if day not in statutory}
        on_weekends = [
            (day, name)
            for day, names in statutory.items()
            if day.weekday() >= 5
            for name in names.split("、")
        ]
        assert len(added) == len(on_weekends), year
        assert all(day.weekday() < 5 and day.year == year for day in added), year
        for day, name in added.items():
            sources = [d for d, n in on_weekends if n == name and d < day]
            assert sources, (year, day)
            gap = every_day(max(sources) + dt.timedelta(days=1), day - dt.timedelta(days=1))
            assert all(d.weekday() >= 5 or d in off for d in gap), (year, day)


def test_make_up_days_agree_with_holidays_china_2027_to_2099() -> None:
    """`holidays`' China (its 第六条 observed rule, SAT_SUN_TO_NEXT_WORKDAY) gives the same days
    off, day for day, in every year without a notice."""
    for year in range(2027, 2100):
        assert set(provisional_schedule(year).holidays) == set(holidays.China(years=year)), year


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_days_are_days_off_in_the_notices_under_the_2024_revision(
    strict: ChinaCalendar, year: int
) -> None:
    """国务院办公厅关于2025年/2026年部分节假日安排的通知 give every statutory day off."""
    for day in statutory_holidays(year):
        assert not strict.is_working_day(day), day


def test_solar_terms_and_lunar_dates_agree_with_an_independent_table() -> None:
    """Qingming from chinese-calendar's formula and festivals from lunardate against holidays'
    own Chinese lunisolar tables, for every year the provisional rules serve after 2000."""
    table = _ChineseLunisolar()
    for year in range(2000, 2100):
        assert qingming(year) == table.qingming_date(year)[0], year
        days = statutory_holidays(year)
        assert table.lunar_new_year_date(year)[0] in days
        assert days[table.dragon_boat_date(year)[0]] == "端午节"
        mid_autumn = table.mid_autumn_date(year)[0]
        assert "中秋节" in days[mid_autumn], year


def test_provisional_range(provisional: ChinaCalendar) -> None:
    assert provisional.is_working_day(dt.date(1950, 3, 1))
    assert provisional.is_provisional(dt.date(2099, 12, 31))
    for year in (1899, 2100):
        with pytest.raises(CalendarDataMissing) as info:
            provisional.is_working_day(dt.date(year, 3, 1))
        assert info.value.year == year and "1900-2099" in str(info.value)
    with pytest.raises(CalendarDataMissing, match="2100"):
        provisional.add_working_days(dt.date(2099, 12, 20), 20)


def test_a_file_year_is_official_in_provisional_mode(write_schedule: WriteSchedule) -> None:
    path = write_schedule(2027, holidays={"元旦": ["2027-01-01"]})
    cal = ChinaCalendar(schedule_files=[path], provisional=True)
    assert not cal.is_provisional(dt.date(2027, 5, 1))
    assert cal.is_working_day(dt.date(2027, 2, 8))  # no 春节 in this (made-up) file
    assert cal.is_provisional(dt.date(2028, 1, 1))
    assert cal.span_is_provisional(dt.date(2027, 12, 1), dt.date(2028, 1, 5))
    assert not cal.span_is_provisional(dt.date(2027, 12, 1), dt.date(2027, 12, 31))


def test_strict_with_a_gap_between_file_years(write_schedule: WriteSchedule) -> None:
    path = write_schedule(2028, holidays={"元旦": ["2028-01-01"]})
    cal = ChinaCalendar(schedule_files=[path])
    assert cal.is_working_day(dt.date(2028, 3, 1))
    assert cal.get_working_days_delta(dt.date(2028, 3, 1), dt.date(2028, 3, 8)) == 5
    assert cal.add_working_days(dt.date(2028, 3, 1), 5) == dt.date(2028, 3, 8)
    with pytest.raises(CalendarDataMissing, match="2027"):
        cal.add_working_days(dt.date(2026, 12, 1), 300)
    with pytest.raises(CalendarDataMissing, match="2027"):
        cal.sub_working_days(dt.date(2028, 1, 10), 10)


def test_one_calendar_shared_between_threads(tmp_path: Path) -> None:
    """Reads from many threads while the table grows year by year give the serial answers."""
    rng = random.Random(7)
    queries = [
        (dt.date(rng.randint(1905, 2095), rng.randint(1, 12), 1), rng.randint(-600, 600))
        for _ in range(400)
    ]
    serial = ChinaCalendar(schedule_files=[], provisional=True)
    expected = [serial.add_working_days(day, n) for day, n in queries]
    shared = ChinaCalendar(schedule_files=[], provisional=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: shared.add_working_days(*q), queries))
    assert answers == expected


def test_packaged_data_has_no_2027_notice() -> None:
    """The examples of a deadline running into 2027 need 2027 to have no packaged notice.

    chinesecalendar is pinned below the release expected to add 2027 (pyproject.toml); when it is
    raised, this fails loudly and those examples move to the next unpublished year.
    """
    assert 2027 not in official_schedules()
