"""Holidays inside the official runs, 2004-2026, day by day (`calendars.runs`).

The rule: a run is an unbroken stretch of days off that contains a day the notice names; every
day of it is a holiday of that festival (weekend days included), and no other day is.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import holidays
import pytest
from chinese_calendar.constants import Holiday

from calendars import ChinaCalendar
from calendars.official import NOTICE_NAMES, official_schedules
from calendars.runs import NOT_IN_RUN

FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)


def every_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def zh() -> ChinaCalendar:
    return ChinaCalendar(schedule_files=[], language="zh")


def stretches(cal: ChinaCalendar) -> list[list[dt.date]]:
    """The unbroken stretches of non-working days 2004-2026, from the working-day answers."""
    found: list[list[dt.date]] = []
    current: list[dt.date] = []
    for day in every_day(FIRST, LAST):
        if not cal.is_working_day(day):
            current.append(day)
        elif current:
            found.append(current)
            current = []
    return found


def packaged(stretch: list[dt.date]) -> list[tuple[dt.date, str]]:
    """The days of a stretch that the packaged data (chinese-calendar) names itself."""
    names = chinese_calendar.holidays
    return [(day, official_name(names[day])) for day in stretch if day in names]


def official_name(english: str) -> str:
    return NOTICE_NAMES.get(english) or str(Holiday(english).chinese)


# (notice, quote, first day, last day, festival): runs as the notices give them, 共N天 included.
NOTICE_RUNS = [
    ("国务院办公厅关于2008年部分节假日安排的通知", "清明节：4月4日—6日放假，共3天",
     "2008-04-04", "2008-04-06", "清明节"),
    ("国务院办公厅关于2008年部分节假日安排的通知",
     "端午节：6月7日—9日放假，共3天。其中，6月7日（星期六）照常公休",
     "2008-06-07", "2008-06-09", "端午节"),
    ("国务院办公厅关于2008年部分节假日安排的通知", "中秋节：9月13日—15日放假，共3天",
     "2008-09-13", "2008-09-15", "中秋节"),
    ("国务院办公厅关于2008年部分节假日安排的通知", "国庆节：9月29日—10月5日放假，共7天",
     "2008-09-29", "2008-10-05", "国庆节"),
    ("国务院办公厅关于2011年部分节假日安排的通知", "端午节：6月4日至6日放假公休，共3天",
     "2011-06-04", "2011-06-06", "端午节"),
    ("国务院办公厅关于2013年部分节假日安排的通知", "中秋节：9月19日至21日放假调休，共3天",
     "2013-09-19", "2013-09-21", "中秋节"),
    ("国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
     "9月3日至5日调休放假，共3天", "2015-09-03", "2015-09-05",
     "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
    ("国务院办公厅关于2016年部分节假日安排的通知", "中秋节：9月15日至17日放假调休，共3天",
     "2016-09-15", "2016-09-17", "中秋节"),
    ("国务院办公厅关于2018年部分节假日安排的通知", "清明节：4月5日至7日放假调休，共3天",
     "2018-04-05", "2018-04-07", "清明节"),
    ("国务院办公厅关于2019年部分节假日安排的通知", "端午节：6月7日放假，与周末连休",
     "2019-06-07", "2019-06-09", "端午节"),
    ("国务院办公厅关于2024年部分节假日安排的通知", "端午节：6月10日放假，与周末连休",
     "2024-06-08", "2024-06-10", "端午节"),
    ("国务院办公厅关于2025年部分节假日安排的通知",
     "春节：1月28日（农历除夕）至2月4日放假调休，共8天", "2025-01-28", "2025-02-04", "春节"),
    ("国务院办公厅关于2026年部分节假日安排的通知", "春节：2月15日至23日放假调休，共9天",
     "2026-02-15", "2026-02-23", "春节"),
]


@pytest.mark.parametrize(("notice", "quote", "first", "last", "festival"), NOTICE_RUNS)
def test_runs_of_the_notices(
    zh: ChinaCalendar, notice: str, quote: str, first: str, last: str, festival: str
) -> None:
    """Every day of the run is a holiday of its festival; the days either side are not."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    for day in every_day(start, end):
        assert zh.is_holiday(day), (quote, day)
        assert zh.get_holiday_label(day) == festival, (quote, day)
        assert (day, festival) in zh.holidays(day.year), (quote, day)
    for outside in (start - dt.timedelta(days=1), end + dt.timedelta(days=1)):
        assert not zh.is_holiday(outside), (quote, outside)
        assert zh.get_holiday_label(outside) is None


def test_the_examples_of_the_issue(strict: ChinaCalendar) -> None:
    """2011-06-05 (Sunday, 端午 6月4日至6日) and 2015-09-05 (Saturday, 9月3日至5日) are
    holidays; 2019-06-08 and 2024-06-08 (both "与周末连休") are given alike."""
    assert strict.is_holiday(dt.date(2011, 6, 5))
    assert strict.get_holiday_label(dt.date(2011, 6, 5)) == "Dragon Boat Festival"
    assert strict.is_holiday(dt.date(2015, 9, 5))
    for year in (2019, 2024):
        assert strict.is_holiday(dt.date(year, 6, 8))
        assert strict.get_holiday_label(dt.date(year, 6, 8)) == "Dragon Boat Festival"


def test_every_run_2004_to_2026(zh: ChinaCalendar) -> None:
    """Every stretch of days off with a festival day in it is a run: all its days are holidays,
    the unnamed ones named after the run's festivals; a stretch without one (an ordinary
    weekend) has no holiday. Day by day, nothing else is a holiday. The weekend days a notice
    leaves out of its festival ("X放假，Y补休", or one day alone) are never holidays."""
    runs = 0
    holiday_days: set[dt.date] = set()
    for stretch in stretches(zh):
        assert not any(zh.is_holiday(day) for day in stretch if day in NOT_IN_RUN)
        stretch = [day for day in stretch if day not in NOT_IN_RUN]
        labels = [zh.get_holiday_label(day) for day in stretch]
        if all(label is None for label in labels):
            assert not any(zh.is_holiday(day) for day in stretch)
            continue
        runs += 1
        assert all(label is not None for label in labels), stretch
        assert all(zh.is_holiday(day) for day in stretch), stretch
        named = {part for day, name in packaged(stretch) for part in name.split("、")}
        for label in labels:
            assert label is not None and set(label.split("、")) <= named, stretch
        holiday_days.update(stretch)
    # The notices' runs: 元旦, 春节, 劳动节, 国庆节 in 2004-2007 (16); the seven festivals in
    # 2008-2026 (133), less the six years whose 中秋节 and 国庆节 share one run (2009, 2012,
    # 2017, 2020, 2023, 2025); plus the 2015 anniversary run: 16 + 127 + 1.
    assert runs == 144
    for day in every_day(FIRST, LAST):
        assert zh.is_holiday(day) == (day in holiday_days), day
    listed = {day for year in range(2004, 2027) for day, _ in zh.holidays(year)}
    assert listed == holiday_days


def test_weekday_holidays_agree_with_holidays_china(zh: ChinaCalendar) -> None:
    """Monday to Friday, the holidays are exactly `holidays`' China days off (festivals and days
    given off in exchange): the run rule only adds weekend days."""
    china = holidays.China(years=range(2004, 2027))
    for day in every_day(FIRST, LAST):
        if day.weekday() < 5:
            assert zh.is_holiday(day) == (day in china and not zh.is_working_day(day)), day


def test_a_run_across_the_year_end_names_the_december_days() -> None:
    """国务院办公厅关于2018年部分节假日安排的通知: 元旦 1月1日放假，与周末连休: Sat 2017-12-30
    and Sun 12-31 are days off of 元旦, in 2017's schedule."""
    schedules = official_schedules()
    assert schedules[2017].holidays[dt.date(2017, 12, 30)] == "元旦"
    assert schedules[2017].holidays[dt.date(2017, 12, 31)] == "元旦"


def test_an_ordinary_weekend_is_not_a_holiday(strict: ChinaCalendar) -> None:
    assert not strict.is_holiday(dt.date(2024, 6, 15))
    assert strict.get_holiday_label(dt.date(2024, 6, 15)) is None


@pytest.mark.parametrize(("day", "named"), [
    # 国办发明电〔2013〕28号 三、清明节：4月5日放假，4月7日（星期一）补休。
    ("2014-04-06", ["2014-04-05", "2014-04-07"]),
    # 国办发明电〔2014〕28号 三、清明节：4月5日放假，4月6日（星期一）补休。
    ("2015-04-04", ["2015-04-05", "2015-04-06"]),
    # 国办发明电〔2014〕28号 五、端午节：6月20日放假，6月22日（星期一）补休。
    ("2015-06-21", ["2015-06-20", "2015-06-22"]),
    # 国办发明电〔2014〕28号 六、中秋节：9月27日放假。
    ("2015-09-26", ["2015-09-27"]),
    # 2016年部分节假日安排 四、劳动节：5月1日放假，5月2日（星期一）补休。
    ("2016-04-30", ["2016-05-01", "2016-05-02"]),
    # 国办发明电〔2016〕17号 一、元旦：1月1日放假，1月2日（星期一）补休。
    ("2016-12-31", ["2017-01-01", "2017-01-02"]),
])
def test_a_notice_that_names_its_days_one_by_one_joins_no_weekend(day: str,
                                                                   named: list[str]) -> None:
    """"X放假，Y补休" and a lone "X放假" give the festival those days only: the weekend day the
    notice leaves unnamed is an ordinary day off, not a holiday (unlike "与周末连休")."""
    cal = ChinaCalendar()
    weekend = dt.date.fromisoformat(day)
    assert not cal.is_working_day(weekend)
    assert not cal.is_holiday(weekend) and cal.get_holiday_label(weekend) is None
    assert all(cal.is_holiday(dt.date.fromisoformat(d)) for d in named)
