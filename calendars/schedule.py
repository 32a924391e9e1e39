"""One year's holiday schedule: days off (放假) and weekend days worked (调休上班).

A `Schedule` is what every data source produces: the packaged official data, a schedule file,
or the provisional statutory rules. The calendar only ever asks a schedule which days of its
year are working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from calendars.errors import ScheduleProblem

SATURDAY = 5

NATIONAL = "national"
"""The value of `extends` for days added on top of the national schedule (放假办法 第四条)."""

EN_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "元旦": "New Year's Day",
        "春节": "Spring Festival",
        "清明节": "Qingming Festival",
        "劳动节": "Labour Day",
        "端午节": "Dragon Boat Festival",
        "中秋节": "Mid-Autumn Festival",
        "国庆节": "National Day",
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": (
            "70th Anniversary of the Victory of the Chinese People's War of Resistance"
        ),
    }
)
"""English labels of the holiday names used in the notices; other names stay in Chinese."""


def english_name(name: str) -> str:
    """The English label for a holiday name from a notice (the name itself if unknown).

    Names joined with "、" (two festivals on one day, "中秋节、国庆节") are labelled part by part.
    """
    return " / ".join(EN_NAMES.get(part, part) for part in name.split("、"))


@dataclass(frozen=True)
class Schedule:
    """The days off and make-up working days of one calendar year.

    `holidays` maps each day off (放假, including weekend days inside a holiday run) to its
    name; `workdays` maps each Saturday or Sunday worked (调休上班) to its name. Every other
    Monday to Friday is a working day. `provisional` marks a schedule computed from the
    statutory rules rather than taken from a notice. `extends` is None for a whole year's
    schedule, and `NATIONAL` for local days (民族自治地方的节日, 放假办法 第四条, with their local
    make-up working days) that are added on top of the national schedule of the year.
    """

    year: int
    source: str
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)
    provisional: bool = False
    extends: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", MappingProxyType(dict(sorted(self.holidays.items()))))
        object.__setattr__(self, "workdays", MappingProxyType(dict(sorted(self.workdays.items()))))

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self.year, self.source, dict(self.holidays), dict(self.workdays))
        return (Schedule, (*fields, self.provisional, self.extends))

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` (a day of this schedule's year) is a working day (工作日)."""
        if day in self.workdays:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays

    @cached_property
    def working_ordinals(self) -> tuple[int, ...]:
        """The proleptic ordinals of the year's working days, ascending."""
        first = dt.date(self.year, 1, 1).toordinal()
        last = dt.date(self.year, 12, 31).toordinal()
        off = {day.toordinal() for day in self.holidays}
        on = {day.toordinal() for day in self.workdays}
        # date(1, 1, 1) has ordinal 1 and is a Monday, so (ordinal - 1) % 7 is the weekday.
        return tuple(
            o
            for o in range(first, last + 1)
            if o in on or ((o - 1) % 7 < SATURDAY and o not in off)
        )

    def problems(self) -> list[ScheduleProblem]:
        """Everything inconsistent in this schedule (empty when it is sound)."""
        return schedule_problems(self.year, self.holidays, self.workdays)


def schedule_problems(
    year: int,
    holidays: Iterable[dt.date],
    workdays: Iterable[dt.date],
) -> list[ScheduleProblem]:
    """Check a year's days off and make-up days: in the year, disjoint, make-up days on weekends."""
    problems: list[ScheduleProblem] = []
    off = sorted(set(holidays))
    on = sorted(set(workdays))
    for day in off + on:
        if day.year != year:
            problems.append(ScheduleProblem(f"date outside year {year}", day.isoformat()))
    for day in sorted(set(off) & set(on)):
        problems.append(
            ScheduleProblem("listed both as a holiday and as a workday", day.isoformat())
        )
    for day in on:
        if day.weekday() < SATURDAY:
            problems.append(
                ScheduleProblem(
                    f"a workday (调休上班) must be a Saturday or Sunday, this is a "
                    f"{day.strftime('%A')}",
                    day.isoformat(),
                )
            )
    return problems
