"""The worklist (待办): open instances an actor can act on now, most urgent first.

Overdue instances come first, then by the nearest due date of their running clocks; instances with
no running clock come last. A clock family counts as one clock, its latest-running member
(``engine.clocks.family``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from engine.actor import Actor
from engine.clocks.deadline import Deadline
from engine.definition.model import Transition
from engine.snapshot import Instance
from engine.store.read import open_in_states

if TYPE_CHECKING:
    from engine.runtime.core import Core


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


def _actionable(core: Core, actor: Actor, workflow: str | None
                ) -> dict[tuple[str, int, str], dict[str, list[Transition]]]:
    """(workflow, version, state) → the transitions the actor's roles may take there."""
    found = {}
    for name, version in core.definitions.names():
        if workflow is not None and name != workflow:
            continue
        compiled = core.definitions.get(name, version)
        for s in compiled.definition.states:
            permitted = compiled.permitted(s.name, actor)
            if permitted:
                found[(name, version, s.name)] = permitted
    return found


def nearest_deadline(instance: Instance) -> Deadline | None:
    """The deadline that makes the instance urgent: an overdue one first, else the nearest
    due date of its running clocks; ``None`` if no clock runs."""
    live = [d for d in instance.deadlines.values()
            if d.state in ("running", "expired") and d.due_date is not None]
    return min(live, key=lambda d: (not d.overdue, d.due_date), default=None)


def worklist(core: Core, actor: Actor, workflow: str | None = None, page: int = 1,
             page_size: int = 50) -> list[WorkItem]:
    """Page ``page`` (from 1) of the actor's worklist, within the core's agency; triggers the
    actor is barred from by separation of duties, or by a bound role it does not hold there (an
    applicant sees only its own requests), are left out, and so is an instance with none left."""
    actionable = _actionable(core, actor, workflow)
    with core.read() as conn:
        rows = open_in_states(conn, core.agency, list(actionable))
    items = []
    for row in rows:
        permitted = actionable[(row.workflow, row.definition_version, row.state)]
        compiled = core.compiled(row)
        if compiled.bound_roles:
            permitted = compiled.permitted(row.state, actor, row.data)
        triggers = core.open_to(permitted, row.id, actor)
        if triggers:
            inst = core.snapshot(row)
            items.append(WorkItem(inst, tuple(triggers), nearest_deadline(inst)))
    items.sort(key=WorkItem.sort_key)
    start = (page - 1) * page_size
    return items[start:start + page_size]
