"""Which status each clock may have in each state, over every path through a definition.

Validation uses it to catch clock effects that can never make sense (resuming a clock that is
never paused there) and expiry triggers that would fire in a state where they are not valid.
A clock family's status in a state is the union over its members: an effect on one member (by
key) may leave the others as they were.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from engine.definition.graph import graph
from engine.definition.model import Clock, ClockEffect, WorkflowDefinition

_AFTER: dict[str, Callable[[str], str]] = {
    "start": lambda s: "running",
    "restart": lambda s: "running",
    "pause": lambda s: "paused" if s == "running" else s,
    "resume": lambda s: "running" if s == "paused" else s,
    "extend": lambda s: s,
    "stop": lambda s: "stopped" if s != "idle" else s,
}


def _apply(statuses: set[str], clock: Clock, effects: tuple[ClockEffect, ...]) -> set[str]:
    """The statuses after ``effects``; a family effect on one member may leave the others as
    they were, and a conditional effect (``when_field``) may not apply, so the clock keeps its
    statuses beside the new one."""
    for e in effects:
        if e.clock == clock.name and e.op in _AFTER:
            after = {_AFTER[e.op](s) for s in statuses}
            maybe = (clock.family and e.key_field) or e.when_field
            statuses = after | statuses if maybe else after
    return statuses


def clock_statuses(d: WorkflowDefinition) -> dict[str, dict[str, set[str]]]:
    """state → clock → the statuses (idle, running, paused, stopped) the clock may have there."""
    result: dict[str, dict[str, set[str]]] = {s.name: {c.name: set() for c in d.clocks}
                                              for s in d.states}
    start = next(t for t in d.transitions if t.trigger == d.start_trigger)
    first = d.initial_state
    for c in d.clocks:
        result[first.name][c.name] = _apply({"idle"}, c, start.effects + first.effects)
    by_state = graph(d).by_state
    entries = {s.name: s.effects for s in reversed(d.states)}
    todo = deque([first.name])
    while todo:
        src = todo.popleft()
        for t in (t for ts in by_state.get(src, {}).values() for t in ts):
            dest = t.dest or src
            if dest not in result:  # an unknown state, reported elsewhere
                continue
            entry = entries[dest] if t.dest else ()
            changed = False
            for c in d.clocks:
                new = _apply(result[src][c.name], c, t.effects + entry)
                if not new <= result[dest][c.name]:
                    result[dest][c.name] |= new
                    changed = True
            if changed:
                todo.append(dest)
    return result
