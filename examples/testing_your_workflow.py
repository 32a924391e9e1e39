"""Testing your own workflow: a county office's disclosure request, property-tested.

A county office (县级政府办公室) has no department leader to approve replies, so its version of
the disclosure request drops the leader's review: ``propose`` goes straight to ``decided``.
The script property-tests that version with :func:`engine.testing.workflow_state_machine`
(random starts, steps, refused steps and clock advances, every built-in invariant checked after
each step), then breaks it twice: a state with no way out, which static validation refuses, and
an office rule of its own (an invariant) that a run breaks, shown as hypothesis' shrunk steps.
Last, one request goes the short way by hand and its hash chain is verified.

    python examples/testing_your_workflow.py [path/to/demo.db]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from textwrap import shorten
from typing import Any

from engine import Actor, DefinitionError, Engine, Instance, State, Title, WorkflowDefinition
from engine.testing import ManualClock, explore, temp_engine
from workflows import disclosure_request

RUNS, STEPS = 12, 20


def county_version() -> WorkflowDefinition:
    """The disclosure request without ``leader_review``: ``propose`` decides (and sets the
    outcome, as the leader's ``approve`` did); the leader's own steps go, and the steps open in
    many states (``extend``, ``withdraw``) lose only ``leader_review``."""
    d = disclosure_request.definition()
    approve = next(t for t in d.transitions if t.trigger == "approve")
    transitions = tuple(
        replace(t, dest="decided", actions=(*t.actions, *approve.actions))
        if t.trigger == "propose" else
        replace(t, sources=tuple(s for s in t.sources if s != "leader_review"))
        for t in d.transitions if t.sources != ("leader_review",))
    return replace(d, version=d.version + 100, transitions=transitions,
                   states=tuple(s for s in d.states if s.name != "leader_review"))


def example(trigger: str, **fields: Any) -> Any:
    """An example payload for ``trigger``, dated the machine's today."""
    def make(today: date, instance: Instance | None) -> dict[str, Any]:
        day = today.isoformat()
        return {k: (day if v == "today" else v) for k, v in fields.items()}
    return trigger, make


EXAMPLES = dict([
    example("register", applicant={"name": "张三", "type": "natural_person",
                                   "contact": "13800000000"},
            channel="in_person", received_on="today", description="2024年本县惠农补贴发放名单"),
    example("accept"),
    example("assign", division="综合股", assigned_on="today"),
    example("review_confidentiality", result="clear", reviewed_on="today",
            notes="不涉及国家秘密"),
    example("propose", outcome="disclosed", reasons="不涉及国家秘密和商业秘密"),
    example("reply", replied_on="today", document_number="县政办依申复〔2025〕1号"),
    example("serve", served_on="today", method="post"),
])


def factory(definition: WorkflowDefinition) -> Any:
    @contextmanager
    def make(clock: ManualClock) -> Iterator[Engine]:
        with temp_engine(lambda e: disclosure_request.register(e, definition),
                         clock=clock) as engine:
            yield engine
    return make


def property_test(definition: WorkflowDefinition, invariants: tuple[Any, ...] = ()) -> None:
    """Drive the definition at random; print "passed" or the failure and its shrunk steps."""
    found = explore(definition.name, invariants, registry=disclosure_request.registry(),
                    engine_factory=factory(definition), examples=EXAMPLES, runs=RUNS,
                    steps=STEPS, shrink_seconds=20)
    if found.failure is None:
        print(f"  passed: {found.runs} random runs, {found.started} requests started, "
              f"reaching {', '.join(found.states)}; every invariant kept")
        return
    print(f"  FAILED: {found.failure}")
    for number, step in enumerate(found.steps, 1):
        print(f"    {number}. {shorten(step, 110, placeholder=' …')}")


def assigned_on_acceptance(engine: Engine, instance_id: str) -> None:
    """An office rule of its own: a request accepted is assigned at once, never left
    ``accepted``. The workflow does not enforce it, so random runs break it."""
    state = engine.get(instance_id).state
    assert state != "accepted", f"request {instance_id[:8]} left accepted, not assigned"


def main(db_path: Path) -> None:
    county = county_version()
    print("1. The county version, property-tested:")
    property_test(county)

    print("2. Broken: a state with no way out (service files the reply in a new 'archived' "
          "state, which nothing leaves):")
    archived = State("archived", Title("已归档", "Archived"))
    dead_end = replace(county, states=(*county.states, archived), transitions=tuple(
        replace(t, dest="archived") if t.trigger == "serve" else t
        for t in county.transitions))
    try:
        with temp_engine(lambda e: disclosure_request.register(e, dead_end)):
            pass
    except DefinitionError as refused:
        for problem in refused.problems:
            print(f"  refused: {problem}")

    print("3. Broken: an office rule the workflow does not enforce:")
    property_test(county, (assigned_on_acceptance,))

    print("4. One request the short way, by hand:")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    engine = Engine(f"sqlite:///{db_path}", clock=ManualClock(datetime(2025, 3, 5, 10)))
    disclosure_request.register(engine, county)
    today = date(2025, 3, 5)
    clerk, handler = Actor("li.na", ("registrar",)), Actor("wang.qiang", ("handler",))
    secrecy = Actor("sun.li", ("secrecy_reviewer",))
    inst = engine.start(county.name, clerk, EXAMPLES["register"](today, None))
    steps = (("accept", clerk), ("assign", clerk), ("review_confidentiality", secrecy),
             ("propose", handler), ("reply", clerk), ("serve", clerk))
    for trigger, actor in steps:
        inst = engine.fire(inst.id, trigger, actor, EXAMPLES[trigger](today, inst))
        print(f"  {trigger:<24} -> {inst.state}")
    engine.verify_history(inst.id)
    print(f"  {len(engine.history(inst.id))} events, hash chain verified")
    engine.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "testing_demo.db"))
