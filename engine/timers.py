"""Durable timers derived from clocks: reminders, overdue marks and automatic triggers.

Timer rows are written in the same transaction as the transition that changed their clock, and the
pending timers of a changed clock are cancelled there too: a stale timer is never fired. Reminders
fall due at 09:00 Asia/Shanghai on their day; a deadline at 00:00 on the day after the due date
(the period ends at the end of its last day).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from engine.clocks import ClockRecord, WorkingCalendar, due_date, reminder_days
from engine.definition import Clock, WorkflowDefinition
from engine.timesource import SHANGHAI

REMINDER, DEADLINE, AUTOMATIC = "reminder", "deadline", "automatic"
REMINDER_TRIGGER, OVERDUE_TRIGGER = "reminder", "overdue"
REMINDER_TIME = time(9, 0)


def at_local(day: date, moment: time = time(0, 0)) -> datetime:
    """A Beijing wall-clock moment, as UTC (the database stores UTC)."""
    return datetime.combine(day, moment, tzinfo=SHANGHAI).astimezone(UTC)


def derive(clock: Clock, rec: ClockRecord, cal: WorkingCalendar, now: datetime
           ) -> list[dict[str, Any]]:
    """The timers a running clock needs from ``now`` on (none while paused or stopped)."""
    if rec.paused_on or rec.stopped_on or rec.started_on is None:
        return []
    due = due_date(rec, clock.unit, cal)
    if due is None:
        return []
    rows: list[dict[str, Any]] = [
        dict(clock=clock.name, kind=REMINDER, due_at=at_local(day, REMINDER_TIME),
             trigger=REMINDER_TRIGGER, epoch=rec.epoch)
        for _, day in reminder_days(rec, clock, cal)]
    rows = [r for r in rows if r["due_at"] > now]
    kind, trigger = (AUTOMATIC, clock.on_expiry) if clock.on_expiry else (DEADLINE, OVERDUE_TRIGGER)
    rows.append(dict(clock=clock.name, kind=kind, due_at=at_local(due + timedelta(days=1)),
                     trigger=trigger, epoch=rec.epoch))
    return rows


def reschedule(conn: Connection, timers_table: Any, *, instance_id: str, workflow: str,
               state: str, definition: WorkflowDefinition,
               changed: Mapping[str, ClockRecord], cal: WorkingCalendar, now: datetime) -> None:
    """Cancel the pending timers of each changed clock and write the ones it needs now."""
    if not changed:
        return
    cancel(conn, timers_table, instance_id, changed.keys(), now)
    rows = [dict(r, instance_id=instance_id, workflow=workflow, state=state, status="pending",
                 attempts=0)
            for name, rec in changed.items() for r in derive(definition.clock(name), rec, cal, now)]
    if rows:
        conn.execute(insert(timers_table), rows)


def cancel(conn: Connection, timers_table: Any, instance_id: str,
           clocks: Iterable[str] | None, now: datetime) -> None:
    """Cancel pending timers of an instance (of the given clocks, or all of them)."""
    stmt = update(timers_table).where(timers_table.c.instance_id == instance_id,
                                      timers_table.c.status == "pending")
    if clocks is not None:
        stmt = stmt.where(timers_table.c.clock.in_(list(clocks)))
    conn.execute(stmt.values(status="cancelled", fired_at=now))
