"""Chinese working days (工作日) for statutory deadlines: a workalendar-compatible calendar.

`ChinaCalendar` answers from the State Council holiday schedules (2004 onwards, packaged from
chinese-calendar), from one TOML schedule file per year that an agency adds itself, and, only
when asked, provisionally from the statutory holidays of the 全国年节及纪念日放假办法.
"""

from __future__ import annotations

from calendars.china import ChinaCalendar
from calendars.errors import (
    CalendarDataMissing,
    CalendarError,
    DateOutOfRange,
    InvalidCalendarArgument,
    ScheduleFileError,
    ScheduleProblem,
    UnsupportedArgumentType,
    UnsupportedDateType,
)
from calendars.schedule import Schedule
from calendars.schedule_files import load_schedule_file

__all__ = [
    "CalendarDataMissing",
    "CalendarError",
    "ChinaCalendar",
    "DateOutOfRange",
    "InvalidCalendarArgument",
    "Schedule",
    "ScheduleFileError",
    "ScheduleProblem",
    "UnsupportedArgumentType",
    "UnsupportedDateType",
    "load_schedule_file",
]
