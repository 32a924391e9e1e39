"""Holiday runs: which festival each day off of an official holiday run belongs to.

A notice gives each festival a run of consecutive days off, "X月X日至X月X日放假调休，共N天" or
"X月X日放假，与周末连休", counting the Saturdays and Sundays inside it. Every day of a run is a
day off of that festival (放假), weekend days included; the packaged data names only some of
them (it has 2019-06-08 for 端午节 but not 2024-06-08, under the same wording "与周末连休").

The rule applied here, the same for every year: a run is an unbroken stretch of days off
(weekend days not worked, and days the notice gives off) that contains at least one day the
notice names. Every day of it is a holiday; a day without a name of its own takes the names of
the run, joined with "、" in date order ("中秋节、国庆节" for the 2023 run of September 29 to
October 6). An ordinary weekend next to no named day off stays an ordinary weekend, which is not a
holiday.

Two wordings name their days one by one and join no weekend: "X月X日放假，Y月Y日（星期一）补休" and
a lone "X月X日放假". The weekend days such a notice leaves unnamed are listed in
:data:`NOT_IN_RUN` with the notice's words, and stay ordinary weekends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from calendars.schedule import SATURDAY

NAME_JOINER = "、"

NOT_IN_RUN: dict[dt.date, str] = {
    dt.date(2014, 4, 6): "国办发明电〔2013〕28号: 清明节：4月5日放假，4月7日（星期一）补休。",
    dt.date(2015, 4, 4): "国办发明电〔2014〕28号: 清明节：4月5日放假，4月6日（星期一）补休。",
    dt.date(2015, 6, 21): "国办发明电〔2014〕28号: 端午节：6月20日放假，6月22日（星期一）补休。",
    dt.date(2015, 9, 26): "国办发明电〔2014〕28号: 中秋节：9月27日放假。",
    dt.date(2016, 4, 30): "2016年部分节假日安排: 劳动节：5月1日放假，5月2日（星期一）补休。",
    dt.date(2016, 12, 31): "国办发明电〔2016〕17号: 元旦：1月1日放假，1月2日（星期一）补休。",
}
"""Weekend days inside a stretch of days off that the notice does not give to the festival: it
names its days one by one ("放假 … 补休", or one day alone) and does not say "与周末连休"."""


def _is_off(day: dt.date, holidays: Mapping[dt.date, str], workdays: Mapping[dt.date, str]) -> bool:
    return day in holidays or (day.weekday() >= SATURDAY and day not in workdays)


def stretches_off(
    first: dt.date,
    last: dt.date,
    holidays: Mapping[dt.date, str],
    workdays: Mapping[dt.date, str],
) -> Iterator[list[dt.date]]:
    """The unbroken stretches of days off in first..last, in date order."""
    stretch: list[dt.date] = []
    day = first
    while day <= last:
        if _is_off(day, holidays, workdays):
            stretch.append(day)
        elif stretch:
            yield stretch
            stretch = []
        day += dt.timedelta(days=1)
    if stretch:
        yield stretch


def run_name(days: list[dt.date], holidays: Mapping[dt.date, str]) -> str | None:
    """The joined names of the named days in a stretch, or None if it has none (not a run)."""
    names: dict[str, None] = {}
    for day in days:
        for name in holidays.get(day, "").split(NAME_JOINER):
            if name:
                names[name] = None
    return NAME_JOINER.join(names) or None


def fill_runs(
    holidays: Mapping[dt.date, str], workdays: Mapping[dt.date, str]
) -> dict[dt.date, str]:
    """`holidays` plus every unnamed day of each run, named after the run (see the module).

    `holidays` and `workdays` span whole years, possibly several; runs may cross a year's end
    (元旦 runs start in late December).
    """
    if not holidays:
        return {}
    first = dt.date(min(holidays).year, 1, 1)
    last = dt.date(max(holidays).year, 12, 31)
    filled = {day: name for day, name in holidays.items() if day not in NOT_IN_RUN}
    for stretch in stretches_off(first, last, holidays, workdays):
        name = run_name(stretch, holidays)
        if name is None:
            continue
        for day in stretch:
            if day not in NOT_IN_RUN:
                filled.setdefault(day, name)
    return filled
