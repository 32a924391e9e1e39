"""Every built-in workflow, driven by ``workflow_state_machine`` on SQLite: random starts, fired
triggers (with the workflows' own example data to get past their guards), time passing across
the National Day and Spring Festival holidays with their 调休 weekends, and invalid steps; the
engine's built-in invariants hold on every instance after every step, and every refused call
leaves no trace (DESIGN.md, engine principles 5 and 10)."""

from __future__ import annotations

import pytest
from hypothesis.stateful import run_state_machine_as_test

from engine import Engine
from engine.testing import workflow_state_machine
from tests.properties.conftest import profile
from tests.properties.examples import EXAMPLES, factory

SEEN: dict[str, set[str]] = {}


def _record_states(engine: Engine, instance_id: str) -> None:
    """Not an invariant: remembers the states reached, to show the walks go deep."""
    now = engine.get(instance_id)
    SEEN.setdefault(now.workflow, set()).add(now.state)


@pytest.mark.parametrize("workflow", sorted(EXAMPLES))
def test_workflow_keeps_the_builtin_invariants(workflow: str) -> None:
    examples, seed = EXAMPLES[workflow]
    machine = workflow_state_machine(workflow, invariants=[_record_states],
                                     engine_factory=factory(seed), examples=examples)
    run_state_machine_as_test(machine, settings=profile())
    assert len(SEEN[workflow]) >= 2, SEEN[workflow]
