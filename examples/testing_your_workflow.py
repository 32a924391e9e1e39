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
from typing import Any

from engine import Actor, DefinitionError, Engine, Instance, WorkflowDefinition
from engine.testing import ManualClock, explore, temp_engine
from workflows import disclosure_request

RUNS, STEPS = 10, 8


def county_version() -> WorkflowDefinition:
    """The disclosure request without ``leader_review``: ``propose`` decides (and sets the
    outcome, as the leader's ``approve`` did)."""
    d = disclosure_request.definition()
    approve = next(t for t in d.transitions if t.trigger == "approve")
    transitions = []
    for t in d.transitions:
        if "leader_review" in t.sources:
            continue
        if t.trigger == "propose":
            t = replace(t, dest="decided", actions=(*t.actions, *approve.actions))
        transitions.append(t)
    return replace(d, version=d.version + 100, transitions=tuple(transitions),
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
        print(f"  passed: {found.runs} random runs, every invariant kept")
        return
    print(f"  FAILED: {found.failure}")
    for number, step in enumerate(found.steps, 1):
        print(f"    {number}. {step[:110]}")


def assigned_on_acceptance(engine: Engine, instance_id: str) -> None:
    """An office rule of its own: a request accepted is assigned at once, never left
    ``accepted``. The workflow does not enforce it, so random runs break it."""
    state = engine.get(instance_id).state
    assert state != "accepted", f"request {instance_id[:8]} left accepted, not assigned"


def main(db_path: Path) -> None:
    county = county_version()
    print("1. The county version, property-tested:")
    property_test(county)

    print("2. Broken: a state with no way out (reply removed, so 'decided' is a dead end):")
    dead_end = replace(county, transitions=tuple(t for t in county.transitions
                                                 if t.trigger != "reply"))
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
