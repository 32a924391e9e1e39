"""Local days off on top of the national schedule (全国年节及纪念日放假办法 第四条).

第四条: "少数民族习惯的节日，由各少数民族聚居地区的地方人民政府，按照各该民族习惯，规定放假
日期." An agency in an autonomous area keeps the national schedule of the year and adds its local
festivals and their local make-up working days: a schedule file with ``extends = "national"``.
"""

from __future__ import annotations

from calendars.errors import ScheduleProblem
from calendars.runs import NAME_JOINER
from calendars.schedule import Schedule


def extension_problems(national: Schedule, local: Schedule) -> list[ScheduleProblem]:
    """What a local schedule cannot add to `national`: a local working day on a national day off.

    A statutory day off of all citizens (第二条, 第三条) stays off; a local day off may fall on a
    national make-up working day (the local festival wins there) or on a national day off
    (nothing changes). Against a provisional national schedule (a year without an official
    one) the problem says so.
    """
    what = (
        f"a provisional national day off (no official schedule for {national.year}; checked "
        "against the statutory holidays)"
        if national.provisional
        else "a national day off"
    )
    return [
        ScheduleProblem(
            f"a local make-up working day on {what} ({national.holidays[day]}, "
            f"{national.source})",
            day.isoformat(),
        )
        for day in local.workdays
        if day in national.holidays
    ]


def extend(national: Schedule, local: Schedule) -> Schedule:
    """The national schedule with the local days off and make-up working days added.

    Raises nothing: check `extension_problems` first. A day off of both keeps both names.
    """
    holidays = dict(national.holidays)
    for day, name in local.holidays.items():
        known = holidays.get(day)
        holidays[day] = name if known is None or known == name else f"{known}{NAME_JOINER}{name}"
    workdays = {d: n for d, n in national.workdays.items() if d not in local.holidays}
    workdays.update(local.workdays)
    return Schedule(
        year=national.year,
        source=f"{national.source}；{local.source}",
        holidays=holidays,
        workdays=workdays,
        provisional=national.provisional,
    )
