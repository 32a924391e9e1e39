"""Roles nobody may simply claim: the engine's ``system`` role, and roles bound to one actor.

``system`` is the role the engine's timers and schedules act in. An actor that names it
(``Actor("anyone", "system")``) is refused with ``PermissionDenied`` (rule "reserved role"), and
only ``engine.SYSTEM`` and actors an embedding system grants it (``engine.grant_system``) act in
it. A definition's ``bound_roles`` setting ties a role to the actor id an instance records (e.g.
a request's own applicant); anybody else claiming the role is refused (rule "not the <role>").
Every refusal leaves every table as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from engine import (
    SYSTEM,
    Actor,
    DefinitionError,
    PermissionDenied,
    Registry,
    State,
    Title,
    Transition,
    WorkflowDefinition,
    grant_system,
)
from engine.testing import unchanged
from engine.transition.compile import CompiledDefinition
from tests.engine.helpers import CLERK, MANAGER, make_engine

IMPOSTOR = Actor("anyone", "system")


def _submitted(db_url: str) -> tuple[Any, str]:
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    engine.fire(pid, "submit", CLERK)
    return engine, pid


def test_an_actor_naming_the_system_role_is_refused(db_url: str) -> None:
    """Escalating on the review clock's expiry is the timers' job: an actor that merely names
    the role is refused before anything runs, and the refusal writes nothing."""
    engine, pid = _submitted(db_url)
    with unchanged(engine), pytest.raises(PermissionDenied) as caught:
        engine.fire(pid, "escalate", IMPOSTOR)
    error = caught.value
    assert (error.rule, error.actor_id, error.trigger) == ("reserved role", "anyone", "escalate")
    assert "reserved role" in str(error)
    assert any("grant_system" in note for note in error.__notes__)
    assert engine.get(pid).state == "submitted"


def test_equal_to_system_is_not_system(db_url: str) -> None:
    """``Actor("system", "system")`` equals ``SYSTEM`` (same id and roles) but holds no grant."""
    engine, pid = _submitted(db_url)
    lookalike = Actor("system", "system")
    assert lookalike == SYSTEM and hash(lookalike) == hash(SYSTEM)
    with unchanged(engine), pytest.raises(PermissionDenied, match="reserved role"):
        engine.fire(pid, "escalate", lookalike)


def test_claiming_the_role_alongside_others_is_refused_too(db_url: str) -> None:
    """A clerk who also names ``system`` is refused even for a clerk's trigger: guards that read
    the actor's roles (e.g. "opened by the system") must never see an unvouched ``system``."""
    engine = make_engine(db_url)
    both = Actor("clerk-2", {"clerk", "system"})
    with unchanged(engine), pytest.raises(PermissionDenied, match="reserved role"):
        engine.start("purchase", both, {"item": "desk", "amount": 300})
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    with unchanged(engine), pytest.raises(PermissionDenied, match="reserved role"):
        engine.fire(pid, "submit", both)


def test_the_engines_timers_still_act_as_system(db_url: str) -> None:
    """The review clock (5 working days from Mon 2025-03-03: due Mon 03-10) expires at 00:00 on
    Tue 03-11; the worker escalates as ``system``."""
    engine, pid = _submitted(db_url)
    engine.advance(datetime(2025, 3, 12))
    escalate = engine.history(pid)[-1]
    assert (escalate.trigger, escalate.actor_id, escalate.actor_role) == (
        "escalate", "system", "system")
    assert engine.get(pid).state == "escalated"


def test_an_embedding_system_grants_the_role_explicitly(db_url: str) -> None:
    """``grant_system`` is the explicit grant: the bridge's own id is recorded, with the role."""
    engine, pid = _submitted(db_url)
    bridge = grant_system(Actor("oa-bridge", "manager"))
    assert bridge.roles == {"manager", "system"} and bridge.system_granted
    assert bridge == Actor("oa-bridge", {"manager", "system"})
    engine.fire(pid, "escalate", bridge)
    event = engine.history(pid)[-1]
    assert (event.actor_id, event.actor_role, event.to_state) == (
        "oa-bridge", "system", "escalated")
    assert grant_system("scheduler").roles == {"system"}


# -- bound roles ----------------------------------------------------------------------------------

def _case_definition(bound: object = None) -> WorkflowDefinition:
    """A complaint filed at the desk for its owner; the owner or the desk may withdraw it."""
    settings = {"bound_roles": {"owner": "owner.id"} if bound is None else bound}
    return WorkflowDefinition(
        name="complaint", version=1, title=Title("投诉", "Complaint"),
        states=(State("open", Title("处理中", "Open"), "initial"),
                State("closed", Title("已结束", "Closed"), "terminal")),
        transitions=(Transition("file", (), "open", roles=("desk",)),
                     Transition("withdraw", ("open",), "closed", roles=("owner", "desk"))),
        roles=("desk", "owner"), start_trigger="file", settings=settings)


DESK = Actor("desk-1", "desk")


def _filed(db_url: str, owner: dict[str, Any] | None = None) -> tuple[Any, str]:
    engine = make_engine(db_url)
    engine.register(_case_definition())
    data = {"owner": owner if owner is not None else {"id": "u-7", "name": "王五"}}
    return engine, engine.start("complaint", DESK, data).id


def test_only_the_recorded_actor_acts_in_a_bound_role(db_url: str) -> None:
    engine, pid = _filed(db_url)
    with unchanged(engine), pytest.raises(PermissionDenied) as caught:
        engine.fire(pid, "withdraw", Actor("u-8", "owner"))
    assert (caught.value.rule, caught.value.actor_id) == ("not the owner", "u-8")
    assert any("owner.id" in note for note in caught.value.__notes__)
    engine.fire(pid, "withdraw", Actor("u-7", "owner"))
    event = engine.history(pid)[-1]
    assert (event.actor_id, event.actor_role, event.to_state) == ("u-7", "owner", "closed")


def test_another_role_the_actor_holds_still_applies(db_url: str) -> None:
    """A desk officer who is also some complaint's owner withdraws this one as the desk."""
    engine, pid = _filed(db_url)
    engine.fire(pid, "withdraw", Actor("desk-2", {"desk", "owner"}))
    assert engine.history(pid)[-1].actor_role == "desk"


def test_an_instance_without_the_id_has_nobody_in_the_role(db_url: str) -> None:
    engine, pid = _filed(db_url, owner={"name": "王五"})
    with unchanged(engine), pytest.raises(PermissionDenied, match="not the owner"):
        engine.fire(pid, "withdraw", Actor("u-7", "owner"))
    engine.fire(pid, "withdraw", DESK)


def test_the_permitted_triggers_leave_out_a_role_not_held_there(db_url: str) -> None:
    """Given the instance's data, what an actor may fire leaves out the bound roles it does not
    hold there (``CompiledDefinition.permitted``)."""
    engine, pid = _filed(db_url)
    permitted = CompiledDefinition(_case_definition(), Registry()).permitted
    data = engine.get(pid).data
    assert list(permitted("open", Actor("u-7", "owner"), data)) == ["withdraw"]
    assert permitted("open", Actor("u-8", "owner"), data) == {}
    assert list(permitted("open", Actor("u-8", "owner"))) == ["withdraw"]
    assert permitted("open", MANAGER, data) == {}


@pytest.mark.parametrize(("bound", "problem"), [
    (["owner"], "must map roles to data paths"),
    ({"system": "owner.id"}, "'system' is not a declared role"),
    ({"clerk": "owner.id"}, "'clerk' is not a declared role"),
    ({"owner": "owner..id"}, "needs a dotted data path"),
    ({"owner": 3}, "needs a dotted data path"),
])
def test_a_bad_binding_is_refused_at_registration(db_url: str, bound: object,
                                                  problem: str) -> None:
    engine = make_engine(db_url)
    with unchanged(engine), pytest.raises(DefinitionError, match=problem):
        engine.register(_case_definition(bound))
