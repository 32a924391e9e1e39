"""A bounded random exploration of one workflow, reported as a finding a person can read
(needs ``hypothesis``, imported when :func:`explore` runs): what ``gongkai check`` runs, and
what a test of an agency's own definition can call in one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from unittest import mock

from engine.definition.model import WorkflowDefinition
from engine.definition.validate import validate
from engine.testing.defaults import SHRINK_SECONDS
from engine.transition.registry import Registry

if TYPE_CHECKING:
    from engine.testing.invariants import Invariant
    from engine.testing.machine import EngineFactory, Example

__all__ = ["Exploration", "explore"]

STEP = re.compile(r"^(\d{4}-\d{2}-\d{2} |start on |advance to )")
"""The notes the state machine writes for each step it takes (the start day, each start, fire,
refused invalid step and clock advance)."""
_SHRINK_LIMIT = "hypothesis.internal.conjecture.engine.MAX_SHRINKING_SECONDS"


@dataclass(frozen=True)
class Exploration:
    """What an exploration found: ``failure`` is ``None`` when every run kept every invariant;
    otherwise ``steps`` are the shrunk run's steps, one line each, and ``failure`` what it
    raised. ``runs`` counts the runs made (shrinking included), ``started`` the instances they
    started and ``states`` the states those reached: a clean result with nothing started tested
    nothing (:attr:`tested`)."""

    runs: int
    started: int = 0
    states: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    failure: BaseException | None = None

    @property
    def tested(self) -> bool:
        """Whether any run got an instance started (else the start data never passed)."""
        return self.started > 0


def steps_of(report: str) -> list[str]:
    """The steps of hypothesis' falsifying example: the machine's notes, one per step, leaving
    out hypothesis' ``state.rule(data=...)`` lines, draws and explanations."""
    return [line.strip() for line in report.splitlines() if STEP.match(line.strip())]


@contextmanager
def _shrinking_limited_to(seconds: int) -> Iterator[None]:
    """Cap the time hypothesis spends shortening a failing run (its own limit is five minutes,
    and each run here builds an engine). The cap is hypothesis' internal constant; a release
    without it keeps its own limit."""
    module, _, name = _SHRINK_LIMIT.rpartition(".")
    try:
        present = hasattr(__import__(module, fromlist=[name]), name)
    except ImportError:
        present = False
    if not present:
        yield
        return
    with mock.patch(_SHRINK_LIMIT, seconds):
        yield


def explore(definition: WorkflowDefinition | str, invariants: Sequence[Invariant] = (), *,
            registry: Registry | None = None, engine_factory: EngineFactory | None = None,
            examples: Mapping[str, Example] | None = None, runs: int = 50, steps: int = 20,
            seed: int | None = None, shrink_seconds: int = SHRINK_SECONDS) -> Exploration:
    """Drive ``definition`` at random with :func:`workflow_state_machine` (same arguments) for
    ``runs`` runs of up to ``steps`` steps, checking the built-in invariants and ``invariants``
    after every step; the same runs every time unless ``seed`` is given. A failure is shrunk for
    at most ``shrink_seconds``. A definition run on the default engine is validated first:
    :class:`DefinitionError` lists its problems. Raises ``TypeError``/``ValueError`` as
    :func:`workflow_state_machine` does, and ``ImportError`` without hypothesis."""
    try:
        from hypothesis import HealthCheck, Phase, settings
        from hypothesis import seed as with_seed
        from hypothesis.reporting import with_reporter
        from hypothesis.stateful import run_state_machine_as_test

        from engine.testing.machine import workflow_state_machine
    except ModuleNotFoundError as exc:
        if exc.name != "hypothesis":
            raise
        raise ImportError("engine.testing.explore needs hypothesis: pip install "
                          "'gongkai[testing]'", name="hypothesis") from None

    machine = workflow_state_machine(definition, invariants, engine_factory, registry, examples)
    if isinstance(definition, WorkflowDefinition) and engine_factory is None:
        validate(definition, registry or Registry())
    if seed is not None:
        machine = with_seed(seed)(machine)
    chosen = settings(max_examples=runs, stateful_step_count=steps, deadline=None,
                      database=None, derandomize=seed is None, print_blob=False,
                      suppress_health_check=list(HealthCheck),
                      phases=[p for p in Phase if p is not Phase.explain])
    reported: list[str] = []
    try:
        with with_reporter(lambda value: reported.append(str(value))), \
                _shrinking_limited_to(shrink_seconds):
            run_state_machine_as_test(machine, settings=chosen)
    except Exception as exc:  # whatever a run raised is the finding
        notes = getattr(exc, "__notes__", [])
        return _found(machine, tuple(steps_of("\n".join([*reported, *notes]))), exc)
    return _found(machine)


def _found(machine: Any, steps: tuple[str, ...] = (),
           failure: BaseException | None = None) -> Exploration:
    coverage = machine.coverage
    return Exploration(coverage.runs, coverage.started, tuple(sorted(coverage.states)), steps,
                       failure)
