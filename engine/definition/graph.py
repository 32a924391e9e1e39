"""The shape of a definition as a graph: one traversal serves every analysis.

Validation, the clock flow, the compiled machine and the diagram all read the same expanded
sources, the same per-state index of triggers and the same edges, so they can never disagree
about which transitions leave a state.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from engine.definition.model import ANY_STATE, Transition, WorkflowDefinition


def expand_sources(d: WorkflowDefinition, t: Transition,
                   open_states: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The concrete source states of a transition (``*`` means every non-terminal state, which
    the caller may pass as ``open_states`` when it expands many transitions)."""
    if ANY_STATE in t.sources:
        if open_states is None:
            return tuple(s.name for s in d.states if s.kind != "terminal")
        return open_states
    return t.sources


@dataclass(frozen=True)
class Graph:
    """Per-state triggers and state-to-state edges of one definition."""

    by_state: Mapping[str, Mapping[str, tuple[Transition, ...]]]
    edges: Mapping[str, frozenset[str]]
    sources: Mapping[Transition, tuple[str, ...]]

    def triggers(self, state: str) -> list[str]:
        """Triggers valid in ``state``, sorted."""
        return sorted(self.by_state.get(state, {}))

    def candidates(self, state: str, trigger: str) -> tuple[Transition, ...]:
        """The transitions ``trigger`` may take from ``state`` (guards choose among them)."""
        return self.by_state.get(state, {}).get(trigger, ())

    def reachable(self, start: Iterable[str], reverse: bool = False) -> set[str]:
        """States reachable from ``start`` (or, reversed, the states that reach ``start``)."""
        edges = _reversed(self.edges) if reverse else self.edges
        seen = set(start)
        todo = deque(seen)
        while todo:
            for nxt in edges.get(todo.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen


@lru_cache(maxsize=256)
def graph(d: WorkflowDefinition) -> Graph:
    """The graph of ``d`` (cached: definitions are immutable values)."""
    open_states = tuple(s.name for s in d.states if s.kind != "terminal")
    sources = {t: expand_sources(d, t, open_states) if t.sources else ()
               for t in d.transitions}
    by_state: dict[str, dict[str, list[Transition]]] = defaultdict(lambda: defaultdict(list))
    edges: dict[str, set[str]] = defaultdict(set)
    for t, srcs in sources.items():
        for src in srcs:
            by_state[src][t.trigger].append(t)
            if t.dest is not None:
                edges[src].add(t.dest)
    return Graph(
        by_state={s: {trig: tuple(ts) for trig, ts in m.items()} for s, m in by_state.items()},
        edges={s: frozenset(v) for s, v in edges.items()},
        sources=sources)


def _reversed(edges: Mapping[str, frozenset[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for src, dests in edges.items():
        for dst in dests:
            out[dst].add(src)
    return out
