"""Definitions drawn as mermaid: bilingual state titles, every edge with its trigger and roles."""

from __future__ import annotations

import re

from engine import State, Title, Transition, WorkflowDefinition
from tests.engine import sample
from tests.engine.helpers import make_engine

EDGE = re.compile(r"^\s+(\S+) --> (\S+)(?: : (.*))?$")
STATE = re.compile(r'^\s+state "(.*)" as (\S+)$')


def parse(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """(node id → state label, [(from node, to node, edge label)])."""
    states = {m.group(2): m.group(1) for line in text.splitlines() if (m := STATE.match(line))}
    edges = [(m.group(1), m.group(2), m.group(3) or "") for line in text.splitlines()
             if (m := EDGE.match(line))]
    return states, edges


def node_of(states: dict[str, str], name: str) -> str:
    [node] = [n for n, label in states.items() if label.endswith(f">{name}") or label == name]
    return node


def test_diagram_text(db_url: str) -> None:
    engine = make_engine(db_url)
    d = sample.definition()
    text = engine.diagram("purchase")
    assert text == engine.diagram(d)
    assert "stateDiagram-v2" in text
    assert "采购审批" in text and "Purchase approval" in text and "v1" in text

    states, edges = parse(text)
    assert len(states) == len(d.states)
    for s in d.states:
        label = states[node_of(states, s.name)]
        assert s.title.zh in label and s.title.en in label
    # every edge joins declared states (or the start/end marker)
    assert {n for e in edges for n in e[:2]} <= set(states) | {"[*]"}

    n = {s.name: node_of(states, s.name) for s in d.states}

    def labels(src: str, dst: str) -> list[str]:
        return [lab for a, b, lab in edges if (a, b) == (src, dst)]

    assert [lab for lab in labels("[*]", n["draft"]) if "create" in lab][0].count("clerk") == 1
    [submit] = labels(n["draft"], n["submitted"])
    assert "submit" in submit and "clerk" in submit
    for src in ("submitted", "escalated"):
        [reject] = [lab for lab in labels(n[src], n["rejected"]) if "reject" in lab]
        assert "manager" in reject and "director" in reject
    # the two guarded branches of approve show their guards and roles
    [within] = labels(n["submitted"], n["approved"])
    [over] = [lab for lab in labels(n["submitted"], n["escalated"]) if "approve" in lab]
    assert "within_limit" in within and "manager" in within
    assert "over_limit" in over and "manager" in over
    [director] = labels(n["escalated"], n["approved"])
    assert "director" in director
    # cancel from "*" is drawn from every non-terminal state
    assert {a for a, b, lab in edges if "cancel" in lab and b == n["rejected"]} == {
        n["draft"], n["submitted"], n["escalated"]}
    # internal transitions are loops; terminal states lead to the end marker
    assert any("hold" in lab for lab in labels(n["submitted"], n["submitted"]))
    assert {a for a, b, _ in edges if b == "[*]"} == {n["approved"], n["rejected"]}


def test_every_state_gets_its_own_node() -> None:
    """State names that differ only in punctuation still become different nodes."""
    names = ["in-review", "in_review", "in review", "审核中"]
    d = WorkflowDefinition(
        name="nodes", version=1, title=Title("节点", "Nodes"),
        states=(State("new", Title("新", "New"), "initial"),
                *(State(n, Title(f"状态{i}", f"S{i}")) for i, n in enumerate(names)),
                State("end", Title("结束", "End"), "terminal")),
        transitions=(Transition("start", (), "new"),
                     *(Transition(f"to{i}", ("new",), n) for i, n in enumerate(names)),
                     Transition("finish", tuple(names), "end")))
    from engine.definition.diagram import mermaid

    states, edges = parse(mermaid(d))
    assert len(states) == len(d.states)
    for i, name in enumerate(names):
        node = node_of(states, name)
        assert f"状态{i}" in states[node]
        assert (node_of(states, "new"), node, f"to{i}") in edges
