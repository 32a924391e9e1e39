"""Workflow-qualified names (``Registry(prefix=...)``): one engine registry holds every workflow's
guards, actions and models, and a clash is a DefinitionError naming both owners."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from engine import DefinitionError, Registry
from engine.transition.registry import qualify as qualified
from workflows import disclosure_request


def test_qualified() -> None:
    assert qualified("review", "once") == "review.once"
    assert qualified("review", "disclosure_request.set_outcome") == "disclosure_request.set_outcome"
    assert qualified("", "once") == "once"  # a registry without a prefix keeps names as given


@pytest.mark.parametrize(("prefix", "name"), [("a.b", "x"), ("a", ""),
                                              (None, "x"), ("a", None)])
def test_qualified_refuses_empty_or_dotted_prefixes_and_empty_names(prefix: Any,
                                                                    name: Any) -> None:
    with pytest.raises(ValueError):
        qualified(prefix, name)


def test_prefixed_registers_qualified_names() -> None:
    named = reg = Registry(prefix="review")

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
    first, second = (lambda ctx: None), (lambda ctx: "no")
    one, two = Registry(prefix="disclosure_request"), Registry(prefix="review")
    one.guard("once")(first)
    two.guard("once")(second)
    reg = Registry()
    reg.update(one)
    reg.update(two)
    assert reg.guards == {"disclosure_request.once": first, "review.once": second}
    clash = Registry(prefix="review")
    clash.guard("once")(first)
    with pytest.raises(DefinitionError, match="registered to both") as caught:
        reg.update(clash)
    message = str(caught.value)
    assert "review.once" in message and message.count("test_two_workflows_may_use") == 2


def test_prefixed_refuses_a_bad_prefix_at_once() -> None:
    with pytest.raises(ValueError):
        Registry(prefix="a.b")


def test_the_disclosure_request_registers_and_names_only_qualified_names() -> None:
    """Its rules, models and definition agree on ``disclosure_request.<name>`` throughout."""
    reg = disclosure_request.registry()
    for table in (reg.guards, reg.actions, reg.models):
        assert table and all(name.startswith("disclosure_request.") for name in table)
    used: dict[str, set[str]] = {"guards": set(), "actions": set(), "models": set()}
    settings = (disclosure_request.definition(), disclosure_request.definition(
        convenience_required=False))  # which names the convenience-optional models
    for t in (t for d in settings for t in d.transitions):
        used["guards"].update(t.guards)
        used["actions"].update(t.actions)
        used["models"].update([t.data] if t.data else [])
    used["models"].add("disclosure_request.settings")  # checks the definition's settings
    assert used == {"guards": set(reg.guards), "actions": set(reg.actions),
                    "models": set(reg.models)}
