"""The strategies of ``engine.testing``: actors hold the definition's roles, trigger data fits
the trigger's model, event sequences follow the definition from its start trigger (and a
guard-free workflow accepts them step by step), and invalid steps are refused without trace.
Also: ``import engine`` and ``import engine.testing`` load neither hypothesis nor pytest."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from engine import Actor, Engine, Registry, WorkflowDefinition, WorkflowError
from engine.testing import (
    ManualClock,
    actors,
    dump,
    event_sequences,
    invalid_steps,
    refused_call_left_no_trace,
    temp_engine,
    trigger_data,
)
from engine.testing.story import at
from engine.testing.strategies import DATE_SPREAD, model_of
from tests.properties.conftest import profile
from tests.properties.letter import CLERK, SEND, Answer, Send, definition, registry
from workflows import register_all

LETTER = definition()
REGISTRY = registry()
TODAY = date(2025, 9, 28)
NEEDS_EXAMPLES = {("disclosure_request", "propose"), ("disclosure_request", "reply_on_the_spot")}
"""Models whose validators tie fields together (an outcome code and the legal basis, convenience
answer or withheld parts it needs): fields drawn one by one almost never fit them, so the
state machine fires them with examples (tests/properties/examples.py)."""


def test_importing_engine_and_its_testing_kit_loads_no_test_library() -> None:
    """An embedding system imports the engine (and a simulation its testing kit) without
    hypothesis or pytest installed."""
    code = ("import json, sys; import engine; import engine.testing; "
            "print(json.dumps([m for m in ('hypothesis', 'pytest') if m in sys.modules]))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root, env={"PYTHONPATH": str(root)})
    assert json.loads(out.stdout) == []


@given(actors(LETTER))
def test_actors_hold_a_role_of_the_definition(actor: Actor) -> None:
    assert actor.roles and actor.roles <= set(LETTER.roles)
    assert "system" not in actor.roles


@given(trigger_data(LETTER, "send", REGISTRY, TODAY))
def test_data_respects_the_models_constraints(data: dict[str, object]) -> None:
    """Lengths, bounds and patterns come from the model's fields."""
    Send.model_validate(data)


@given(trigger_data(LETTER, "answer", REGISTRY, TODAY))
def test_dates_are_drawn_near_today(data: dict[str, object]) -> None:
    answered = Answer.model_validate(data).answered_on
    assert abs((answered - TODAY).days) <= DATE_SPREAD


@given(trigger_data(LETTER, "wait", REGISTRY))
def test_a_trigger_without_a_model_gets_a_small_json_object(data: dict[str, object]) -> None:
    assert isinstance(data, dict) and len(data) <= 3
    json.dumps(data)


@pytest.fixture(scope="module")
def builtin() -> Iterator[tuple[list[WorkflowDefinition], Registry]]:
    with temp_engine(register_all) as engine:
        names = ("disclosure_request", "publication_approval", "attribute_review",
                 "attribute_review_round", "challenge")
        yield [engine.definition(n) for n in names], engine.registry


def test_data_of_every_builtin_trigger_fits_its_model(
        builtin: tuple[list[WorkflowDefinition], Registry]) -> None:
    """Literal and enum fields from their values, nested models, lists with a minimum length,
    strict dates: every model of the built-in workflows but those needing examples."""
    definitions, reg = builtin
    checked = 0
    for d in definitions:
        for trigger in sorted({t.trigger for t in d.transitions if t.data}):
            if (d.name, trigger) in NEEDS_EXAMPLES:
                continue
            model = model_of(d, trigger, reg)
            assert model is not None

            _fits(trigger_data(d, trigger, reg, TODAY), model)
            checked += 1
    assert checked > 40


def _fits(data: st.SearchStrategy[dict[str, object]], model: type[BaseModel]) -> None:
    @profile()
    @given(data)
    def fits(drawn: dict[str, object]) -> None:
        model.model_validate(drawn)

    fits()


def _replay(d: WorkflowDefinition, triggers: list[str]) -> None:
    """Each trigger is valid in the state the ones before it lead to (the letter's transitions
    are one per trigger and state)."""
    state = d.initial_state.name
    for trigger in triggers[1:]:
        (transition,) = [t for t in d.transitions if t.trigger == trigger and state in t.sources]
        state = transition.dest or state


@given(event_sequences(LETTER, max_steps=8, registry=REGISTRY))
def test_event_sequences_start_with_the_start_trigger_and_follow_the_definition(
        steps: list[tuple[str, Actor, dict[str, object], int]]) -> None:
    assert steps[0][0] == LETTER.start_trigger
    assert 1 <= len(steps) <= 8
    _replay(LETTER, [s[0] for s in steps])
    for trigger, actor, _, days in steps:
        allowed = {r for t in LETTER.transitions if t.trigger == trigger for r in t.roles}
        assert actor.roles & allowed and 0 <= days <= 10


@profile()
@given(event_sequences(LETTER, max_steps=6, registry=REGISTRY),
       st.dates(date(2025, 9, 20), date(2025, 10, 8)))
def test_a_guard_free_workflow_accepts_its_event_sequences(
        steps: list[tuple[str, Actor, dict[str, object], int]], start: date) -> None:
    """The letter has no guards, so every step of a sequence fires, across the National Day
    holiday and its 调休 weekends."""
    with temp_engine(LETTER, registry=REGISTRY, clock=ManualClock(at(start))) as engine:
        trigger, actor, data, days = steps[0]
        instance = engine.start("letter", actor, data)
        for trigger, actor, data, days in steps[1:]:
            engine.advance(engine.clock.now() + timedelta(days=days))
            instance = engine.fire(instance.id, trigger, actor, data)
        assert instance.closed == (steps[-1][0] == "answer")


def _in_state(engine: Engine, state: str) -> str:
    instance = engine.start("letter", CLERK, SEND)
    if state == "waiting":
        engine.fire(instance.id, "wait", CLERK)
    if state == "answered":
        engine.fire(instance.id, "answer", CLERK, {"answered_on": "2025-09-28"})
    return instance.id


@pytest.mark.parametrize("state", ["open", "waiting", "answered"])
def test_invalid_steps_are_refused_without_trace(state: str) -> None:
    with temp_engine(LETTER, registry=REGISTRY,
                     clock=ManualClock(datetime.combine(TODAY, time(10)))) as engine:
        instance_id = _in_state(engine, state)
        kinds: set[str] = set()

        @settings(profile(), max_examples=max(profile().max_examples, 60), derandomize=True)
        @given(invalid_steps(LETTER, state, REGISTRY, TODAY))
        def refused(step: tuple[str, str, Actor, dict[str, object]]) -> None:
            kind, trigger, actor, data = step
            kinds.add(kind)
            before = dump(engine)
            with pytest.raises(WorkflowError):
                engine.fire(instance_id, trigger, actor, data)
            refused_call_left_no_trace(engine, before)

        refused()
        assert "wrong_state" in kinds  # drawn for certain: enough examples, a fixed seed


def test_invalid_steps_cover_every_kind_where_they_can() -> None:
    """In ``open`` a clerk's trigger can go to the wrong role, ``resume`` is of another state,
    and ``answer`` has a model to refuse data with."""
    kinds: set[str] = set()

    @settings(profile(), max_examples=200, derandomize=True)
    @given(invalid_steps(LETTER, "open", REGISTRY, TODAY))
    def collect(step: tuple[str, str, Actor, dict[str, object]]) -> None:
        kinds.add(step[0])

    collect()
    assert kinds == {"wrong_role", "wrong_state", "malformed_data", "other_trigger_data"}
