"""Definitions drawn as mermaid state diagrams.

States are titled in Chinese and English; edges carry the trigger, its roles and its guards.
"""

from __future__ import annotations

import re

from engine.definition import Transition, WorkflowDefinition


def _node(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _label(t: Transition) -> str:
    roles = f" [{', '.join(t.roles)}]" if t.roles else ""
    guards = f" ({', '.join(t.guards)})" if t.guards else ""
    return f"{t.trigger}{roles}{guards}".replace(":", " ")


def mermaid(definition: WorkflowDefinition) -> str:
    """Mermaid ``stateDiagram-v2`` text for ``definition``."""
    lines = ["---", f"title: {definition.title} (v{definition.version})", "---",
             "stateDiagram-v2"]
    for s in definition.states:
        title = str(s.title) or s.name
        lines.append(f'    state "{title}<br/>{s.name}" as {_node(s.name)}')
    for t in definition.transitions:
        if t.trigger == definition.start_trigger:
            lines.append(f"    [*] --> {_node(definition.initial_state.name)} : {_label(t)}")
            continue
        sources = definition.expand_sources(t)
        for src in sources:
            dest = _node(t.dest or src)
            lines.append(f"    {_node(src)} --> {dest} : {_label(t)}")
    for name in sorted(definition.terminal_states):
        lines.append(f"    {_node(name)} --> [*]")
    return "\n".join(lines) + "\n"
