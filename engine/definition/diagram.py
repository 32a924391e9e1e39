"""Definitions drawn as mermaid state diagrams.

States are titled in Chinese and English; edges carry the trigger, its roles and its guards, and
the triggers whose actors may not fire it ("not by draft", separation of duties).
"""

from __future__ import annotations

import re

from engine.definition.graph import graph
from engine.definition.model import Transition, WorkflowDefinition


def _node(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _label(t: Transition) -> str:
    roles = f" [{', '.join(t.roles)}]" if t.roles else ""
    guards = f" ({', '.join(t.guards)})" if t.guards else ""
    apart = f" not by {', '.join(t.separate_from)}" if t.separate_from else ""
    return f"{t.trigger}{roles}{guards}{apart}".replace(":", " ")


def _nodes(definition: WorkflowDefinition) -> dict[str, str]:
    """A distinct node id per state, even for names that differ only in punctuation."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for s in definition.states:
        if s.name in ids:
            continue
        node, n = _node(s.name), 2
        while node in taken:
            node, n = f"{_node(s.name)}_{n}", n + 1
        ids[s.name] = node
        taken.add(node)
    return ids


def mermaid(definition: WorkflowDefinition) -> str:
    """Mermaid ``stateDiagram-v2`` text for ``definition``."""
    lines = ["---", f"title: {definition.title} (v{definition.version})", "---",
             "stateDiagram-v2"]
    ids = _nodes(definition)

    def node(name: str) -> str:
        return ids.get(name, _node(name))

    for s in definition.states:
        title = str(s.title) or s.name
        label = f"{title}<br/>{s.name}".replace('"', "#quot;")
        lines.append(f'    state "{label}" as {ids[s.name]}')
    sources = graph(definition).sources
    for t in definition.transitions:
        if t.trigger == definition.start_trigger:
            lines.append(f"    [*] --> {node(definition.initial_state.name)} : {_label(t)}")
            continue
        for src in sources[t]:
            lines.append(f"    {node(src)} --> {node(t.dest or src)} : {_label(t)}")
    for name in sorted(definition.terminal_states):
        lines.append(f"    {node(name)} --> [*]")
    return "\n".join(lines) + "\n"
