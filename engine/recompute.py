"""Recomputing deadlines after the calendar changed (e.g. next year's schedule file arrived).

Deadlines counted into a year without an official schedule are provisional. When the schedule is
added, every open instance's running clocks are recomputed: a moved deadline moves its timers, and
the instance's history records each change (old and new due date, and why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from engine import storage
from engine.actor import SYSTEM
from engine.clocks import announced
from engine.decide import decide_mark, records_of
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
    return sum(_recompute_one(engine, instance_id, reason) for instance_id in ids)


def _recompute_one(engine: Engine, instance_id: str, reason: str) -> int:
    now = utc_now(engine.clock)
    changes = 0
    with engine.db.begin() as conn:
        row = conn.execute(select(storage.instances).where(
            storage.instances.c.id == instance_id)).one()
        compiled = engine.definitions.get(row.workflow, row.definition_version)
        for name, rec in records_of(row.clocks).items():
            if rec.started_on is None or rec.stopped_on or rec.paused_on:
                continue
            fresh = announced(rec, compiled.definition.clock(name).unit, engine.calendar)
            if (fresh.due_on, fresh.provisional) == (rec.due_on, rec.provisional):
                continue
            fresh = fresh.__class__(**{**fresh.__dict__, "epoch": rec.epoch + 1})
            data = {"clock": name, "reason": reason,
                    "old_due_date": rec.due_on.isoformat() if rec.due_on else None,
                    "new_due_date": fresh.due_on.isoformat() if fresh.due_on else None,
                    "old_provisional": rec.provisional, "new_provisional": fresh.provisional}
            write(conn, decide_mark(row, RECOMPUTED, SYSTEM, data, {name: fresh}), now,
                  compiled, engine.calendar)
            row = conn.execute(select(storage.instances).where(
                storage.instances.c.id == instance_id)).one()
            changes += 1
    return changes
