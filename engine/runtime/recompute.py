"""Recomputing deadlines after the calendar changed (e.g. next year's schedule file arrived).

Deadlines counted into a year without an official schedule are provisional. When the schedule is
added, every open instance's running clocks are recomputed: a moved deadline moves its timers, and
the instance's history records each change (old and new due date, and why). The worker does the
same for one instance when a timer falls due on a day the calendar no longer gives. Calendar
schedules count their next occurrence afresh too (``engine.runtime.schedules``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.actor import SYSTEM
from engine.clocks.deadline import WorkingCalendar, announced
from engine.clocks.record import ClockRecord
from engine.runtime.schedules import recompute_schedules
from engine.store.read import open_ids
from engine.store.write import write
from engine.transition.change import StoredInstance
from engine.transition.compile import CompiledDefinition
from engine.transition.decide import decide_mark

if TYPE_CHECKING:
    from engine.runtime.core import Core

RECOMPUTED = "deadline_recomputed"


def recompute_deadlines(core: Core, workflow: str | None = None,
                        reason: str = "calendar updated", all_agencies: bool = False) -> int:
    """Recompute running clocks of open instances (of the core's agency, or of all), and the
    next occurrence of pending calendar schedules; returns how many deadlines and occurrences
    changed. Each instance (and schedule) is recomputed in a transaction of its own."""
    with core.read() as conn:
        ids = open_ids(conn, None if all_agencies else core.agency, workflow)
    changes = 0
    for instance_id in ids:
        with core.begin() as conn:
            row = core.load(conn, instance_id, any_agency=True)
            changes += recompute_instance(core, conn, row, core.now(), reason)
    return changes + recompute_schedules(core, workflow, all_agencies)


def moved(rec: ClockRecord, compiled: CompiledDefinition, name: str, cal: WorkingCalendar
          ) -> ClockRecord | None:
    """The clock with its deadline announced afresh, or None if the calendar still agrees."""
    if not rec.running:
        return None
    fresh = announced(rec, compiled.definition.clock(name).unit, cal)
    if (fresh.due_on, fresh.provisional) == (rec.due_on, rec.provisional):
        return None
    return replace(fresh, epoch=rec.epoch + 1)


def recompute_instance(core: Core, conn: Any, row: StoredInstance, now: datetime,
                       reason: str) -> int:
    """Recompute one instance's running clocks inside the caller's transaction."""
    changes = 0
    compiled = core.compiled(row, conn)
    for name, rec in row.records.items():
        fresh = moved(rec, compiled, name, core.calendar)
        if fresh is None:
            continue
        data = {"clock": name, "reason": reason,
                "old_due_date": rec.due_on.isoformat() if rec.due_on else None,
                "new_due_date": fresh.due_on.isoformat() if fresh.due_on else None,
                "old_provisional": rec.provisional, "new_provisional": fresh.provisional}
        write(conn, decide_mark(row, RECOMPUTED, SYSTEM, data, {name: fresh}), now,
              compiled.definition, core.calendar)
        row = core.load(conn, row.id, any_agency=True)
        changes += 1
    return changes
