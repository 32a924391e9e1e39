"""Which status each clock may have in each state, over every path through a definition.

Validation uses it to catch clock effects that can never make sense (resuming a clock that is
never paused there) and expiry triggers that would fire in a state where they are not valid.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from engine.definition.graph import graph
from engine.definition.model import ClockEffect, WorkflowDefinition

_AFTER: dict[str, Callable[[str], str]] = {
    "start": lambda s: "running",
    "restart": lambda s: "running",
    "pause": lambda s: "paused" if s == "running" else s,
    "resume": lambda s: "running" if s == "paused" else s,
    "extend": lambda s: s,
    "stop": lambda s: "stopped" if s != "idle" else s,
}


def _apply(statuses: set[str], clock: str, effects: tuple[ClockEffect, ...]) -> set[str]:
    out = set()
    for status in statuses:
        for e in effects:
            if e.clock == clock and e.op in _AFTER:
                status = _AFTER[e.op](status)
        out.add(status)
    return out


def clock_statuses(d: WorkflowDefinition) -> dict[str, dict[str, set[str]]]:
    """state → clock → the statuses (idle, running, paused, stopped) the clock may have there."""
    result: dict[str, dict[str, set[str]]] = {s.name: {c.name: set() for c in d.clocks}
                                              for s in d.states}
    start = next(t for t in d.transitions if t.trigger == d.start_trigger)
    first = d.initial_state
    for c in d.clocks:
        result[first.name][c.name] = _apply({"idle"}, c.name, start.effects + first.effects)
    by_state = graph(d).by_state
    todo = deque([first.name])
    while todo:
        src = todo.popleft()
        for t in (t for ts in by_state.get(src, {}).values() for t in ts):
            dest = t.dest or src
            if dest not in result:  # an unknown state, reported elsewhere
                continue
            entry = d.state(dest).effects if t.dest else ()
            changed = False
            for c in d.clocks:
                new = _apply(result[src][c.name], c.name, t.effects + entry)
                if not new <= result[dest][c.name]:
                    result[dest][c.name] |= new
                    changed = True
            if changed:
                todo.append(dest)
    return result
