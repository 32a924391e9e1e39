"""Durable timers derived from clocks: reminders, overdue marks and automatic triggers.

Timer rows are derived here, purely, from a clock's record and its announced due date; the store
writes them in the same transaction as the transition that changed their clock and cancels the
pending timers of that clock there too, so a stale timer is never fired. Reminders
fall due at 09:00 Asia/Shanghai on their day; a deadline at 00:00 on the day after the due date
(the period ends at the end of its last day).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from engine.clocks.deadline import WorkingCalendar, reminder_days
from engine.clocks.record import ClockRecord
from engine.definition.model import Clock
from engine.timesource import beijing_moment

REMINDER, DEADLINE, AUTOMATIC = "reminder", "deadline", "automatic"
REMINDER_TRIGGER, OVERDUE_TRIGGER = "reminder", "overdue"
REMINDER_TIME = time(9, 0)




def derive(clock: Clock, rec: ClockRecord, cal: WorkingCalendar, now: datetime,
           name: str | None = None) -> list[dict[str, Any]]:
    """The timers a running clock needs from ``now`` on (none while paused or stopped).

    ``name`` is the record's name where it differs from the clock's: a family member's timers
    carry the member's name (``consultation[甲公司]``) in their ``clock`` column, so each member
    has timers and an epoch of its own.
    """
    due, name = rec.due_on, name or clock.name
    if not rec.running or due is None:
        return []
    rows: list[dict[str, Any]] = [
        dict(clock=name, kind=REMINDER, due_at=beijing_moment(day, REMINDER_TIME),
             trigger=REMINDER_TRIGGER, epoch=rec.epoch)
        for _, day in reminder_days(rec, clock, cal)]
    rows = [r for r in rows if r["due_at"] > now]
    kind, trigger = (AUTOMATIC, clock.on_expiry) if clock.on_expiry else (DEADLINE, OVERDUE_TRIGGER)
    rows.append(dict(clock=name, kind=kind, due_at=beijing_moment(due + timedelta(days=1)),
                     trigger=trigger, epoch=rec.epoch))
    return rows
