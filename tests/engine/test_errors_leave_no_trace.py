"""Every refused call raises a precise error and leaves every gongkai table exactly as it was."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from engine import (
    Actor,
    Clock,
    ClockEffect,
    ConcurrentUpdate,
    DefinitionError,
    DuplicateBusinessKey,
    Engine,
    GuardRejected,
    HistoryTampered,
    InvalidData,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
    WorkflowError,
)
from tests.engine import sample
from tests.engine.helpers import CLERK, MANAGER, OUTSIDER, dump, make_engine

STAFF = Actor("staff-1", {"staff"})


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    copies: int = Field(ge=1)


class Backdate(BaseModel):
    on: str


def cases_registry() -> Any:
    reg = sample.make_registry()
    reg.model("cases.Form", Form)
    reg.model("cases.Backdate", Backdate)

    @reg.guard("has_reason")
    def has_reason(ctx: TransitionContext) -> str | None:
        return None if ctx.data.get("reason") else "a reason is required to close"

    @reg.action("count")
    def count(ctx: TransitionContext) -> dict[str, int]:
        return {"n": ctx.next_sequence("cases")}

    @reg.action("emit")
    def emit(ctx: TransitionContext) -> None:
        ctx.emit("mail", {"instance": ctx.instance_id})

    @reg.action("explode")
    def explode(ctx: TransitionContext) -> None:
        raise RuntimeError("the mail server is down")

    @reg.action("refuse_late")
    def refuse_late(ctx: TransitionContext) -> None:
        raise InvalidData(ctx.trigger, [{"field": "late", "message": "refused by an action"}],
                          ctx.instance_id)

    return reg


def S(trigger: str, sources: tuple[str, ...], dest: str | None, **kw: Any) -> Transition:
    return Transition(trigger, sources, dest, roles=("staff",), **kw)


CASES_DEF = WorkflowDefinition(
    name="cases", version=1, title=Title("案件", "Cases"),
    states=(State("new", kind="initial"), State("open"), State("done", kind="terminal")),
    transitions=(
        S("start", (), "new", data="cases.Form", actions=("count",)),
        S("open", ("new",), "open", actions=("count", "emit"),
          effects=(ClockEffect("c", "start"),)),
        S("close", ("open",), "done", guards=("has_reason",)),
        S("extend", ("open",), None, effects=(ClockEffect("c", "extend", by=5, max_times=1),)),
        S("backdate", ("open",), None, data="cases.Backdate",
          effects=(ClockEffect("c", "pause", date_field="on"),)),
        S("boom", ("open",), None, actions=("count", "emit", "explode")),
        S("late", ("open",), "done", actions=("count", "emit", "refuse_late")),
    ),
    roles=("staff",), clocks=(Clock("c", 10, reminders=(2,)),))


@dataclass
class World:
    engine: Engine
    draft: str
    submitted: str
    closed: str
    open_case: str


@pytest.fixture
def world(db_url: str) -> World:
    """Rows in every table: instances in several states, events, outbox, timers, counters."""
    engine = make_engine(db_url, registry=cases_registry())
    engine.register(CASES_DEF)
    draft = engine.start("purchase", CLERK, {"item": "pens", "amount": 5}, business_key="PO-1")
    submitted = engine.start("purchase", CLERK, {"item": "desk", "amount": 500})
    engine.fire(submitted.id, "submit", CLERK)
    closed = engine.start("purchase", CLERK, {"item": "car", "amount": 9})
    engine.fire(closed.id, "cancel", CLERK)
    case = engine.start("cases", STAFF, {"title": "t", "copies": 1})
    engine.fire(case.id, "open", STAFF)
    engine.fire(case.id, "extend", STAFF)
    w = World(engine, draft.id, submitted.id, closed.id, case.id)
    before = dump(engine)
    assert all(before[t] for t in ("gongkai_instances", "gongkai_events", "gongkai_outbox",
                                   "gongkai_timers", "gongkai_counters"))
    return w


def refused(w: World, call: Callable[[], Any], error: type[WorkflowError]) -> WorkflowError:
    before = dump(w.engine)
    snapshots = {i: w.engine.get(i) for i in (w.draft, w.submitted, w.closed, w.open_case)}
    with pytest.raises(error) as info:
        call()
    assert dump(w.engine) == before
    assert {i: w.engine.get(i) for i in snapshots} == snapshots
    return info.value


def test_invalid_transition_lists_the_valid_triggers(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.draft, "approve", MANAGER,
                                                   {"note": "x"}), InvalidTransition)
    assert isinstance(err, InvalidTransition)
    assert (err.instance_id, err.state, err.trigger) == (world.draft, "draft", "approve")
    assert err.valid == ("cancel", "submit")
    assert "cancel, submit" in str(err) and world.draft in str(err)


def test_invalid_transition_on_a_closed_instance(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.closed, "submit", CLERK),
                  InvalidTransition)
    assert isinstance(err, InvalidTransition)
    assert (err.state, err.valid) == ("rejected", ())
    assert "closed" in str(err)


def test_guard_rejected_names_guard_and_reason(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.open_case, "close", STAFF, {}),
                  GuardRejected)
    assert isinstance(err, GuardRejected)
    assert (err.guard, err.reason, err.state) == ("has_reason", "a reason is required to close",
                                                  "open")
    assert "has_reason" in str(err) and "a reason is required" in str(err)


def test_clock_limit_is_a_guard_rejection(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.open_case, "extend", STAFF),
                  GuardRejected)
    assert isinstance(err, GuardRejected)
    assert "c" in err.guard and "at most 1" in err.reason


def test_permission_denied_on_fire(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.draft, "submit", MANAGER),
                  PermissionDenied)
    assert isinstance(err, PermissionDenied)
    assert (err.actor_id, err.roles, err.allowed) == ("manager-1", ("manager",), ("clerk",))
    assert err.instance_id == world.draft


def test_permission_denied_on_start(world: World) -> None:
    err = refused(world, lambda: world.engine.start("purchase", OUTSIDER,
                                                    {"item": "x", "amount": 1}),
                  PermissionDenied)
    assert isinstance(err, PermissionDenied)
    assert err.allowed == ("clerk",) and err.instance_id is None


def test_invalid_data_on_start_has_field_details(world: World) -> None:
    err = refused(world, lambda: world.engine.start(
        "purchase", CLERK, {"item": ["not", "a", "string"], "amount": "lots", "colour": "red"}),
        InvalidData)
    assert isinstance(err, InvalidData)
    assert {e["field"] for e in err.errors} == {"item", "amount", "colour"}
    assert all(e["message"] for e in err.errors)
    assert "amount" in str(err) and "colour" in str(err)


def test_invalid_data_on_fire_has_field_details(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.submitted, "approve", MANAGER, {}),
                  InvalidData)
    assert isinstance(err, InvalidData)
    assert [e["field"] for e in err.errors] == ["note"]
    assert err.instance_id == world.submitted


def test_invalid_data_from_a_clock_effect(world: World) -> None:
    """Pausing on a day before the clock started is refused as bad data, naming the field."""
    err = refused(world, lambda: world.engine.fire(world.open_case, "backdate", STAFF,
                                                   {"on": "2020-01-01"}), InvalidData)
    assert isinstance(err, InvalidData)
    assert [e["field"] for e in err.errors] == ["on"]


def test_invalid_data_raised_by_an_action_after_writing(world: World) -> None:
    """An action refuses after another advanced a counter and queued a message: all undone."""
    err = refused(world, lambda: world.engine.fire(world.open_case, "late", STAFF), InvalidData)
    assert [e["field"] for e in err.errors] == ["late"]  # type: ignore[attr-defined]


def test_a_failing_action_leaves_no_trace(world: World) -> None:
    before = dump(world.engine)
    with pytest.raises(RuntimeError, match="mail server"):
        world.engine.fire(world.open_case, "boom", STAFF)
    assert dump(world.engine) == before


def test_concurrent_update_reports_expected_and_actual(world: World) -> None:
    err = refused(world, lambda: world.engine.fire(world.submitted, "hold", MANAGER,
                                                   expected_version=1), ConcurrentUpdate)
    assert isinstance(err, ConcurrentUpdate)
    assert (err.instance_id, err.expected, err.actual) == (world.submitted, 1, 2)


def test_not_found(world: World) -> None:
    err = refused(world, lambda: world.engine.fire("no-such-id", "submit", CLERK), NotFound)
    assert isinstance(err, NotFound)
    assert (err.what, err.key) == ("instance", "no-such-id")
    refused(world, lambda: world.engine.start("no-such-workflow", CLERK), NotFound)


def test_duplicate_business_key(world: World) -> None:
    err = refused(world, lambda: world.engine.start("purchase", CLERK,
                                                    {"item": "y", "amount": 2},
                                                    business_key="PO-1"), DuplicateBusinessKey)
    assert isinstance(err, DuplicateBusinessKey)
    assert (err.workflow, err.business_key) == ("purchase", "PO-1")


def test_definition_error_for_changed_content(world: World) -> None:
    changed = dataclasses.replace(sample.definition(), title=Title("采购", "Purchases"))
    err = refused(world, lambda: world.engine.register(changed), DefinitionError)
    assert isinstance(err, DefinitionError)
    assert (err.name, err.version) == ("purchase", 1)
    assert world.engine.definition("purchase", 1) == sample.definition()


def test_definition_error_for_an_invalid_definition(world: World) -> None:
    broken = dataclasses.replace(CASES_DEF, version=2, transitions=CASES_DEF.transitions + (
        S("reopen", ("done",), "open"),))
    err = refused(world, lambda: world.engine.register(broken), DefinitionError)
    assert isinstance(err, DefinitionError) and err.version == 2
    assert world.engine.definition("cases").version == 1


def test_history_tampered_changes_nothing_more(world: World) -> None:
    with world.engine.db.begin() as conn:
        conn.execute(sa.text("UPDATE gongkai_events SET actor_id = 'mallory' "
                             "WHERE instance_id = :i AND seq = 2"), {"i": world.submitted})
    err = refused(world, lambda: world.engine.verify_history(world.submitted), HistoryTampered)
    assert isinstance(err, HistoryTampered)
    assert (err.instance_id, err.sequence) == (world.submitted, 2)
