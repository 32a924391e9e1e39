"""How long: statutory clocks, their deadlines, effects and timers, and calendar schedules.

Pure: nothing here touches a database or reads the time; the calendar is passed in.
"""

from engine.clocks.deadline import (
    Deadline,
    WorkingCalendar,
    announced,
    deadline,
    due_date,
    units_between,
)
from engine.clocks.record import ClockEffectError, ClockLimitReached, ClockRecord

__all__ = [
    "ClockEffectError", "ClockLimitReached", "ClockRecord", "Deadline", "WorkingCalendar",
    "announced", "deadline", "due_date", "units_between",
]
