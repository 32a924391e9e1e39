"""Recomputing deadlines after the calendar changed (e.g. next year's schedule file arrived).

Deadlines counted into a year without an official schedule are provisional. When the schedule is
added, every open instance's running clocks are recomputed: a moved deadline moves its timers, and
the instance's history records each change (old and new due date, and why). The worker does the
same for one instance when a timer falls due on a day the calendar no longer gives.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from engine import storage
from engine.actor import SYSTEM
from engine.clocks import ClockRecord, announced
from engine.decide import decide_mark, records_of
from engine.machine import CompiledDefinition
from engine.timesource import utc_now
from engine.transaction import write

if TYPE_CHECKING:
    from engine.runtime import Engine

RECOMPUTED = "deadline_recomputed"


def recompute_deadlines(engine: Engine, workflow: str | None = None,
                        reason: str = "calendar updated") -> int:
    """Recompute running clocks of open instances; returns how many deadlines changed."""
    t = storage.instances
    query = select(t.c.id).where(t.c.closed_at.is_(None)).order_by(t.c.id)
    if workflow is not None:
        query = query.where(t.c.workflow == workflow)
    with engine.db.connect() as conn:
        ids = list(conn.execute(query).scalars())
    changes = 0
    for instance_id in ids:
        with engine.db.begin() as conn:
            changes += recompute_instance(engine, conn, instance_id, utc_now(engine.clock),
                                          reason)
    return changes


def moved(rec: ClockRecord, compiled: CompiledDefinition, name: str, cal: Any
          ) -> ClockRecord | None:
    """The clock with its deadline announced afresh, or None if the calendar still agrees."""
    if rec.started_on is None or rec.stopped_on or rec.paused_on:
        return None
    fresh = announced(rec, compiled.definition.clock(name).unit, cal)
    if (fresh.due_on, fresh.provisional) == (rec.due_on, rec.provisional):
        return None
    return replace(fresh, epoch=rec.epoch + 1)


def recompute_instance(engine: Engine, conn: Connection, instance_id: str, now: datetime,
                       reason: str) -> int:
    """Recompute one instance's running clocks inside the caller's transaction."""
    changes = 0
    row = _row(conn, instance_id)
    compiled = engine.definitions.get(row.workflow, row.definition_version, conn)
    for name, rec in records_of(row.clocks).items():
        fresh = moved(rec, compiled, name, engine.calendar)
        if fresh is None:
            continue
        data = {"clock": name, "reason": reason,
                "old_due_date": rec.due_on.isoformat() if rec.due_on else None,
                "new_due_date": fresh.due_on.isoformat() if fresh.due_on else None,
                "old_provisional": rec.provisional, "new_provisional": fresh.provisional}
        write(conn, decide_mark(row, RECOMPUTED, SYSTEM, data, {name: fresh}), now, compiled,
              engine.calendar)
        row = _row(conn, instance_id)
        changes += 1
    return changes


def _row(conn: Connection, instance_id: str) -> Any:
    return conn.execute(select(storage.instances).where(
        storage.instances.c.id == instance_id)).one()
