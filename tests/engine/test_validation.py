"""Validation finds every problem of a definition and reports them together, each named."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from engine import (
    Clock,
    ClockEffect,
    DefinitionError,
    Registry,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.definition.graph import expand_sources
from engine.definition.validate import validate
from tests.engine import sample
from tests.engine.helpers import make_engine
from tests.engine.test_definition import definitions


class Note(BaseModel):
    text: str


def registry() -> Registry:
    reg = Registry()
    reg.model("Note", Note)
    reg.guard("ok")(lambda ctx: None)
    reg.action("touch")(lambda ctx: None)
    return reg


def T(trigger: str, sources: tuple[str, ...], dest: str | None, **kw: object) -> Transition:
    kw.setdefault("roles", ("staff",))
    return Transition(trigger, sources, dest, **kw)  # type: ignore[arg-type]


REPLY = "reply"
STATES = (
    State("new", Title("新建", "New"), "initial"),
    State("open", Title("办理中", "Open")),
    State("waiting", Title("等待", "Waiting")),
    State("done", Title("办结", "Done"), "terminal"),
    State("dropped", Title("撤回", "Dropped"), "terminal"),
)
TRANSITIONS = (
    T("start", (), "new", data="Note"),
    T("open", ("new",), "open", guards=("ok",), actions=("touch",),
      effects=(ClockEffect(REPLY, "start"),)),
    T("wait", ("open",), "waiting", effects=(ClockEffect(REPLY, "pause"),)),
    T("back", ("waiting",), "open", effects=(ClockEffect(REPLY, "resume"),)),
    T("finish", ("open",), "done", effects=(ClockEffect(REPLY, "stop"),)),
    T("drop", ("new", "open", "waiting"), "dropped"),
    T("expire", ("open",), "dropped", roles=("system",)),
)


def base(**changes: object) -> WorkflowDefinition:
    d = WorkflowDefinition(
        name="tiny", version=3, title=Title("小流程", "Tiny"), states=STATES,
        transitions=TRANSITIONS, roles=("staff",),
        clocks=(Clock(REPLY, 10, reminders=(3,), on_expiry="expire"),))
    return dataclasses.replace(d, **changes)


def problems_of(d: WorkflowDefinition) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        validate(d, registry())
    err = info.value
    assert (err.name, err.version) == (d.name, d.version)
    assert f"{d.name} v{d.version}" in str(err)
    assert all(p in str(err) for p in err.problems)
    return list(err.problems)


def has(problems: list[str], *words: str) -> bool:
    """Some single problem mentions every one of ``words``."""
    return any(all(w in p for w in words) for p in problems)


def add_states(*states: State) -> tuple[State, ...]:
    return STATES + states


def add(*transitions: Transition) -> tuple[Transition, ...]:
    return TRANSITIONS + transitions


def test_base_definitions_are_valid() -> None:
    validate(base(), registry())
    validate(sample.definition(), sample.make_registry())


# Each case: a change that introduces one problem, and the words naming it.
CASES: dict[str, tuple[Callable[[], WorkflowDefinition], tuple[str, ...]]] = {
    "unknown destination": (lambda: base(transitions=add(T("lose", ("open",), "limbo"))),
                            ("'lose'", "unknown", "'limbo'")),
    "unknown source": (lambda: base(transitions=add(T("find", ("limbo",), "open"))),
                       ("'find'", "unknown", "'limbo'")),
    "no initial state": (lambda: base(states=(dataclasses.replace(STATES[0], kind="normal"),
                                              *STATES[1:])),
                         ("initial",)),
    "several initial states": (lambda: base(states=add_states(State("new2", kind="initial"))),
                               ("initial", "new2")),
    "unreachable state": (lambda: base(states=add_states(State("orphan")),
                                       transitions=add(T("leave", ("orphan",), "done"))),
                          ("'orphan'", "unreachable")),
    "trap state": (lambda: base(states=add_states(State("trap")),
                                transitions=add(T("stick", ("waiting",), "trap"))),
                   ("'trap'", "terminal")),
    "terminal state with an exit": (lambda: base(transitions=add(T("reopen", ("done",), "open"))),
                                    ("'reopen'", "'done'", "exit")),
    "unknown guard": (lambda: base(transitions=add(T("peek", ("open",), None,
                                                     guards=("no_such_guard",)))),
                      ("'peek'", "guard", "'no_such_guard'")),
    "unknown action": (lambda: base(transitions=add(T("poke", ("open",), None,
                                                      actions=("no_such_action",)))),
                       ("'poke'", "action", "'no_such_action'")),
    "unknown data model": (lambda: base(transitions=add(T("say", ("open",), None,
                                                          data="NoSuchModel"))),
                           ("'say'", "model", "'NoSuchModel'")),
    "duplicate trigger without distinguishing guards": (
        lambda: base(transitions=add(T("finish", ("open",), "dropped"))),
        ("'open'", "'finish'", "guards")),
    "duplicate trigger with the same guards": (
        lambda: base(transitions=add(T("open", ("new",), "dropped", guards=("ok",)))),
        ("'new'", "'open'", "guards")),
    "effect on an unknown clock": (
        lambda: base(transitions=add(T("tick", ("open",), None,
                                       effects=(ClockEffect("nope", "pause"),)))),
        ("'tick'", "unknown clock", "'nope'")),
    "entry effect on an unknown clock": (
        lambda: base(states=(*STATES[:2], dataclasses.replace(
            STATES[2], effects=(ClockEffect("nope", "stop"),)), *STATES[3:])),
        ("'waiting'", "unknown clock", "'nope'")),
    "resume of a clock never paused": (
        lambda: base(transitions=add(T("nudge", ("open",), None,
                                       effects=(ClockEffect(REPLY, "resume"),)))),
        ("'nudge'", "'reply'", "never paused")),
    "expiry trigger not valid where the clock runs": (
        lambda: base(states=add_states(State("review")),
                     transitions=add(T("check", ("open",), "review"),
                                     T("pass", ("review",), "done"))),
        ("'reply'", "'expire'", "'review'")),
    "expiry trigger the system may not fire": (
        lambda: base(transitions=(*TRANSITIONS[:-1], T("expire", ("open",), "dropped"))),
        ("'reply'", "system", "'expire'")),
    "expiry trigger not defined": (
        lambda: base(clocks=(Clock(REPLY, 10, on_expiry="vanish"),)),
        ("'reply'", "'vanish'")),
    "reminder outside the period": (
        lambda: base(clocks=(Clock(REPLY, 10, reminders=(10,), on_expiry="expire"),)),
        ("'reply'", "reminders")),
    "extend without an amount": (
        lambda: base(transitions=add(T("more", ("open",), None,
                                       effects=(ClockEffect(REPLY, "extend"),)))),
        ("'more'", "extend")),
    "unknown role": (lambda: base(transitions=add(T("peek", ("open",), None,
                                                    roles=("janitor",)))),
                     ("'peek'", "role", "'janitor'")),
    "unknown role on the start transition": (
        lambda: base(transitions=tuple(
            dataclasses.replace(t, roles=("nobody",)) if t.trigger == "start" else t
            for t in TRANSITIONS)),
        ("'start'", "role", "'nobody'")),
    "duplicate state": (lambda: base(states=add_states(State("open"))), ("'open'", "twice")),
    "no start transition": (lambda: base(start_trigger="begin"), ("'begin'",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_problem_is_named(case: str) -> None:
    make, words = CASES[case]
    problems = problems_of(make())
    assert has(problems, *words), problems


def test_every_problem_is_reported_at_once() -> None:
    """One definition with one problem of each kind: one error lists them all."""
    d = base(
        states=add_states(State("orphan"), State("trap"), State("review")),
        transitions=add(
            T("lose", ("open",), "limbo"),                                    # unknown state
            T("leave", ("orphan",), "done"),                                  # orphan unreachable
            T("stick", ("waiting",), "trap"),                                 # trap: no way out
            T("reopen", ("dropped",), "open"),                                # terminal exit
            T("peek", ("open",), None, guards=("no_such_guard",),
              actions=("no_such_action",), data="NoSuchModel"),               # unknown names
            T("finish", ("open",), "dropped"),                                # duplicate trigger
            T("tick", ("open",), None, effects=(ClockEffect("nope", "pause"),)),  # unknown clock
            T("nudge", ("new",), None, effects=(ClockEffect(REPLY, "resume"),)),  # never paused
            T("check", ("open",), "review"), T("pass", ("review",), "done"),  # expiry invalid
        ))
    problems = problems_of(d)
    expected = [
        ("'lose'", "'limbo'"),
        ("'orphan'", "unreachable"),
        ("'trap'", "terminal"),
        ("'reopen'", "'dropped'", "exit"),
        ("'peek'", "'no_such_guard'"),
        ("'peek'", "'no_such_action'"),
        ("'peek'", "'NoSuchModel'"),
        ("'open'", "'finish'", "guards"),
        ("'tick'", "'nope'"),
        ("'nudge'", "'reply'", "never paused"),
        ("'reply'", "'expire'", "'review'"),
    ]
    missing = [words for words in expected if not has(problems, *words)]
    assert not missing, f"not reported: {missing}\nreported: {problems}"


def test_no_initial_state_is_reported_with_the_other_problems() -> None:
    d = base(states=(dataclasses.replace(STATES[0], kind="normal"), *STATES[1:]),
             transitions=add(T("reopen", ("done",), "open"),
                             T("peek", ("open",), None, guards=("no_such_guard",))))
    problems = problems_of(d)
    assert has(problems, "initial")
    assert has(problems, "'reopen'", "'done'")
    assert has(problems, "'no_such_guard'")


def test_registering_an_invalid_definition_raises_and_stores_nothing(db_url: str) -> None:
    engine = make_engine(db_url, register=False)
    bad = dataclasses.replace(sample.definition(), transitions=sample.TRANSITIONS + (
        Transition("reopen", ("approved",), "draft", roles=("clerk",)),))
    with pytest.raises(DefinitionError) as info:
        engine.register(bad)
    assert has(list(info.value.problems), "'reopen'", "'approved'")
    assert engine.definitions.names() == []


def test_any_state_source_gives_every_state_a_way_out() -> None:
    """``*`` expands to every non-terminal state, so a state left only by it is no trap."""
    drop_anywhere = tuple(T("drop", ("*",), "dropped") if t.trigger == "drop" else t
                          for t in TRANSITIONS)
    d = base(states=add_states(State("limbo")),
             transitions=drop_anywhere + (T("stick", ("waiting",), "limbo"),))
    validate(d, registry())
    assert "limbo" in expand_sources(d, drop_anywhere[5])
    assert "done" not in expand_sources(d, drop_anywhere[5])


def test_guards_that_distinguish_a_shared_trigger_are_fine() -> None:
    """The sample's ``approve`` from ``submitted`` has two branches told apart by guards."""
    d = sample.definition()
    pairs = [(t.sources, t.guards) for t in d.transitions if t.trigger == "approve"]
    assert (("submitted",), ("within_limit",)) in pairs
    assert (("submitted",), ("over_limit",)) in pairs
    validate(d, sample.make_registry())



state_names = st.sampled_from(["new", "open", "waiting", "done", "limbo"])
triggers = st.sampled_from(["open", "wait", "back", "finish", "expire", "drop"])
clock_effects = st.builds(ClockEffect, clock=st.sampled_from([REPLY, "nope"]),
                          op=st.sampled_from(["start", "pause", "resume", "extend", "stop"]),
                          by=st.none() | st.just(2))


@st.composite
def near_valid(draw: st.DrawFn) -> WorkflowDefinition:
    """Definitions with an initial state and a start transition, otherwise anything goes."""
    kinds = st.sampled_from(["normal", "terminal"])
    states = (State("new", kind="initial"),) + tuple(
        State(n, kind=draw(kinds), effects=tuple(draw(st.lists(clock_effects, max_size=1))))
        for n in ("open", "waiting", "done"))
    transitions = (T("start", (), "new"),) + tuple(draw(st.lists(st.builds(
        T, triggers, st.lists(state_names | st.just("*"), min_size=1, max_size=2).map(tuple),
        st.none() | state_names, effects=st.lists(clock_effects, max_size=2).map(tuple),
        guards=st.sampled_from([(), ("ok",), ("no_such_guard",)])), max_size=8)))
    on_expiry = draw(st.none() | triggers)
    return base(states=states, transitions=transitions,
                clocks=(Clock(REPLY, 10, on_expiry=on_expiry),))


@settings(max_examples=150, deadline=None)
@given(definitions() | near_valid())
def test_validation_of_any_definition_raises_only_definition_error(d: WorkflowDefinition) -> None:
    """Whatever an agency writes, it gets a list of problems, never a crash."""
    try:
        validate(d, registry())
    except DefinitionError as err:
        assert err.problems


@pytest.mark.parametrize("field", ["sources", "roles", "guards", "actions", "separate_from"])
def test_a_name_list_given_as_a_string_is_named_not_read_letter_by_letter(field: str) -> None:
    d = base()
    broken = tuple(dataclasses.replace(t, **{field: "draft"}) if t.trigger == "finish" else t
                   for t in d.transitions)
    with pytest.raises(DefinitionError) as caught:
        validate(dataclasses.replace(d, transitions=broken), registry())
    assert caught.value.problems == (
        f"transitions[4] ('finish').{field}: must be a tuple of names, not the string 'draft'",)
