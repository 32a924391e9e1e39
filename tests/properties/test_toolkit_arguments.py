"""The toolkit refuses, before any run, arguments that would only fail inside one, and says
what to install when hypothesis is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from engine import DefinitionError, Engine
from engine.testing import explore, temp_engine, workflow_state_machine
from tests.properties.letter import SEND, definition, registry


def _no_rule(engine: Engine, instance_id: str) -> None:
    """An invariant that always holds."""


@pytest.mark.parametrize(("call", "message"), [
    (lambda: workflow_state_machine(42), "must be a WorkflowDefinition or a workflow name"),
    (lambda: workflow_state_machine("letter"), "needs an engine_factory"),
    (lambda: workflow_state_machine(definition(), registry="reg"), "must be an engine.Registry"),
    (lambda: workflow_state_machine(definition(), _no_rule), "sequence of functions"),
    (lambda: workflow_state_machine(definition(), [5]), "sequence of functions"),
    (lambda: workflow_state_machine(definition(), examples={"send": SEND}),
     "map trigger names to functions"),
    (lambda: explore(None), "must be a WorkflowDefinition"),
])
def test_wrong_kinds_of_argument_are_a_type_error_naming_it(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()


def test_an_example_for_a_trigger_the_definition_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="letter does not have: sned"):
        workflow_state_machine(definition(), examples={"sned": lambda today, inst: SEND})


def test_explore_raises_the_problems_of_an_invalid_definition() -> None:
    """Validation runs first (as registering would), so the problems are raised, not returned
    as if a run had found them."""
    with pytest.raises(DefinitionError, match="unknown data model"):
        explore(definition(), runs=1, steps=1)


def test_explore_says_how_far_it_got() -> None:
    found = explore(definition(), registry=registry(),
                    examples={"send": lambda today, inst: SEND}, runs=5, steps=6)
    assert found.failure is None and found.tested
    assert found.runs >= 5 and found.started > 0 and "open" in found.states


def test_temp_engine_refuses_what_is_not_a_definition() -> None:
    with pytest.raises(TypeError, match="must be a WorkflowDefinition, several, or a function"):
        with temp_engine(42):  # type: ignore[arg-type]
            pass
    with pytest.raises(TypeError, match="must hold WorkflowDefinitions, not str"):
        with temp_engine(["letter"]):  # type: ignore[list-item]
            pass


def test_without_hypothesis_the_toolkit_says_what_to_install() -> None:
    """``import *`` works, and a part that needs hypothesis says how to get it."""
    code = (
        "import sys, json\n"
        "sys.modules['hypothesis'] = None\n"
        "from engine.testing import *\n"
        "import engine.testing as t\n"
        "assert 'explore' in dir(t) and 'state_is_declared' in dir(t)\n"
        "said = []\n"
        "for call in (lambda: t.workflow_state_machine, lambda: t.explore('letter')):\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as exc:\n"
        "        said.append(str(exc))\n"
        "print(json.dumps(said))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    said = json.loads(run.stdout)
    assert len(said) == 2 and all("pip install 'gongkai[testing]'" in s for s in said)
