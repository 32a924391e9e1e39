"""A context for guard and action tests without a database.

A guard is a pure function of its :class:`TransitionContext`; testing one should not need an
engine. :func:`guard_context` builds the context a transition would give it, with a port that
keeps counters in memory and answers ``actor_of`` from a given history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from engine.actor import Actor
from engine.clocks.deadline import WorkingCalendar
from engine.clocks.record import ClockRecord
from engine.definition.model import WorkflowDefinition
from engine.timesource import SHANGHAI, local_date
from engine.transition.context import TransitionContext


class MemoryPort:
    """The transaction's doors kept in memory: counters in a dict, history given up front."""

    def __init__(self, fired_by: Mapping[str, Actor] | None = None) -> None:
        self.counters: dict[str, int] = {}
        self.fired_by = dict(fired_by or {})

    def next_sequence(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def actor_of(self, instance_id: str, trigger: str) -> Actor | None:
        return self.fired_by.get(trigger)


def guard_context(definition: WorkflowDefinition, trigger: str, actor: Actor, *,
                  calendar: WorkingCalendar, state: str | None = None,
                  data: Mapping[str, Any] | None = None,
                  instance_data: Mapping[str, Any] | None = None,
                  clocks: Mapping[str, ClockRecord] | None = None,
                  today: date | None = None, fired_by: Mapping[str, Actor] | None = None,
                  agency: str = "default") -> TransitionContext:
    """The context ``trigger`` would get in ``state`` (the initial state by default) on
    ``today`` (a Beijing date; 10:00 that day), without a database.

    ``data`` is taken as already validated (pass what the trigger's model would produce);
    ``fired_by`` maps earlier triggers to who fired them, for ``ctx.actor_of``.
    """
    day = today or date(2025, 1, 2)
    now = datetime.combine(day, time(10, 0), tzinfo=SHANGHAI)
    return TransitionContext(
        instance_id="guard-test", definition=definition,
        state=state or definition.initial_state.name, trigger=trigger, actor=actor,
        data=dict(data or {}), model=None, instance_data=dict(instance_data or {}),
        clock_records=dict(clocks or {}), now=now, today=local_date(now), calendar=calendar,
        port=MemoryPort(fired_by), agency=agency)
