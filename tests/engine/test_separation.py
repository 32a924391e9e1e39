"""Separation of duties (先审后发: the drafter does not approve their own document) and the history
it reads: ``Transition(separate_from=...)`` refuses, before any guard runs, an actor who fired one
of the named triggers earlier on the instance; ``ctx.actor_of(trigger)`` tells actions who did.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import (
    Actor,
    DefinitionError,
    Engine,
    PermissionDenied,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.definition.diagram import mermaid
from engine.definition.io import definition_from_json, definition_to_dict, definition_to_json
from engine.definition.validate import validate
from engine.testing import ManualClock
from tests.engine import sample
from tests.engine.helpers import START, WeekdayCalendar, dump

ANN = Actor("ann", {"staff"})
BEN = Actor("ben", {"staff"})
CAI = Actor("cai", {"staff"})
ANN_AS_HEAD = Actor("ann", {"head"})
HEAD = Actor("head-1", {"head"})

STATES = (
    State("drafting", Title("起草", "Drafting"), "initial"),
    State("reviewing", Title("审核", "Reviewing")),
    State("published", Title("已发布", "Published"), "terminal"),
    State("withdrawn", Title("已撤回", "Withdrawn"), "terminal"),
)
TRANSITIONS = (
    Transition("create", (), "drafting", roles=("staff",)),
    Transition("draft", ("drafting",), "reviewing", roles=("staff",)),
    Transition("send_back", ("reviewing",), "drafting", roles=("staff", "head"),
               separate_from=("draft",)),
    Transition("approve", ("reviewing",), "published", roles=("staff", "head"),
               guards=("counted",), actions=("remember_drafter",), separate_from=("draft",)),
    Transition("withdraw", ("*",), "withdrawn", roles=("staff",)),
)


def document(transitions: tuple[Transition, ...] = TRANSITIONS) -> WorkflowDefinition:
    return WorkflowDefinition(
        name="document", version=1, title=Title("发文", "Document"), states=STATES,
        transitions=transitions, roles=("staff", "head"), start_trigger="create")


def registry(guard_calls: list[str]) -> Registry:
    reg = Registry()

    @reg.guard("counted")
    def counted(ctx: TransitionContext) -> str | None:
        guard_calls.append(ctx.actor.id)
        return None

    @reg.guard("small")
    def small(ctx: TransitionContext) -> str | None:
        return None if ctx.data.get("pages", 0) <= 10 else "more than 10 pages"

    @reg.guard("large")
    def large(ctx: TransitionContext) -> str | None:
        return None if ctx.data.get("pages", 0) > 10 else "10 pages or fewer"

    @reg.action("remember_drafter")
    def remember_drafter(ctx: TransitionContext) -> dict[str, Any]:
        drafter, creator = ctx.actor_of("draft"), ctx.actor_of("create")
        nobody = ctx.actor_of("withdraw")
        assert drafter is not None and creator is not None
        return {"drafter": drafter.id, "drafter_roles": sorted(drafter.roles),
                "creator": creator.id, "withdrawn_by": nobody}

    return reg


def engine_on(db_url: str, definition: WorkflowDefinition | None = None,
              guard_calls: list[str] | None = None) -> Engine:
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry(guard_calls if guard_calls is not None else []))
    engine.register(definition or document())
    return engine


def drafted_by(engine: Engine, actor: Actor) -> str:
    doc = engine.start("document", ANN).id
    engine.fire(doc, "draft", actor)
    return doc


# -- the refusal ----------------------------------------------------------------------------------

def test_the_drafter_may_not_approve_their_own_document(db_url: str) -> None:
    calls: list[str] = []
    engine = engine_on(db_url, guard_calls=calls)
    doc = drafted_by(engine, BEN)
    before = dump(engine)

    with pytest.raises(PermissionDenied) as caught:
        engine.fire(doc, "approve", BEN)

    err = caught.value
    assert (err.instance_id, err.trigger, err.actor_id) == (doc, "approve", "ben")
    assert (err.rule, err.earlier_trigger) == ("separation of duties", "draft")
    assert str(err) == (f"actor 'ben' may not fire 'approve' on instance {doc}: it fired 'draft' "
                        "on this instance (separation of duties)")
    assert calls == []                                   # refused before any guard ran
    assert dump(engine) == before                        # and nothing changed
    assert engine.get(doc).state == "reviewing"


def test_another_actor_approves_and_the_action_reads_who_drafted(db_url: str) -> None:
    calls: list[str] = []
    engine = engine_on(db_url, guard_calls=calls)
    doc = drafted_by(engine, BEN)

    done = engine.fire(doc, "approve", ANN)              # ann created it, but did not draft it

    assert done.state == "published"
    assert calls == ["ann"]
    assert done.data == {"drafter": "ben", "drafter_roles": ["staff"], "creator": "ann",
                         "withdrawn_by": None}
    assert [e.actor_id for e in engine.history(doc)] == ["ann", "ben", "ann"]


def test_actors_are_compared_by_id_whatever_role_they_act_in(db_url: str) -> None:
    engine = engine_on(db_url)
    doc = drafted_by(engine, ANN)
    with pytest.raises(PermissionDenied) as caught:
        engine.fire(doc, "approve", ANN_AS_HEAD)        # same person, now as head of office
    assert caught.value.rule == "separation of duties"
    assert engine.fire(doc, "approve", HEAD).state == "published"


def test_everyone_who_ever_drafted_is_barred_not_only_the_last(db_url: str) -> None:
    engine = engine_on(db_url)
    doc = drafted_by(engine, ANN)
    engine.fire(doc, "send_back", BEN)
    engine.fire(doc, "draft", CAI)                       # cai redrafts after ben sent it back

    for drafter in (ANN, CAI):
        with pytest.raises(PermissionDenied):
            engine.fire(doc, "approve", drafter)
    assert engine.fire(doc, "approve", BEN).data["drafter"] == "cai"   # actor_of: the last one


def test_the_rule_bars_each_separated_trigger_and_only_those(db_url: str) -> None:
    engine = engine_on(db_url)
    doc = drafted_by(engine, BEN)
    with pytest.raises(PermissionDenied) as caught:
        engine.fire(doc, "send_back", BEN)
    assert caught.value.trigger == "send_back"
    assert engine.fire(doc, "withdraw", BEN).state == "withdrawn"      # not separated


def test_available_triggers_leave_out_what_the_rule_bars(db_url: str) -> None:
    engine = engine_on(db_url)
    doc = drafted_by(engine, BEN)
    assert engine.available_triggers(doc, BEN) == ["withdraw"]
    assert engine.available_triggers(doc, ANN) == ["approve", "send_back", "withdraw"]
    assert engine.available_triggers(doc) == ["approve", "send_back", "withdraw"]


def test_the_worklist_offers_only_what_the_rule_leaves(db_url: str) -> None:
    """The drafter's 待办 does not offer approving their own draft; an instance with nothing left
    for them drops out, while another reviewer sees it with both triggers."""
    engine = engine_on(db_url)
    own = drafted_by(engine, ANN)
    theirs = drafted_by(engine, BEN)
    mine = {item.instance.id: item.triggers for item in engine.worklist(ANN)}
    assert mine[own] == ("withdraw",)
    assert set(mine[theirs]) == {"approve", "send_back", "withdraw"}
    head_only = Actor("ann", {"head"})
    assert [i.instance.id for i in engine.worklist(head_only)] == [theirs]
    assert {i.instance.id for i in engine.worklist(CAI)} == {own, theirs}


def test_the_transition_the_guards_choose_is_checked_too(db_url: str) -> None:
    # Short documents need a second pair of eyes; long ones go to the head, who may have drafted.
    transitions = (
        *TRANSITIONS[:2],
        Transition("approve", ("reviewing",), "published", roles=("staff", "head"),
                   guards=("small",), separate_from=("draft",)),
        Transition("approve", ("reviewing",), "published", roles=("staff", "head"),
                   guards=("large",)),
        TRANSITIONS[4],
    )
    engine = engine_on(db_url, document(transitions))
    short, long = drafted_by(engine, BEN), drafted_by(engine, BEN)
    before = dump(engine)
    with pytest.raises(PermissionDenied) as caught:
        engine.fire(short, "approve", BEN, {"pages": 3})
    assert caught.value.earlier_trigger == "draft"
    assert dump(engine) == before
    assert engine.fire(long, "approve", BEN, {"pages": 30}).state == "published"


def test_a_transition_without_the_rule_is_unchanged(db_url: str) -> None:
    # The sample's clerk-manager may approve what they submitted: nothing separates them.
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=sample.make_registry())
    engine.register(sample.definition())
    both = Actor("both-1", {"clerk", "manager"})
    inst = engine.start("purchase", both, {"item": "paper", "amount": 10}).id
    engine.fire(inst, "submit", both)
    assert engine.fire(inst, "approve", both, {"note": "ok"}).state == "approved"


# -- the definition: validation, JSON, diagram ----------------------------------------------------

def test_validation_names_unknown_triggers_and_a_separated_start() -> None:
    bad = document((
        Transition("create", (), "drafting", roles=("staff",), separate_from=("draft",)),
        *TRANSITIONS[1:3],
        Transition("approve", ("reviewing",), "published", roles=("staff",),
                   separate_from=("draft", "drafting", "sign")),
        TRANSITIONS[4],
    ))
    with pytest.raises(DefinitionError) as caught:
        validate(bad)
    assert caught.value.problems == (
        "transition 'create': the start transition cannot be separated from earlier triggers",
        "transition 'approve': separate_from names unknown trigger 'drafting'",
        "transition 'approve': separate_from names unknown trigger 'sign'",
    )


def test_separation_survives_json_and_leaves_other_definitions_as_they_were() -> None:
    d = document()
    text = definition_to_json(d)
    assert definition_from_json(text) == d
    transitions = definition_to_dict(d)["transitions"]
    assert [t.get("separate_from") for t in transitions] == [
        None, None, ["draft"], ["draft"], None]
    # a definition without the rule keeps its JSON (and so its stored digest) unchanged
    assert "separate_from" not in definition_to_json(sample.definition())
    assert definition_from_json('{"name": "x", "version": 1, "states": [], "transitions": '
                                '[{"trigger": "a", "sources": "s", "dest": "t", '
                                '"separate_from": "b"}]}').transitions[0].separate_from == ("b",)


def test_the_diagram_says_who_may_not_fire_an_edge() -> None:
    text = mermaid(document())
    assert "reviewing --> published : approve [staff, head] (counted) not by draft" in text
    assert "drafting --> reviewing : draft [staff]\n" in text
