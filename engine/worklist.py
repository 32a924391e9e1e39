"""The worklist (待办): open instances an actor can act on now, most urgent first.

Overdue instances come first, then by the nearest due date of their running clocks; instances with
no running clock come last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select

from engine import storage
from engine.actor import Actor
from engine.clocks import Deadline
from engine.snapshot import Instance

if TYPE_CHECKING:
    from engine.runtime import Engine


@dataclass(frozen=True)
class WorkItem:
    """One line of a worklist: the instance, what the actor may fire, the nearest deadline."""

    instance: Instance
    triggers: tuple[str, ...]
    deadline: Deadline | None

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline.overdue

    def sort_key(self) -> tuple[int, date, str]:
        due = self.deadline.due_date if self.deadline and self.deadline.due_date else date.max
        return (0 if self.overdue else 1, due, self.instance.id)


def _actionable(engine: Engine, actor: Actor, workflow: str | None
                ) -> dict[tuple[str, int, str], tuple[str, ...]]:
    """(workflow, version, state) → the triggers the actor's roles may fire there."""
    found = {}
    for name, version in engine.definitions.names():
        if workflow is not None and name != workflow:
            continue
        compiled = engine.definitions.get(name, version)
        for s in compiled.definition.states:
            triggers = tuple(t for t in compiled.valid_triggers(s.name)
                             if any(actor.role_for(c.roles) is not None
                                    for c in compiled.candidates(s.name, t)))
            if triggers:
                found[(name, version, s.name)] = triggers
    return found


def _nearest(instance: Instance) -> Deadline | None:
    live = [d for d in instance.deadlines.values()
            if d.state in ("running", "expired") and d.due_date is not None]
    return min(live, key=lambda d: (not d.overdue, d.due_date), default=None)


def worklist(engine: Engine, actor: Actor, workflow: str | None = None, page: int = 1,
             page_size: int = 50) -> list[WorkItem]:
    """Page ``page`` (from 1) of the actor's worklist."""
    actionable = _actionable(engine, actor, workflow)
    if not actionable:
        return []
    t = storage.instances
    query = select(t).where(t.c.closed_at.is_(None), or_(*[
        and_(t.c.workflow == w, t.c.definition_version == v, t.c.state == s)
        for w, v, s in actionable]))
    with engine._read() as conn:
        rows = conn.execute(query).all()
    items = []
    for row in rows:
        inst = engine._snapshot(row)
        key = (row.workflow, row.definition_version, row.state)
        items.append(WorkItem(inst, actionable[key], _nearest(inst)))
    items.sort(key=WorkItem.sort_key)
    start = (page - 1) * page_size
    return items[start:start + page_size]
