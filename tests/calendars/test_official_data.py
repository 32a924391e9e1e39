"""The packaged official schedules against both maintained packages, day by day.

The official source is each year's State Council notice (国务院办公厅关于部分节假日安排的通知).
chinese-calendar supplies the packaged data; holidays' China is the independent cross-check.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import holidays
import pytest

from calendars import ChinaCalendar
from calendars.official import SETTLED, official_schedules

FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
DEADLINE_CASES = Path(__file__).parents[1] / "data" / "deadline-cases.json"


def every_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


DAYS = every_day(FIRST, LAST)


@pytest.fixture(scope="module")
def holidays_china() -> holidays.HolidayBase:
    return holidays.China(years=range(FIRST.year, LAST.year + 1))


def test_packaged_years_run_from_2004_through_at_least_2026(strict: ChinaCalendar) -> None:
    years = strict.official_years()
    assert min(years) == 2004 and max(years) >= 2026
    assert years == frozenset(range(2004, max(years) + 1))


def test_every_day_agrees_with_holidays_china(
    strict: ChinaCalendar, holidays_china: holidays.HolidayBase
) -> None:
    wrong = [d for d in DAYS if strict.is_working_day(d) != holidays_china.is_working_day(d)]
    assert wrong == []


def test_every_day_agrees_with_chinese_calendar_except_settled_days(strict: ChinaCalendar) -> None:
    settled = {s.day for s in SETTLED}
    wrong = [d for d in DAYS if strict.is_working_day(d) != chinese_calendar.is_workday(d)]
    assert set(wrong) == settled


def test_settled_days_are_exactly_where_the_two_packages_disagree(
    holidays_china: holidays.HolidayBase,
) -> None:
    disagree = {
        d for d in DAYS if chinese_calendar.is_workday(d) != holidays_china.is_working_day(d)
    }
    assert disagree == {s.day for s in SETTLED}
    for settled in SETTLED:
        assert settled.working == holidays_china.is_working_day(settled.day)


def test_2005_12_31_is_a_working_day_by_the_2006_notice(strict: ChinaCalendar) -> None:
    """国务院办公厅关于2006年部分节假日安排的通知（国办发明电〔2005〕35号）: 元旦 1月1日—3日
    放假……12月31日（星期六）上班. chinese-calendar has it as an ordinary Saturday off."""
    (settled,) = SETTLED
    assert settled.day == dt.date(2005, 12, 31)
    assert "国务院办公厅关于2006年部分节假日安排的通知" in settled.notice
    assert strict.is_working_day(dt.date(2005, 12, 31))
    assert strict.schedule(2005).workdays[dt.date(2005, 12, 31)] == "元旦调休"
    assert "国务院办公厅关于2006年部分节假日安排的通知" in strict.schedule(2005).source


def test_2020_spring_festival_extension() -> None:
    """国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）: the holiday runs to
    February 2, work resumes February 3; the make-up Saturday February 1 is cancelled."""
    cal = ChinaCalendar(schedule_files=[])
    for day in (dt.date(2020, 1, 31), dt.date(2020, 2, 1), dt.date(2020, 2, 2)):
        assert not cal.is_working_day(day)
    assert cal.is_working_day(dt.date(2020, 2, 3))
    assert "国办发明电〔2020〕1号" in cal.schedule(2020).source


def test_2015_victory_day(strict: ChinaCalendar) -> None:
    """国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知
    （国发明电〔2015〕1号）: September 3-5 off, Sunday September 6 worked."""
    assert not strict.is_working_day(dt.date(2015, 9, 3))
    assert not strict.is_working_day(dt.date(2015, 9, 4))
    assert strict.is_working_day(dt.date(2015, 9, 6))
    assert "国发明电〔2015〕1号" in strict.schedule(2015).source


def test_2025_spring_festival(strict: ChinaCalendar) -> None:
    """国务院办公厅关于2025年部分节假日安排的通知: 1月28日（农历除夕）至2月4日放假调休，
    共8天；1月26日（周日）、2月8日（周六）上班."""
    off = every_day(dt.date(2025, 1, 28), dt.date(2025, 2, 4))
    assert not any(strict.is_working_day(d) for d in off)
    assert strict.is_working_day(dt.date(2025, 1, 26))
    assert strict.is_working_day(dt.date(2025, 2, 8))
    assert strict.is_working_day(dt.date(2025, 1, 27))
    assert strict.is_working_day(dt.date(2025, 2, 5))


def test_2026_spring_festival(strict: ChinaCalendar) -> None:
    """国务院办公厅关于2026年部分节假日安排的通知: 2月15日至23日放假调休，共9天；
    2月14日（周六）、2月28日（周六）上班."""
    off = every_day(dt.date(2026, 2, 15), dt.date(2026, 2, 23))
    assert not any(strict.is_working_day(d) for d in off)
    assert strict.is_working_day(dt.date(2026, 2, 14))
    assert strict.is_working_day(dt.date(2026, 2, 28))


def test_late_december_days_come_from_the_next_years_notice(strict: ChinaCalendar) -> None:
    """国务院办公厅关于2008年部分节假日安排的通知: 元旦 2007年12月30日—2008年1月1日放假，
    12月29日（星期六）上班."""
    assert strict.is_working_day(dt.date(2007, 12, 29))
    assert not strict.is_working_day(dt.date(2007, 12, 31))
    assert "国务院办公厅关于2008年部分节假日安排的通知" in strict.schedule(2007).source


def test_packaged_schedules_pass_the_schedule_file_checks() -> None:
    for year, schedule in official_schedules().items():
        assert schedule.year == year
        assert schedule.problems() == [], year
        assert f"国务院办公厅关于{year}年部分节假日安排的通知" in schedule.source


def test_table_steps_day_by_day_like_the_schedules(strict: ChinaCalendar) -> None:
    """Every day: the next and the previous working day from the table equal a walk over days."""
    following = None
    for day in reversed(DAYS):
        if following is not None:
            assert strict.add_working_days(day, 1) == following, day
        if strict.is_working_day(day):
            following = day
    preceding = None
    for day in DAYS:
        if preceding is not None:
            assert strict.sub_working_days(day, 1) == preceding, day
        if strict.is_working_day(day):
            preceding = day


def test_plain_deadline_cases() -> None:
    """The worked examples of DESIGN.md (`deadline-cases.json`), computed day by day from the
    notices: a reply is due 20 working days after receipt (条例 33), a correction notice
    7 working days after it (条例 30)."""
    cal = ChinaCalendar(schedule_files=[])
    cases = [c for c in json.loads(DEADLINE_CASES.read_text("utf-8"))["cases"] if not c["events"]]
    assert cases
    for case in cases:
        received = dt.date.fromisoformat(case["received_on"])
        assert cal.add_working_days(received, 20).isoformat() == case["reply_due"], case["name"]
        due = case["correction_notice_due"]
        assert cal.add_working_days(received, 7).isoformat() == due, case["name"]
