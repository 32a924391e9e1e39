"""Definitions are data: they dump to JSON and load back exactly, and they are immutable values."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    Clock,
    ClockEffect,
    DefinitionError,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.definition.io import (
    definition_digest,
    definition_from_dict,
    definition_from_json,
    definition_to_json,
)
from tests.engine import sample


def test_sample_round_trips_through_json_exactly() -> None:
    d = sample.definition()
    text = definition_to_json(d)
    back = definition_from_json(text)
    assert back == d
    assert definition_to_json(back) == text
    assert definition_digest(back) == definition_digest(d)
    # every element survives, not just the ones equality happens to look at
    assert back.state("draft").title == Title("草稿", "Draft")
    assert back.clock("review").reminders == (2,)
    assert [t.guards for t in back.transitions if t.trigger == "approve"] == [
        ("within_limit",), ("over_limit",), ()]


def test_json_is_canonical_and_keeps_chinese_readable() -> None:
    text = definition_to_json(sample.definition())
    assert "采购审批" in text  # not \u-escaped
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))


def test_digest_changes_with_any_content() -> None:
    d = sample.definition()
    renamed = dataclasses.replace(d, states=(
        dataclasses.replace(d.states[0], title=Title("草稿箱", "Draft")), *d.states[1:]))
    assert definition_digest(renamed) != definition_digest(d)
    assert definition_digest(d.with_version(2)) != definition_digest(d)
    assert definition_digest(sample.definition()) == definition_digest(d)


def test_definitions_are_immutable() -> None:
    d = sample.definition()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.version = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.states[0].name = "other"  # type: ignore[misc]


def test_loading_accepts_short_forms() -> None:
    """Hand-written JSON may use a plain string title and a single source state."""
    raw = {
        "name": "tiny", "version": 1, "title": "小流程",
        "states": [{"name": "a", "kind": "initial", "title": "甲"},
                   {"name": "b", "kind": "terminal"}],
        "transitions": [{"trigger": "start", "sources": [], "dest": "a"},
                        {"trigger": "go", "sources": "a", "dest": "b"}],
    }
    d = definition_from_dict(raw)
    assert d.title == Title("小流程", "")
    assert d.state("a").title == Title("甲", "")
    assert d.transitions[1].sources == ("a",)
    assert definition_from_json(definition_to_json(d)) == d


def test_loading_reports_every_shape_problem() -> None:
    raw = {
        "name": "broken", "version": 0,
        "states": [{"kind": "initial"}, {"name": "b", "title": 5}],
        "transitions": [{"trigger": "go"},
                        {"trigger": "x", "sources": ["b"], "effects": [{"clock": "c"}]}],
        "clocks": [{"name": "c"}],
    }
    with pytest.raises(DefinitionError) as info:
        definition_from_dict(raw)
    problems = info.value.problems
    assert info.value.name == "broken"
    assert problems == (
        "version: must be a whole number of at least 1, not 0",
        "states[0]: missing key 'name'",                              # state without a name
        "states[1] ('b').title: must be a string or an object with zh and en, not int",
        "transitions[0] ('go'): missing key 'dest'",                 # no sources, no dest
        "transitions[0] ('go'): missing key 'sources'",
        "transitions[1] ('x'): missing key 'dest'",
        "transitions[1] ('x').effects[0]: missing key 'op'",          # effect without an op
        "clocks[0] ('c'): missing key 'length'",                      # clock without a length
    )


# -- generated definitions ---------------------------------------------------------------

names = st.text(alphabet="abcxyz_审核公开", min_size=1, max_size=6)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
titles = st.builds(Title, texts, texts)
effects = st.builds(
    ClockEffect, clock=names, op=st.sampled_from(["start", "pause", "resume", "restart",
                                                   "extend", "stop"]),
    date_field=st.none() | names, by=st.none() | st.integers(1, 30),
    max_times=st.none() | st.integers(1, 3), length_field=st.none() | names)
json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | texts
settings_values = st.dictionaries(names, json_scalars | st.lists(json_scalars, max_size=3),
                                  max_size=3)


@st.composite
def definitions(draw: st.DrawFn) -> WorkflowDefinition:
    state_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    states = tuple(
        State(n, draw(titles), draw(st.sampled_from(["initial", "normal", "terminal"])),
              tuple(draw(st.lists(effects, max_size=2))))
        for n in state_names)
    tuples = st.lists(names, max_size=3).map(tuple)
    transitions = tuple(draw(st.lists(st.builds(
        Transition, trigger=names,
        sources=st.lists(st.sampled_from([*state_names, "*"]), max_size=3).map(tuple),
        dest=st.none() | st.sampled_from(state_names), roles=tuples, guards=tuples,
        actions=tuples, data=st.none() | names, data_key=st.none() | names,
        merge_data=st.booleans(), effects=st.lists(effects, max_size=2).map(tuple),
        title=titles), max_size=6)))
    clocks = tuple(draw(st.lists(st.builds(
        Clock, name=names, length=st.integers(1, 60),
        unit=st.sampled_from(["working_days", "calendar_days"]), title=titles,
        reminders=st.lists(st.integers(1, 59), max_size=3).map(tuple),
        on_expiry=st.none() | names), max_size=2)))
    return WorkflowDefinition(
        name=draw(names), version=draw(st.integers(1, 10**6)), title=draw(titles),
        states=states, transitions=transitions, roles=draw(tuples), clocks=clocks,
        start_trigger=draw(names), description=draw(texts), settings=draw(settings_values))


@settings(max_examples=150, deadline=None)
@given(definitions())
def test_generated_definitions_round_trip_exactly(d: WorkflowDefinition) -> None:
    text = definition_to_json(d)
    back = definition_from_json(text)
    assert back == d
    assert definition_to_json(back) == text
    assert definition_from_dict(json.loads(text)) == d
