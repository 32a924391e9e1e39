"""Workflow-qualified names: one registry holds every workflow's guards, actions and models."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from engine import Registry
from workflows import disclosure_request
from workflows.common.names import prefixed, qualified


def test_qualified() -> None:
    assert qualified("review", "once") == "review.once"
    assert qualified("review", "disclosure_request.set_outcome") == "disclosure_request.set_outcome"


@pytest.mark.parametrize(("prefix", "name"), [("", "x"), ("a.b", "x"), ("a", ""),
                                              (None, "x"), ("a", None)])
def test_qualified_refuses_empty_or_dotted_prefixes_and_empty_names(prefix: Any,
                                                                    name: Any) -> None:
    with pytest.raises(ValueError):
        qualified(prefix, name)


def test_prefixed_registers_qualified_names() -> None:
    reg = Registry()
    named = prefixed(reg, "review")

    @named.guard("once")
    def once(ctx: object) -> None:
        return None

    @named.action("set_outcome")
    def set_outcome(ctx: object) -> None:
        return None

    named.action("disclosure_request.note")(set_outcome)
    named.model("approve", BaseModel)
    assert reg.guards == {"review.once": once}
    assert reg.actions == {"review.set_outcome": set_outcome,
                           "disclosure_request.note": set_outcome}
    assert reg.models == {"review.approve": BaseModel}


def test_two_workflows_may_use_the_same_bare_name() -> None:
    reg = Registry()
    first, second = (lambda ctx: None), (lambda ctx: "no")
    prefixed(reg, "disclosure_request").guard("once")(first)
    prefixed(reg, "review").guard("once")(second)
    assert reg.guards == {"disclosure_request.once": first, "review.once": second}
    with pytest.raises(ValueError, match="already registered"):
        prefixed(reg, "review").guard("once")(first)


def test_prefixed_refuses_a_bad_prefix_at_once() -> None:
    with pytest.raises(ValueError):
        prefixed(Registry(), "a.b")


def test_the_disclosure_request_registers_and_names_only_qualified_names() -> None:
    """Its rules, models and definition agree on ``disclosure_request.<name>`` throughout."""
    reg = disclosure_request.registry()
    for table in (reg.guards, reg.actions, reg.models):
        assert table and all(name.startswith("disclosure_request.") for name in table)
    used: dict[str, set[str]] = {"guards": set(), "actions": set(), "models": set()}
    for t in disclosure_request.definition().transitions:
        used["guards"].update(t.guards)
        used["actions"].update(t.actions)
        used["models"].update([t.data] if t.data else [])
    assert used == {"guards": set(reg.guards), "actions": set(reg.actions),
                    "models": set(reg.models)}
