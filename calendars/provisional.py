"""Provisional schedules: the statutory holidays of a year that has no notice yet.

The 全国年节及纪念日放假办法 as revised in 2024 (国务院令第795号, in force 2025-01-01) gives
every citizen these days off: New Year's Day (元旦) 1 day, January 1; the Spring Festival (春节)
4 days, New Year's Eve (除夕) and the first three days of the lunar year; Qingming (清明节) 1 day,
the day of the solar term; Labour Day (劳动节) 2 days, May 1-2; the Dragon Boat Festival
(端午节) 1 day, the 5th of the 5th lunar month; the Mid-Autumn Festival (中秋节) 1 day, the
15th of the 8th lunar month; National Day (国庆节) 3 days, October 1-3.

Lunar dates come from `lunardate`, the Qingming solar term from chinese-calendar's solar-term
formula (checked in the tests against `holidays`' independent table for 1901-2099). Together
they cover 1900-2099.

补假 (放假办法 第六条): "全体公民放假的假日，如果适逢周六、周日，应当在工作日补假". Every
statutory day above is a holiday of all citizens, so each one that falls on a Saturday or Sunday
gives one more day off, taken, as the notices always have, on the first Monday to Friday after it
that is not already a day off (two festivals on one weekend day give two). A make-up day off is
named after the holiday it makes up. A provisional schedule has no make-up working days (调休上班):
moving weekends is left to each year's notice, which the provisional answer stands in for until
it is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import cast

from chinese_calendar import get_solar_terms
from lunardate import LunarDate

from calendars.schedule import SATURDAY, Schedule

FIRST_PROVISIONAL_YEAR = 1900
LAST_PROVISIONAL_YEAR = 2099

PROVISIONAL_SOURCE = (
    "全国年节及纪念日放假办法（2024年修订，国务院令第795号）的法定节假日及第六条补假；"
    "未经国务院办公厅通知确认（provisional）"
)

QINGMING = "清明"


def can_compute(year: int) -> bool:
    """Whether the statutory holidays of `year` can be computed (lunar and solar-term range)."""
    return FIRST_PROVISIONAL_YEAR <= year <= LAST_PROVISIONAL_YEAR


def _solar(year: int, month: int, day: int) -> dt.date:
    lunar = LunarDate(year, month, day)
    convert = getattr(lunar, "to_solar_date", None) or lunar.toSolarDate
    return cast(dt.date, convert())


def qingming(year: int) -> dt.date:
    """The day of the Qingming solar term (清明, April 4-6) in `year`."""
    terms = get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
    return cast(dt.date, next(day for day, name in terms if name == QINGMING))


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The days off of the 2024 放假办法 in `year`, by date, with their Chinese names."""
    if not can_compute(year):
        raise ValueError(
            f"statutory holidays can be computed for {FIRST_PROVISIONAL_YEAR}-"
            f"{LAST_PROVISIONAL_YEAR} only, not {year}"
        )
    new_year = _solar(year, 1, 1)
    named = [(dt.date(year, 1, 1), "元旦")]
    named += [(new_year + dt.timedelta(days=offset), "春节") for offset in range(-1, 3)]
    named += [(qingming(year), "清明节")]
    named += [(dt.date(year, 5, day), "劳动节") for day in (1, 2)]
    named += [(_solar(year, 5, 5), "端午节"), (_solar(year, 8, 15), "中秋节")]
    named += [(dt.date(year, 10, day), "国庆节") for day in (1, 2, 3)]
    days: dict[dt.date, str] = {}
    for day, name in named:
        days[day] = f"{days[day]}、{name}" if day in days else name
    return days


def make_up_days(days: Mapping[dt.date, str]) -> dict[dt.date, str]:
    """The 补假 of 放假办法 第六条 for the statutory `days` of one year, by date, with names.

    Each weekend day off gives, per festival on it, the first later Monday to Friday that is
    neither a statutory day nor an earlier make-up day.
    """
    taken = set(days)
    made_up: dict[dt.date, str] = {}
    for day, names in sorted(days.items()):
        if day.weekday() < SATURDAY:
            continue
        for name in names.split("、"):
            substitute = day + dt.timedelta(days=1)
            while substitute.weekday() >= SATURDAY or substitute in taken:
                substitute += dt.timedelta(days=1)
            taken.add(substitute)
            made_up[substitute] = name
    return made_up


def provisional_days_off(year: int) -> dict[dt.date, str]:
    """The statutory days of `year` and their 补假 (第六条), by date, with their Chinese names."""
    days = statutory_holidays(year)
    return {**days, **make_up_days(days)}


@cache
def provisional_schedule(year: int) -> Schedule:
    """The provisional schedule of `year`: weekends, the statutory holidays and their 补假."""
    return Schedule(
        year=year,
        source=PROVISIONAL_SOURCE,
        holidays=provisional_days_off(year),
        provisional=True,
    )
