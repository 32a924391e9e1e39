"""Definitions are checked completely before anything is stored (issue 13, kind 7).

A definition that would break every ``start()`` later (a version that is not a whole number, a
register number template that cannot number a request, a setting of the wrong type) is refused at
registration with one :class:`DefinitionError` listing every problem; the JSON form has a strict
schema (every key known, every value of its type, required keys present), and no JSON value makes
loading raise anything else. Validation takes time linear in the definition's size.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workflows
from engine import DefinitionError, Engine, State, Title, Transition, WorkflowDefinition
from engine.definition.io import definition_from_dict, definition_from_json, definition_to_dict
from engine.definition.schema import NAME_LIMIT, RECORDS
from engine.definition.validate import validate
from engine.testing import dump
from tests.engine import sample
from tests.engine.definition_edits import setting
from tests.engine.helpers import make_engine
from workflows import disclosure_request

Raw = dict[str, Any]


def _raw() -> Raw:
    return definition_to_dict(sample.definition(2))


def _drop(path: str) -> Callable[[Raw], None]:
    def mutate(raw: Raw) -> None:
        *head, last = path.split(".")
        target: Any = raw
        for key in head:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]
    return mutate


JSON_CASES: list[tuple[str, Callable[[Raw], None], str]] = [
    ("version as text", setting("version", "2"), "version: must be a whole number of at least 1"),
    ("version fractional", setting("version", 2.5), "not 2.5"),
    ("version true", setting("version", True), "not True"),
    ("version zero", setting("version", 0), "version: must be a whole number of at least 1, not 0"),
    ("merge_data as text", setting("transitions.1.merge_data", "false"),
     "transitions[1] ('submit').merge_data: must be true or false, not 'false'"),
    ("unknown key in a state", setting("states.1.gaurds", []),
     "states[1] ('submitted'): unknown key 'gaurds'"),
    ("unknown top-level key", setting("statse", []), "definition: unknown key 'statse'"),
    ("missing name", _drop("name"), "definition: missing key 'name'"),
    ("guards as a string", setting("transitions.1.guards", "abc"),
     "transitions[1] ('submit').guards: must be a list of names, not the string 'abc'"),
    ("roles as a number", setting("roles", 5), "roles: must be a list of names, not int"),
    ("state kind unknown", setting("states.0.kind", "start"), "must be one of initial, normal"),
    ("state is a list", setting("states.0", ["draft"]), "states[0]: must be an object, not list"),
    ("transition is null", setting("transitions.0", None),
     "transitions[0]: must be an object, not null"),
    ("missing dest", _drop("transitions.1.dest"), "transitions[1] ('submit'): missing key 'dest'"),
    ("clock length as text", setting("clocks.0.length", "5"),
     "clocks[0] ('review').length: must be a whole number of at least 0, not '5'"),
    ("clock family as text", setting("clocks.0.family", "yes"), "family: must be true or false"),
    ("reminder true", setting("clocks.0.reminders", [True]),
     "reminders[0]: must be a whole number"),
    ("title a number", setting("title", 7), "title: must be a string or an object with zh and en"),
    ("title with an unknown key", setting("title", {"zh": "甲", "fr": "a"}),
     "title: unknown key 'fr'"),
    ("empty trigger", setting("transitions.1.trigger", " "),
     "transitions[1] (' ').trigger: must be a non-empty string"),
    ("name too long", setting("name", "x" * (NAME_LIMIT + 1)),
     f"name: has at most {NAME_LIMIT} characters"),
    ("settings a list", setting("settings", [1]), "settings: must be an object, not list"),
    ("settings NaN", setting("settings", {"limit": float("nan")}),
     "NaN is not a number JSON allows"),
    ("settings nested deep", setting("settings", {"a": json.loads("[" * 40 + "]" * 40)}),
     "nests deeper than"),
    ("description a list", setting("description", ["a"]), "description: must be a string"),
    ("effect op unknown", setting("clocks.0", {"name": "review", "length": 3, "bogus": 1}),
     "clocks[0] ('review'): unknown key 'bogus'"),
]


@pytest.mark.parametrize(("mutate", "expected"), [c[1:] for c in JSON_CASES],
                         ids=[c[0] for c in JSON_CASES])
def test_bad_json_is_refused_naming_the_problem_and_nothing_is_stored(
        tmp_path: Path, mutate: Callable[[Raw], None], expected: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'g.db'}")
    before = dump(engine)
    raw = _raw()
    mutate(raw)
    with pytest.raises(DefinitionError) as info:
        engine.register(definition_from_json(json.dumps(raw)))
    assert expected in str(info.value)
    assert dump(engine) == before


def test_every_problem_is_reported_at_once() -> None:
    raw = _raw()
    for mutate in (setting("version", "2"), setting("transitions.1.merge_data", "false"),
                   setting("states.1.gaurds", []), _drop("name")):
        mutate(raw)
    with pytest.raises(DefinitionError) as info:
        definition_from_dict(raw)
    assert len(info.value.problems) == 4
    assert info.value.name == "(unnamed)" and info.value.version is None


def _replace_transition(d: WorkflowDefinition, i: int, **changes: Any) -> WorkflowDefinition:
    ts = list(d.transitions)
    ts[i] = dataclasses.replace(ts[i], **changes)
    return dataclasses.replace(d, transitions=tuple(ts))


PY_CASES: list[tuple[str, Callable[[WorkflowDefinition], Any], str]] = [
    ("version as text", lambda d: dataclasses.replace(d, version="2"),
     "version: must be a whole number of at least 1, not '2'"),
    ("version fractional", lambda d: dataclasses.replace(d, version=2.5), "not 2.5"),
    ("version true", lambda d: dataclasses.replace(d, version=True), "not True"),
    ("merge_data as text", lambda d: _replace_transition(d, 1, merge_data="false"),
     "transitions[1] ('submit').merge_data: must be true or false"),
    ("guards as a string", lambda d: _replace_transition(d, 1, guards="abc"),
     "guards: must be a tuple of names, not the string 'abc'"),
    ("roles as a list", lambda d: _replace_transition(d, 1, roles=["clerk"]),
     "roles: must be a tuple of names, not list"),
    ("a state as a dict", lambda d: dataclasses.replace(d, states=({"name": "x"}, *d.states)),
     "states[0]: must be a State, not dict"),
    ("a title as a string", lambda d: dataclasses.replace(d, title="采购"),
     "title: must be a Title, not str"),
    ("no name", lambda d: dataclasses.replace(d, name=None),
     "name: must be a non-empty string, not None"),
    ("settings with a set", lambda d: dataclasses.replace(d, settings={"x": {1, 2}}),
     "must be a JSON value, not set"),
    ("settings key not a string", lambda d: dataclasses.replace(d, settings={1: "a"}),
     "key 1 must be a string"),
    ("a label field that is no name", lambda d: dataclasses.replace(
        d, settings={"label_field": ""}), "settings.label_field: must be a non-empty string"),
    ("a state name with a line break", lambda d: dataclasses.replace(
        d, states=(State("a\nb"), *d.states)), "may not contain control characters"),
    ("the definition is not one", lambda d: {"name": "purchase"},
     "definition: must be a WorkflowDefinition, not dict"),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in PY_CASES],
                         ids=[c[0] for c in PY_CASES])
def test_bad_python_definitions_are_refused_at_registration_and_nothing_is_stored(
        db_url: str, build: Callable[[WorkflowDefinition], Any], expected: str) -> None:
    engine = make_engine(db_url)
    before = dump(engine)
    with pytest.raises(DefinitionError) as info:
        engine.register(build(sample.definition(2)))
    assert expected in str(info.value)
    assert dump(engine) == before
    assert engine.definition("purchase").version == 1


@pytest.mark.parametrize(("template", "expected"), [
    ("{year}-{seq}-{x}", "has field {x}"),
    ("{year}-{seq:s}", "takes no format"),
    ("no fields", "must contain"),
    ("{year", "cannot number a request"),
])
def test_a_register_number_template_that_cannot_number_is_refused_at_registration(
        tmp_path: Path, template: str, expected: str) -> None:
    """A template no ``register`` could use would make every start fail (登记制): refused up
    front, by rendering a sample number."""
    engine = Engine(f"sqlite:///{tmp_path / 'g.db'}")
    disclosure_request.register(engine)
    good = disclosure_request.definition(2)
    before = dump(engine)
    bad = dataclasses.replace(good, settings={**good.settings,
                                              "register_number_template": template})
    with pytest.raises(DefinitionError) as info:
        engine.register(bad)
    assert "settings.register_number_template" in str(info.value)
    assert expected in str(info.value)
    assert dump(engine) == before
    flag = dataclasses.replace(good, settings={**good.settings, "fee_pauses_reply": "false"})
    with pytest.raises(DefinitionError, match="settings.fee_pauses_reply"):
        engine.register(flag)
    assert dump(engine) == before


def test_a_good_own_template_still_registers(tmp_path: Path) -> None:
    engine = Engine(f"sqlite:///{tmp_path / 'g.db'}")
    disclosure_request.register(engine, disclosure_request.definition(
        2, register_number_template="依申〔{year}〕{seq:05d}号"))
    assert engine.definition("disclosure_request").version == 2


@pytest.mark.parametrize("text", ["[]", "null", "3", '"x"', "[" * 100_000, "{", "{\"a\": NaN}",
                                  '{"name": "x", "version": 1, "states": {}, "transitions": ""}'])
def test_any_json_text_raises_only_definition_error(text: str) -> None:
    with pytest.raises(DefinitionError):
        definition_from_json(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["name", "version", "states", "transitions", "kind", "trigger",
                         "sources", "dest", "title", "zh", "clocks", "effects", "settings",
                         "x"]), inner, max_size=5),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_no_json_value_raises_anything_but_definition_error(raw: Any) -> None:
    try:
        d = definition_from_dict(raw)
    except DefinitionError as exc:
        assert exc.problems
        return
    try:
        validate(d)
    except DefinitionError:
        pass


def test_the_schema_names_every_field_of_the_dataclasses() -> None:
    """A field added to a dataclass but not to the schema would go unchecked."""
    for rec in RECORDS:
        assert set(rec.checks) == {f.name for f in dataclasses.fields(rec.cls)}, rec.cls


def test_the_built_in_workflows_still_register(tmp_path: Path) -> None:
    engine = Engine(f"sqlite:///{tmp_path / 'g.db'}")
    workflows.register_all(engine)
    for d in workflows.definitions():
        assert engine.definition(d.name, d.version) == d
        assert definition_from_json(json.dumps(definition_to_dict(d))) == d


# -- linear validation ---------------------------------------------------------------------

def chain(n: int) -> WorkflowDefinition:
    """``n`` states in a line, each left by one trigger, and a ``cancel`` from anywhere."""
    states = tuple(State(f"s{i}", Title(f"第{i}步"),
                         "initial" if i == 0 else "terminal" if i == n - 1 else "normal")
                   for i in range(n))
    steps = tuple(Transition(f"go{i}", (f"s{i}",), f"s{i + 1}", roles=("clerk",))
                  for i in range(n - 1))
    return WorkflowDefinition(
        "chain", 1, Title("长流程"), states,
        (Transition("start", (), "s0", roles=("clerk",)), *steps,
         Transition("cancel", ("*",), f"s{n - 1}", roles=("clerk",))), roles=("clerk",))


def _validation_seconds(d: WorkflowDefinition) -> float:
    best = float("inf")
    for _ in range(2):
        began = time.perf_counter()
        validate(d)
        definition_from_dict(definition_to_dict(d))
        best = min(best, time.perf_counter() - began)
    return best


def test_validation_takes_time_linear_in_the_number_of_states() -> None:
    """10x the states may take at most 20x the time (a quadratic check would take ~100x)."""
    small, large = chain(2_000), chain(20_000)
    small_time, large_time = _validation_seconds(small), _validation_seconds(large)
    assert large_time < 20 * small_time, (small_time, large_time)


def test_a_large_definition_registers(tmp_path: Path) -> None:
    engine = Engine(f"sqlite:///{tmp_path / 'g.db'}")
    engine.register(chain(5_000))
    assert engine.definition("chain").state("s4999").kind == "terminal"
