"""Child starts: an action starts an instance of another workflow in its own transaction.

A "case" splits into "task" children. The child belongs to the parent's agency, starts on the
latest version of its workflow through its own start trigger (roles, data model, guards, clock
effects, actions), is linked both ways, and commits with its parent or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from engine import (
    Actor,
    Clock,
    ClockEffect,
    ConcurrentUpdate,
    DuplicateBusinessKey,
    Engine,
    GuardRejected,
    InvalidData,
    NotFound,
    PermissionDenied,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.testing import ManualClock
from tests.engine.helpers import (
    CLERK,
    DIRECTOR,
    GONGKAI_TABLES,
    MANAGER,
    START,
    WeekdayCalendar,
    dump,
)

TABLES = (*GONGKAI_TABLES, "gongkai_links")
DOC = "某办发〔2026〕3号"
MEDDLE: list[Callable[[], None]] = []
"""Called by the parent's ``meddle`` action after its children started (a concurrent writer)."""


class Boom(Exception):
    """An action failing after the child started."""


class TaskSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    key: str | None = None
    document: str | None = None


class Split(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tasks: list[TaskSpec] = []
    as_manager: bool = False
    fail: bool = False


class CreateTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)


def registry() -> Registry:
    reg = Registry()
    reg.model("case.Split", Split)
    reg.model("task.Create", CreateTask)
    _case_actions(reg)
    _task_callables(reg)
    return reg


def _case_actions(reg: Registry) -> None:
    @reg.action("case.spawn")
    def spawn(ctx: TransitionContext) -> dict[str, Any]:
        children = [ctx.start("task", {"title": t["title"]}, business_key=t.get("key"),
                              link=("document", t["document"]) if "document" in t else None,
                              actor=MANAGER if ctx.data.get("as_manager") else None)
                    for t in ctx.data.get("tasks", [])]
        return {"children": children}

    @reg.action("case.follow_up")
    def follow_up(ctx: TransitionContext) -> dict[str, Any]:
        return {"children": [ctx.start("task", {"title": "overdue follow-up"})]}

    @reg.action("case.meddle")
    def meddle(ctx: TransitionContext) -> None:
        for call in MEDDLE:
            call()

    @reg.action("case.fail")
    def fail(ctx: TransitionContext) -> None:
        if ctx.data.get("fail"):
            raise Boom("the parent's last action failed")

    @reg.action("orphan.spawn")
    def orphan_spawn(ctx: TransitionContext) -> None:
        ctx.start("no-such-workflow")


def _task_callables(reg: Registry) -> None:
    @reg.guard("task.not_blocked")
    def not_blocked(ctx: TransitionContext) -> str | None:
        return "this title is blocked" if ctx.data["title"] == "blocked" else None

    @reg.action("task.number")
    def number(ctx: TransitionContext) -> dict[str, Any]:
        return {"number": ctx.next_sequence("task")}

    @reg.action("task.tag")
    def tag(ctx: TransitionContext) -> None:
        ctx.link("title", ctx.data["title"])


CASE = WorkflowDefinition(
    name="case", version=1, title=Title("案件", "Case"),
    states=(State("open", kind="initial"), State("working"), State("done", kind="terminal")),
    transitions=(
        Transition("open", (), "open", roles=("clerk",), data="case.Split",
                   actions=("case.spawn",), effects=(ClockEffect("wait", "start"),)),
        Transition("split", ("open",), "working", roles=("clerk", "director"),
                   data="case.Split", actions=("case.spawn", "case.meddle", "case.fail"),
                   effects=(ClockEffect("wait", "stop"),)),
        Transition("auto", ("open",), "working", roles=("system",),
                   actions=("case.follow_up",), effects=(ClockEffect("wait", "stop"),)),
        Transition("note", ("open", "working"), None, roles=("clerk",)),
        Transition("finish", ("working",), "done", roles=("clerk",)),
    ),
    clocks=(Clock("wait", 5, on_expiry="auto"),),
    roles=("clerk", "director"), start_trigger="open")

TASK = WorkflowDefinition(
    name="task", version=1, title=Title("任务", "Task"),
    states=(State("todo", kind="initial"), State("done", kind="terminal")),
    transitions=(
        Transition("create", (), "todo", roles=("clerk", "manager", "system"),
                   guards=("task.not_blocked",), data="task.Create",
                   actions=("task.number", "task.tag"), effects=(ClockEffect("work", "start"),)),
        Transition("complete", ("todo",), "done", roles=("clerk",),
                   effects=(ClockEffect("work", "stop"),)),
    ),
    clocks=(Clock("work", 3, reminders=(1,)),),
    roles=("clerk", "manager"), start_trigger="create")

ORPHAN = WorkflowDefinition(
    name="orphan", version=1, title=Title("孤儿", "Orphan"), start_trigger="go",
    states=(State("s", kind="initial"), State("t", kind="terminal")),
    transitions=(Transition("go", (), "s", roles=("clerk",), actions=("orphan.spawn",)),
                 Transition("end", ("s",), "t", roles=("clerk",))),
    roles=("clerk",))


def new_engine(url: str, agency: str = "a", clock: ManualClock | None = None) -> Engine:
    engine = Engine(url, clock=clock or ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry(), agency=agency)
    engine.register(CASE)
    engine.register(TASK)
    return engine


def pairs(engine: Engine, instance_id: str) -> list[tuple[str, str]]:
    return [(link.kind, link.key) for link in engine.links(instance_id)]


def split(engine: Engine, *tasks: dict[str, Any], actor: Actor = CLERK, **extra: Any) -> str:
    """A new case split into ``tasks``; the case's id."""
    case = engine.start("case", CLERK)
    engine.fire(case.id, "split", actor, {"tasks": list(tasks), **extra})
    return case.id


def refused(engine: Engine, call: Callable[[], Any], error: type[Exception]) -> Exception:
    before = dump(engine, TABLES)
    with pytest.raises(error) as info:
        call()
    assert dump(engine, TABLES) == before
    return info.value


def test_a_child_is_started_in_the_parents_agency_and_linked_both_ways(db_url: str) -> None:
    engine = new_engine(db_url)
    case_id = split(engine, {"title": "draft reply", "key": "T-1", "document": DOC})
    case = engine.get(case_id)
    [child_id] = case.data["children"]
    child = engine.get(child_id)
    assert (child.workflow, child.state, child.agency) == ("task", "todo", "a")
    assert child.business_key == "T-1"
    assert child.data == {"title": "draft reply", "number": 1}
    assert pairs(engine, child_id) == [("title", "draft reply"), ("parent", case_id),
                                       ("document", DOC)]
    assert pairs(engine, case_id) == [("child", child_id)]
    assert {link.created_at for link in engine.links(child_id)} == {child.created_at}
    assert [i.id for i in engine.find(linked=("parent", case_id))] == [child_id]
    assert [i.id for i in engine.find(linked=("child", child_id))] == [case_id]
    assert [i.id for i in engine.find(linked=("document", DOC))] == [child_id]


def test_a_parent_being_started_starts_children(db_url: str) -> None:
    engine = new_engine(db_url)
    case = engine.start("case", CLERK, {"tasks": [{"title": "one"}, {"title": "two"}]})
    first, second = case.data["children"]
    assert pairs(engine, case.id) == [("child", first), ("child", second)]
    assert pairs(engine, first) == [("title", "one"), ("parent", case.id)]
    assert pairs(engine, second) == [("title", "two"), ("parent", case.id)]
    assert [engine.get(i).data["number"] for i in (first, second)] == [1, 2]


def test_the_child_starts_on_the_latest_version_of_its_workflow(db_url: str) -> None:
    engine = new_engine(db_url)
    engine.register(TASK.with_version(2))
    case_id = split(engine, {"title": "x"})
    [child_id] = engine.get(case_id).data["children"]
    assert engine.get(child_id).definition_version == 2
    assert engine.get(case_id).definition_version == 1


def test_the_child_is_started_by_the_parents_actor_unless_told(db_url: str) -> None:
    engine = new_engine(db_url)
    case_id = split(engine, {"title": "x"})
    [child_id] = engine.get(case_id).data["children"]
    [event] = engine.history(child_id)
    assert (event.trigger, event.actor_id, event.actor_role) == ("create", "clerk-1", "clerk")

    case_id = split(engine, {"title": "y"}, actor=DIRECTOR, as_manager=True)
    [child_id] = engine.get(case_id).data["children"]
    [event] = engine.history(child_id)
    assert (event.actor_id, event.actor_role) == ("manager-1", "manager")
    assert engine.history(case_id)[-1].actor_id == "director-1"


def test_the_childs_role_check_refuses_the_parent(db_url: str) -> None:
    engine = new_engine(db_url)
    case = engine.start("case", CLERK)
    error = refused(engine, lambda: engine.fire(case.id, "split", DIRECTOR,
                                                {"tasks": [{"title": "x"}]}), PermissionDenied)
    assert isinstance(error, PermissionDenied)
    assert (error.trigger, error.actor_id) == ("create", "director-1")
    assert engine.get(case.id).state == "open"


def test_the_childs_guard_and_data_model_refuse_the_parent(db_url: str) -> None:
    engine = new_engine(db_url)
    case = engine.start("case", CLERK)
    tasks = {"tasks": [{"title": "fine"}, {"title": "blocked"}]}
    error = refused(engine, lambda: engine.fire(case.id, "split", CLERK, tasks), GuardRejected)
    assert isinstance(error, GuardRejected) and error.guard == "task.not_blocked"
    error = refused(engine, lambda: engine.fire(case.id, "split", CLERK,
                                                {"tasks": [{"title": ""}]}), InvalidData)
    assert isinstance(error, InvalidData) and error.trigger == "create"
    refused(engine, lambda: engine.fire(case.id, "split", CLERK,
                                        {"tasks": [{"title": "x", "document": ""}]}), InvalidData)


def test_an_unknown_child_workflow_refuses_the_parent(db_url: str) -> None:
    engine = new_engine(db_url)
    engine.register(ORPHAN)
    error = refused(engine, lambda: engine.start("orphan", CLERK), NotFound)
    assert isinstance(error, NotFound) and error.key == "no-such-workflow"


def test_the_childs_clock_runs_with_its_own_timers(db_url: str) -> None:
    engine = new_engine(db_url)
    case_id = split(engine, {"title": "x"})
    [child_id] = engine.get(case_id).data["children"]
    child = engine.get(child_id)
    assert child.deadlines["work"].due_date == date(2025, 3, 6)  # Mon + 3 working days
    timers = engine.timers(instance_id=child_id)
    assert sorted((t.kind, t.status) for t in timers) == [("deadline", "pending"),
                                                          ("reminder", "pending")]
    assert engine.advance(datetime(2025, 3, 7, 9, 0)) >= 2
    assert [e.trigger for e in engine.history(child_id)] == ["create", "reminder", "overdue"]


def test_a_timer_fired_parent_starts_its_child_as_system_in_its_agency(db_url: str) -> None:
    engine = new_engine(db_url, agency="b")
    case = engine.start("case", CLERK)
    engine.advance(datetime(2025, 3, 11, 9, 0))  # the 5 working days of "wait" ran out
    case_after = engine.get(case.id)
    assert case_after.state == "working"
    [child_id] = case_after.data["children"]
    child = engine.get(child_id)
    assert child.agency == "b"
    assert engine.history(child_id)[0].actor_role == "system"
    assert pairs(engine, child_id)[1:] == [("parent", case.id)]


def test_a_parent_failing_after_the_start_takes_the_child_with_it(db_url: str) -> None:
    engine = new_engine(db_url)
    case = engine.start("case", CLERK)
    refused(engine, lambda: engine.fire(case.id, "split", CLERK,
                                        {"tasks": [{"title": "x", "key": "T-1",
                                                    "document": DOC}], "fail": True}), Boom)
    assert list(engine.find(workflow="task")) == []
    assert engine.links(case.id) == []
    assert list(engine.find(linked=("document", DOC))) == []


def test_a_concurrent_update_of_the_parent_takes_the_child_with_it(pg_url: str) -> None:
    engine = new_engine(pg_url)
    other = new_engine(pg_url)
    case = engine.start("case", CLERK)
    MEDDLE.append(lambda: other.fire(case.id, "note", CLERK))
    try:
        with pytest.raises(ConcurrentUpdate):
            engine.fire(case.id, "split", CLERK, {"tasks": [{"title": "x", "key": "T-1"}]})
    finally:
        MEDDLE.clear()
    assert list(engine.find(workflow="task")) == []
    assert engine.links(case.id) == []
    assert [e.trigger for e in engine.history(case.id)] == ["open", "note"]
    assert dump(engine, ("gongkai_links", "gongkai_counters")) == {
        "gongkai_links": [], "gongkai_counters": []}
    split_again = engine.fire(case.id, "split", CLERK, {"tasks": [{"title": "x", "key": "T-1"}]})
    assert engine.get(split_again.data["children"][0]).business_key == "T-1"


def test_a_duplicate_child_business_key_refuses_the_parent(db_url: str) -> None:
    engine = new_engine(db_url)
    split(engine, {"title": "x", "key": "T-1"})
    case = engine.start("case", CLERK)
    error = refused(engine, lambda: engine.fire(case.id, "split", CLERK,
                                                {"tasks": [{"title": "y", "key": "T-1"}]}),
                    DuplicateBusinessKey)
    assert isinstance(error, DuplicateBusinessKey)
    assert (error.workflow, error.business_key) == ("task", "T-1")
    refused(engine, lambda: engine.fire(case.id, "split", CLERK, {"tasks": [
        {"title": "y", "key": "T-2"}, {"title": "z", "key": "T-2"}]}), DuplicateBusinessKey)
    assert engine.get(case.id).state == "open"


def test_the_events_and_outbox_rows_of_parent_and_child_commit_together(db_url: str) -> None:
    engine = new_engine(db_url)
    case_id = split(engine, {"title": "x"})
    [child_id] = engine.get(case_id).data["children"]
    outbox = {(r["instance_id"], r["trigger"], r["topic"])
              for r in dump(engine, ("gongkai_outbox",))["gongkai_outbox"]}
    assert {(case_id, "split", "event"), (child_id, "create", "event")} <= outbox
    assert [e.trigger for e in engine.history(case_id)] == ["open", "split"]
    assert [e.trigger for e in engine.history(child_id)] == ["create"]
    engine.verify_history(case_id)
    engine.verify_history(child_id)
    assert engine.history(case_id)[-1].event_time == engine.history(child_id)[0].event_time

    delivered: list[tuple[str, str]] = []
    engine.subscribe(lambda m: delivered.append((m["workflow"], m["trigger"])))
    engine.deliver_events()
    delivered.clear()
    split(engine, {"title": "y"})
    assert sorted(delivered) == [("case", "open"), ("case", "split"), ("task", "create")]


def test_another_agency_sees_neither_the_child_nor_the_links(db_url: str) -> None:
    engine = new_engine(db_url, agency="a")
    stranger = new_engine(db_url, agency="z")
    case_id = split(engine, {"title": "x", "document": DOC})
    [child_id] = engine.get(case_id).data["children"]
    for instance_id in (case_id, child_id):
        with pytest.raises(NotFound):
            stranger.links(instance_id)
    assert list(stranger.find(linked=("parent", case_id))) == []
    assert list(stranger.find(linked=("document", DOC))) == []
    assert list(stranger.find(workflow="task")) == []


def test_closing_the_parent_leaves_its_children_open(db_url: str) -> None:
    engine = new_engine(db_url)
    case_id = split(engine, {"title": "x"})
    engine.fire(case_id, "finish", CLERK)
    [child_id] = engine.get(case_id).data["children"]
    assert engine.get(case_id).closed
    assert not engine.get(child_id).closed
    assert [t.status for t in engine.timers(instance_id=child_id)] == ["pending", "pending"]
