"""The packaged official schedules, taken from the maintained `chinese-calendar` package.

The State Council publishes each year's days off and make-up working days in a notice
(国务院办公厅关于部分节假日安排的通知). `chinese-calendar` carries them from 2004; they are
read here once and grouped into one `Schedule` per calendar year. Days in late December that
belong to the next year's New Year's Day (元旦) arrangement come from the next year's notice;
they sit in the year of their date, like every other day.

Where `chinese-calendar` disagrees with the notice, the notice wins: `SETTLED` lists each such
day with the notice that settles it (the tests check the list against `holidays`' China data).
`chinese-calendar` names some weekend days inside a holiday run and not others; every day of a
run is named after its festival here (`calendars.runs`), so `holidays` of a year lists every day
off of the notices, weekend days inside a run included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import chinese_calendar
from chinese_calendar.constants import Holiday

from calendars.runs import NOT_IN_RUN, fill_runs
from calendars.schedule import Schedule

NOTICE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        Holiday.new_years_day.value: "元旦",
        Holiday.spring_festival.value: "春节",
        Holiday.tomb_sweeping_day.value: "清明节",
        Holiday.labour_day.value: "劳动节",
        Holiday.dragon_boat_festival.value: "端午节",
        Holiday.national_day.value: "国庆节",
        Holiday.mid_autumn_festival.value: "中秋节",
    }
)
"""chinese-calendar's holiday names mapped to the names the notices use."""

MAKE_UP_SUFFIX = "调休"
"""Make-up working days are named after their holiday: "春节调休"."""


@dataclass(frozen=True)
class Settlement:
    """A day on which the packaged data disagreed with the notice, settled by the notice."""

    day: dt.date
    working: bool
    name: str
    notice: str
    quote: str


SETTLED: tuple[Settlement, ...] = (
    Settlement(
        day=dt.date(2005, 12, 31),
        working=True,
        name="元旦" + MAKE_UP_SUFFIX,
        notice="国务院办公厅关于2006年部分节假日安排的通知（国办发明电〔2005〕35号）",
        quote="元旦：1月1日—3日放假……12月31日（星期六）上班",
    ),
)

SPECIAL_NOTICES: Mapping[int, str] = MappingProxyType(
    {
        2015: "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知"
        "（国发明电〔2015〕1号）",
        2020: "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
    }
)
"""Notices besides the yearly one that changed a year's schedule."""


def _notice_name(english: str) -> str:
    if english in NOTICE_NAMES:
        return NOTICE_NAMES[english]
    try:
        return str(Holiday(english).chinese)
    except ValueError:
        return english


def _notice(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def _source(schedule_year: int, days: Mapping[dt.date, str]) -> str:
    notices = [_notice(schedule_year)]
    if any(day.month == 12 and name.startswith("元旦") for day, name in days.items()):
        notices.append(f"{_notice(schedule_year + 1)}（{schedule_year}年12月的元旦安排）")
    if schedule_year in SPECIAL_NOTICES:
        notices.append(SPECIAL_NOTICES[schedule_year])
    notices.extend(s.notice for s in SETTLED if s.day.year == schedule_year)
    unique = list(dict.fromkeys(notices))
    return "；".join(unique) + f"（数据：chinese-calendar {chinese_calendar.__version__}）"


def _fill_runs(
    holidays: defaultdict[int, dict[dt.date, str]], workdays: defaultdict[int, dict[dt.date, str]]
) -> None:
    """Name every weekend day inside a run after its festival (`calendars.runs`), in place; the
    weekend days a notice leaves out of its festival (`NOT_IN_RUN`) are no holiday, even where
    the packaged data names them (2014-04-06)."""
    every_holiday = {day: name for days in holidays.values() for day, name in days.items()}
    every_workday = {day: name for days in workdays.values() for day, name in days.items()}
    for day, name in fill_runs(every_holiday, every_workday).items():
        holidays[day.year][day] = name
    for day in NOT_IN_RUN:
        holidays[day.year].pop(day, None)


@cache
def official_schedules() -> Mapping[int, Schedule]:
    """The packaged schedules by year, built once per process from chinese-calendar's tables."""
    holidays: defaultdict[int, dict[dt.date, str]] = defaultdict(dict)
    workdays: defaultdict[int, dict[dt.date, str]] = defaultdict(dict)
    for day, english in chinese_calendar.holidays.items():
        holidays[day.year][day] = _notice_name(english)
    for day, english in chinese_calendar.workdays.items():
        workdays[day.year][day] = _notice_name(english) + MAKE_UP_SUFFIX
    for settled in SETTLED:
        year = settled.day.year
        holidays[year].pop(settled.day, None)
        workdays[year].pop(settled.day, None)
        (workdays if settled.working else holidays)[year][settled.day] = settled.name
    _fill_runs(holidays, workdays)
    first, last = min(holidays), max(holidays)
    schedules = {}
    for year in range(first, last + 1):
        days = {**holidays[year], **workdays[year]}
        schedules[year] = Schedule(
            year=year,
            source=_source(year, days),
            holidays=holidays[year],
            workdays=workdays[year],
        )
    return MappingProxyType(schedules)
