"""Every instance is pinned to its definition version, also across engines and processes."""

from __future__ import annotations

import dataclasses

import pytest

from engine import (
    DefinitionError,
    InvalidTransition,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.definition.io import definition_to_json
from engine.errors import PermissionDenied
from tests.engine import sample
from tests.engine.helpers import CLERK, MANAGER, make_engine

V1 = sample.definition(1)


def version_2() -> WorkflowDefinition:
    """Version 2 puts a check between draft and submit (and only a manager may check)."""
    transitions = tuple(t for t in V1.transitions if t.trigger != "submit") + (
        Transition("check", ("draft",), "checked", roles=("manager",)),
        Transition("submit", ("checked",), "submitted", roles=("clerk",), actions=("notify",),
                   effects=V1.transitions[1].effects),
    )
    states = V1.states[:1] + (State("checked", Title("已核对", "Checked")),) + V1.states[1:]
    return dataclasses.replace(V1, version=2, states=states, transitions=transitions)


ITEM = {"item": "lamp", "amount": 40}


def test_new_instances_start_on_the_latest_version(db_url: str) -> None:
    engine = make_engine(db_url)
    old = engine.start("purchase", CLERK, ITEM)
    engine.register(version_2())
    new = engine.start("purchase", CLERK, ITEM)
    assert (old.definition_version, new.definition_version) == (1, 2)
    assert engine.definition("purchase").version == 2
    assert engine.available_triggers(old.id) == ["cancel", "submit"]
    assert engine.available_triggers(new.id) == ["cancel", "check"]


def test_old_instances_keep_running_on_their_version(db_url: str) -> None:
    engine = make_engine(db_url)
    old = engine.start("purchase", CLERK, ITEM)
    engine.register(version_2())
    new = engine.start("purchase", CLERK, ITEM)

    assert engine.fire(old.id, "submit", CLERK).state == "submitted"
    with pytest.raises(InvalidTransition) as info:
        engine.fire(new.id, "submit", CLERK)
    assert info.value.valid == ("cancel", "check")
    engine.fire(new.id, "check", MANAGER)
    assert engine.fire(new.id, "submit", CLERK).state == "submitted"


def test_a_fresh_engine_loads_the_stored_old_version(db_url: str) -> None:
    """A new process that registers only version 2 still runs version-1 instances by version 1."""
    engine = make_engine(db_url)
    old = engine.start("purchase", CLERK, ITEM)

    fresh = make_engine(db_url, register=False)
    fresh.register(version_2())
    assert fresh.definition("purchase", 1) == V1
    assert definition_to_json(fresh.definition("purchase", 1)) == definition_to_json(V1)
    assert fresh.available_triggers(old.id) == ["cancel", "submit"]
    assert fresh.fire(old.id, "submit", CLERK).state == "submitted"
    with pytest.raises(PermissionDenied):
        fresh.fire(old.id, "hold", CLERK)  # v1's roles apply
    assert fresh.fire(old.id, "approve", MANAGER, {"note": "ok"}).state == "approved"
    assert fresh.get(old.id).definition_version == 1

    new = fresh.start("purchase", CLERK, ITEM)
    assert new.definition_version == 2
    # and the first engine, which never registered version 2, starts on it too
    assert engine.start("purchase", CLERK, ITEM).definition_version == 2


def test_a_fresh_engine_without_any_registration_runs_everything(db_url: str) -> None:
    engine = make_engine(db_url)
    old = engine.start("purchase", CLERK, ITEM)
    engine.register(version_2())
    fresh = make_engine(db_url, register=False)
    assert fresh.start("purchase", CLERK, ITEM).definition_version == 2
    assert fresh.fire(old.id, "submit", CLERK).definition_version == 1
    assert fresh.definitions.names() == [("purchase", 1), ("purchase", 2)]


def test_re_registering_a_version(db_url: str) -> None:
    engine = make_engine(db_url)
    assert engine.register(sample.definition(1)) == V1  # the same content again is fine
    changed = dataclasses.replace(V1, roles=("clerk", "manager", "director", "auditor"))
    with pytest.raises(DefinitionError) as info:
        engine.register(changed)
    assert (info.value.name, info.value.version) == ("purchase", 1)
    assert "new version" in str(info.value)
    with pytest.raises(DefinitionError):
        make_engine(db_url, register=False).register(changed)  # also from another engine
    assert engine.definition("purchase", 1) == V1
    assert make_engine(db_url, register=False).definition("purchase", 1) == V1


def test_registering_an_older_version_after_a_newer_one(db_url: str) -> None:
    engine = make_engine(db_url, register=False)
    engine.register(version_2())
    engine.register(V1)
    assert engine.definition("purchase").version == 2
    assert engine.start("purchase", CLERK, ITEM).definition_version == 2
