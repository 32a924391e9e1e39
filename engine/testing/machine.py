"""A hypothesis state machine that drives any workflow through the engine and checks its
invariants after every step (needs ``hypothesis``).

The machine starts instances, fires available triggers as actors holding a permitted role (with
generated data, or data from ``examples`` that the workflow's guards accept, to get deep), lets
0–10 calendar days pass on the manual clock (firing due timers and schedules), and tries steps
that must be refused. Refused calls must leave no trace; after every step every instance keeps
:data:`BUILTIN_INVARIANTS` and the caller's. Start dates are drawn near the 2025 National Day
holiday and its 调休 weekends, and near the Spring Festival and the year's end, so that working
days are counted across holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from engine.actor import Actor
from engine.definition.graph import graph
from engine.definition.model import WorkflowDefinition
from engine.errors import WorkflowError
from engine.runtime.engine import Engine
from engine.snapshot import Instance
from engine.testing.clock import ManualClock
from engine.testing.invariants import BUILTIN_INVARIANTS, Invariant, refused_call_left_no_trace
from engine.testing.story import at
from engine.testing.strategies import SYSTEM_ROLE, actors, invalid_steps, raw_data
from engine.testing.tables import dump
from engine.testing.temp import temp_engine
from engine.timesource import local_date
from engine.transition.registry import Registry

Example = Callable[[dt.date, Instance | None], Mapping[str, Any] | None]
"""Data for a trigger that the workflow's guards accept: ``example(today, instance)``
(``instance`` is ``None`` for the start trigger)."""
EngineFactory = Callable[[ManualClock], "Engine | AbstractContextManager[Engine]"]
ANCHORS = (dt.date(2025, 9, 28), dt.date(2025, 10, 1), dt.date(2025, 1, 26),
           dt.date(2025, 12, 29))
"""Start dates are drawn within a week of these: 调休 Sunday 28 September, National Day, the
Spring Festival's 调休 Sunday 26 January, and the turn of the year."""
MAX_INSTANCES = 3
MAX_DAYS = 10


@dataclass
class Coverage:
    """What the runs of one machine class did: runs begun, instances started, states
    reached. A run that starts nothing tests nothing, so a clean result says how much it saw."""

    runs: int = 0
    started: int = 0
    states: set[str] = field(default_factory=set)


def _start_days() -> st.SearchStrategy[dt.date]:
    return st.builds(lambda anchor, shift: anchor + dt.timedelta(days=shift),
                     st.sampled_from(ANCHORS), st.integers(-7, 7))


class WorkflowMachine(RuleBasedStateMachine):
    """Drives one workflow; :func:`workflow_state_machine` makes a subclass for each."""

    workflow: WorkflowDefinition | str = ""
    extra_invariants: tuple[Invariant, ...] = ()
    engine_factory: EngineFactory | None = None
    given_registry: Registry | None = None
    examples: Mapping[str, Example] = {}
    coverage: Coverage = Coverage()

    def __init__(self) -> None:
        super().__init__()
        self.stack = ExitStack()
        self.ids: list[str] = []
        self.coverage.runs += 1

    # set-up -----------------------------------------------------------------------------
    @initialize(day=_start_days())
    def make_engine(self, day: dt.date) -> None:
        self.clock = ManualClock(at(day))
        made = self._factory()(self.clock)
        self.engine = made if isinstance(made, Engine) else self.stack.enter_context(made)
        name = self.workflow if isinstance(self.workflow, str) else self.workflow.name
        self.definition = self.engine.definition(name)
        self.registry = self.given_registry or self.engine.registry
        note(f"start on {day} ({day:%A}), {name} v{self.definition.version}")

    def _factory(self) -> EngineFactory:
        if self.engine_factory is not None:
            return self.engine_factory
        if isinstance(self.workflow, str):
            raise TypeError("workflow_state_machine(name) needs an engine_factory that "
                            "registers the workflow")
        definition, registry = self.workflow, self.given_registry
        return lambda clock: temp_engine(definition, registry=registry, clock=clock)

    def teardown(self) -> None:
        engine = getattr(self, "engine", None)
        self.stack.close()
        if engine is not None:
            engine.close()

    @property
    def today(self) -> dt.date:
        return local_date(self.clock.now())

    # steps ------------------------------------------------------------------------------
    def _data(self, data: st.DataObject, trigger: str, instance: Instance | None
              ) -> Mapping[str, Any] | None:
        example = self.examples.get(trigger)
        if example is not None and data.draw(st.integers(0, 4), label="generated?") > 0:
            return example(self.today, instance)
        return data.draw(raw_data(self.definition, trigger, self.registry, self.today),
                         label=f"{trigger} data")

    def _actor(self, data: st.DataObject, roles: set[str]) -> Actor:
        human = sorted(roles - {SYSTEM_ROLE})
        return data.draw(actors(self.definition, human or None), label="actor")

    def _attempt(self, call: Callable[[], Instance], what: str) -> Instance | None:
        """Make ``call``; a refusal (a WorkflowError) must leave no trace."""
        before = dump(self.engine)
        try:
            done = call()
        except WorkflowError as refused:
            note(f"{self.today} {what}: refused ({type(refused).__name__}: {refused})")
            refused_call_left_no_trace(self.engine, before)
            return None
        note(f"{self.today} {what} -> {done.state}")
        return done

    @precondition(lambda self: len(self.ids) < MAX_INSTANCES)
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        trigger = self.definition.start_trigger
        roles = {r for t in self.definition.transitions if t.trigger == trigger for r in t.roles}
        actor = self._actor(data, roles)
        fields = self._data(data, trigger, None)
        done = self._attempt(lambda: self.engine.start(self.definition.name, actor, fields),
                             f"start as {actor} with {fields}")
        if done is not None:
            self.ids.append(done.id)
            self.coverage.started += 1

    def _open(self) -> list[str]:
        return [i for i in self.ids if not self.engine.get(i).closed]

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        open_ids = self._open()
        if not open_ids:
            return
        instance = self.engine.get(data.draw(st.sampled_from(open_ids), label="instance"))
        options = {t: ts for t, ts in graph(self.definition).by_state.get(instance.state, {})
                   .items() if any(set(c.roles) - {SYSTEM_ROLE} or not c.roles for c in ts)}
        if not options:
            return
        trigger = data.draw(st.sampled_from(sorted(options)), label="trigger")
        actor = self._actor(data, {r for t in options[trigger] for r in t.roles})
        fields = self._data(data, trigger, instance)
        self._attempt(lambda: self.engine.fire(instance.id, trigger, actor, fields),
                      f"{trigger} on {instance.id[:8]} ({instance.state}) as {actor} "
                      f"with {fields}")

    @rule(days=st.integers(0, MAX_DAYS), hour=st.sampled_from((9, 10, 16)))
    def advance(self, days: int, hour: int) -> None:
        target = at(self.today + dt.timedelta(days=days), dt.time(hour))
        if target > self.clock.now():
            fired = self.engine.advance(target)
            note(f"advance to {target:%Y-%m-%d %H:%M}: {fired} timer(s) fired")

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def try_invalid(self, data: st.DataObject) -> None:
        instance = self.engine.get(data.draw(st.sampled_from(self.ids), label="instance"))
        try:
            steps = invalid_steps(self.definition, instance.state, self.registry, self.today)
        except ValueError:
            return
        step = data.draw(steps, label="invalid step")
        before = dump(self.engine)
        try:
            self.engine.fire(instance.id, step.trigger, step.actor, step.data)
        except WorkflowError as refused:
            note(f"{self.today} invalid {step.kind} {step.trigger} refused: "
                 f"{type(refused).__name__}")
            refused_call_left_no_trace(self.engine, before)
            return
        raise AssertionError(f"the engine accepted an invalid step ({step.kind}): "
                             f"{step.trigger} on {instance.state} as {step.actor} with "
                             f"{step.data}")

    # checks -----------------------------------------------------------------------------
    @invariant()
    def invariants_hold(self) -> None:
        if not hasattr(self, "engine"):
            return
        for instance_id in self.ids:
            self.coverage.states.add(self.engine.get(instance_id).state)
            for check in (*BUILTIN_INVARIANTS, *self.extra_invariants):
                check(self.engine, instance_id)


def workflow_state_machine(definition_or_name: WorkflowDefinition | str,
                           invariants: Sequence[Invariant] = (),
                           engine_factory: EngineFactory | None = None,
                           registry: Registry | None = None,
                           examples: Mapping[str, Example] | None = None
                           ) -> type[RuleBasedStateMachine]:
    """A :class:`RuleBasedStateMachine` subclass driving one workflow; run it with
    ``hypothesis.stateful.run_state_machine_as_test`` (or expose its ``TestCase``).

    ``definition_or_name``: a definition (registered by the default factory) or the name of a
    workflow ``engine_factory`` registers. ``engine_factory(clock)`` returns an :class:`Engine`
    on that :class:`ManualClock`, or a context manager giving one (closed at teardown; default: a
    temporary SQLite engine with the definition registered, :func:`temp_engine`).
    ``registry`` holds the trigger models (the engine's registry by default). ``examples`` maps
    a trigger to ``example(today, instance) -> data`` that the workflow's guards accept: the
    machine uses it four times in five, so paths go past the guards. ``invariants`` are checked
    after every step on every instance, after :data:`BUILTIN_INVARIANTS`. The class's
    ``coverage`` (:class:`Coverage`) counts what its runs did. Raises ``TypeError`` naming the
    argument that is not of its kind (a workflow name without an engine factory included) and
    ``ValueError`` for an example of a trigger the definition does not have.
    """
    _check_arguments(definition_or_name, invariants, engine_factory, registry, examples)
    name = (definition_or_name if isinstance(definition_or_name, str)
            else definition_or_name.name)
    attributes: dict[str, Any] = {
        "workflow": definition_or_name, "extra_invariants": tuple(invariants),
        "engine_factory": staticmethod(engine_factory) if engine_factory else None,
        "given_registry": registry, "examples": dict(examples or {}), "coverage": Coverage(),
    }
    return type(f"{name.title().replace('_', '')}Machine", (WorkflowMachine,), attributes)


def _check_arguments(definition_or_name: object, invariants: object, engine_factory: object,
                     registry: object, examples: object) -> None:
    """Refuse, before any run, arguments that would only fail inside one."""
    if not isinstance(definition_or_name, WorkflowDefinition | str):
        raise TypeError(f"definition_or_name must be a WorkflowDefinition or a workflow name, "
                        f"not {type(definition_or_name).__name__}")
    if isinstance(definition_or_name, str) and engine_factory is None:
        raise TypeError("workflow_state_machine(name) needs an engine_factory that registers "
                        "the workflow")
    if engine_factory is not None and not callable(engine_factory):
        raise TypeError("engine_factory must be a callable taking the ManualClock")
    if registry is not None and not isinstance(registry, Registry):
        raise TypeError(f"registry must be an engine.Registry, not {type(registry).__name__}")
    if (callable(invariants) or isinstance(invariants, str)
            or not isinstance(invariants, Sequence) or not all(map(callable, invariants))):
        raise TypeError("invariants must be a sequence of functions (engine, instance_id) -> "
                        "None, e.g. (my_rule,)")
    _check_examples(definition_or_name, examples)


def _check_examples(definition_or_name: WorkflowDefinition | str, examples: object) -> None:
    if examples is None:
        return
    if not isinstance(examples, Mapping) or not all(map(callable, examples.values())):
        raise TypeError("examples must map trigger names to functions (today, instance) -> data")
    if isinstance(definition_or_name, WorkflowDefinition):
        known = {t.trigger for t in definition_or_name.transitions}
        unknown = sorted(set(examples) - known)
        if unknown:
            raise ValueError(f"examples for triggers {definition_or_name.name} does not have: "
                             f"{', '.join(map(str, unknown))}")
