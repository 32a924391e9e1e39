"""The Engine API on both back ends: start, fire, get, history, triggers, find."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine import Actor, NotFound
from engine.testing import ManualClock
from tests.engine.helpers import CLERK, DIRECTOR, MANAGER, START, make_engine


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def test_start_returns_the_stored_snapshot(db_url: str, clock: ManualClock) -> None:
    engine = make_engine(db_url, clock)
    inst = engine.start("purchase", CLERK, {"item": "pens", "amount": 50}, business_key="PO-1")
    assert inst.workflow == "purchase"
    assert inst.definition_version == 1
    assert inst.state == "draft"
    assert inst.version == 1
    assert inst.business_key == "PO-1"
    assert not inst.closed and inst.closed_at is None
    assert inst.created_at == inst.updated_at == clock.now()
    # the start data, plus the action's register number
    assert dict(inst.data) == {"item": "pens", "amount": 50, "number": "P-0001"}
    assert engine.get(inst.id) == inst


def test_a_path_through_the_workflow(db_url: str, clock: ManualClock) -> None:
    engine = make_engine(db_url, clock)
    inst = engine.start("purchase", CLERK, {"item": "desk", "amount": 800})
    created = clock.now()
    clock.advance(timedelta(hours=1))
    inst = engine.fire(inst.id, "submit", CLERK)
    assert (inst.state, inst.version) == ("submitted", 2)
    # submitted on Monday 3 March: 5 working days end on Monday 10 March
    review = inst.deadlines["review"]
    assert (review.state, review.due_date, review.used, review.left) == (
        "running", date(2025, 3, 10), 0, 5)

    clock.advance(timedelta(days=1))
    inst = engine.fire(inst.id, "approve", MANAGER, {"note": "fine"})
    assert inst.state == "approved"
    assert inst.closed and inst.closed_at == clock.now()
    assert inst.created_at == created and inst.updated_at == clock.now()
    assert inst.data["decision"] == {"note": "fine"}  # stored under the transition's data_key
    assert inst.deadlines["review"].state == "stopped"
    assert engine.get(inst.id) == inst

    events = engine.history(inst.id)
    assert [(e.seq, e.trigger, e.from_state, e.to_state, e.actor_id, e.actor_role)
            for e in events] == [
        (1, "create", None, "draft", "clerk-1", "clerk"),
        (2, "submit", "draft", "submitted", "clerk-1", "clerk"),
        (3, "approve", "submitted", "approved", "manager-1", "manager"),
    ]
    assert [e.event_time for e in events] == [
        created, created + timedelta(hours=1), created + timedelta(days=1, hours=1)]
    assert dict(events[2].data) == {"note": "fine"}
    assert events[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    engine.verify_history(inst.id)


def test_guards_choose_the_branch(db_url: str) -> None:
    engine = make_engine(db_url)
    big = engine.start("purchase", CLERK, {"item": "car", "amount": 50_000})
    engine.fire(big.id, "submit", CLERK)
    big = engine.fire(big.id, "approve", MANAGER, {"note": "too much for me"})
    assert big.state == "escalated" and not big.closed
    assert engine.available_triggers(big.id, MANAGER) == ["reject"]
    big = engine.fire(big.id, "approve", DIRECTOR, {"note": "ok"})
    assert big.state == "approved" and big.data["decision"] == {"note": "ok"}


def test_internal_transitions_keep_the_state_and_move_clocks(db_url: str,
                                                             clock: ManualClock) -> None:
    engine = make_engine(db_url, clock)
    inst = engine.start("purchase", CLERK, {"item": "pens", "amount": 5})
    engine.fire(inst.id, "submit", CLERK)                    # Monday 3 March
    clock.advance(timedelta(days=1))
    held = engine.fire(inst.id, "hold", MANAGER)             # paused on Tuesday 4 March
    assert (held.state, held.version) == ("submitted", 3)
    assert held.deadlines["review"].state == "paused"
    assert held.deadlines["review"].due_date is None
    clock.advance(timedelta(days=7))
    released = engine.fire(inst.id, "release", MANAGER)     # resumed Tuesday 11 March
    # Tuesday 4 counted (1 of 5); Wed 5 .. Tue 11 left out; 4 more: Wed 12 .. Mon 17
    assert released.deadlines["review"].due_date == date(2025, 3, 17)
    assert released.deadlines["review"].used == 1
    assert [e.to_state for e in engine.history(inst.id)] == ["draft", "submitted"] + [
        "submitted"] * 2


def test_register_numbers_count_across_instances(db_url: str) -> None:
    engine = make_engine(db_url)
    numbers = [engine.start("purchase", CLERK, {"item": "x", "amount": 1}).data["number"]
               for _ in range(3)]
    assert numbers == ["P-0001", "P-0002", "P-0003"]


def test_available_triggers(db_url: str) -> None:
    engine = make_engine(db_url)
    inst = engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    assert engine.available_triggers(inst.id) == ["cancel", "submit"]
    assert engine.available_triggers(inst.id, MANAGER) == []
    engine.fire(inst.id, "submit", CLERK)
    assert engine.available_triggers(inst.id) == [
        "approve", "cancel", "escalate", "hold", "reject", "release"]
    assert engine.available_triggers(inst.id, MANAGER) == [
        "approve", "hold", "reject", "release"]
    assert engine.available_triggers(inst.id, Actor("both", {"clerk", "director"})) == [
        "cancel", "reject"]
    engine.fire(inst.id, "cancel", CLERK)
    assert engine.available_triggers(inst.id) == []
    assert engine.available_triggers(inst.id, CLERK) == []


def test_an_actor_with_several_roles_acts_under_an_allowed_one(db_url: str) -> None:
    engine = make_engine(db_url)
    boss = Actor("boss", {"clerk", "manager"})
    inst = engine.start("purchase", boss, {"item": "x", "amount": 1})
    engine.fire(inst.id, "submit", boss)
    engine.fire(inst.id, "reject", boss, {"note": "no"})
    assert [(e.actor_id, e.actor_role) for e in engine.history(inst.id)] == [
        ("boss", "clerk"), ("boss", "clerk"), ("boss", "manager")]


def test_snapshots_read_the_same_from_a_fresh_engine(db_url: str, clock: ManualClock) -> None:
    engine = make_engine(db_url, clock)
    inst = engine.start("purchase", CLERK, {"item": "x", "amount": 1}, business_key="B")
    inst = engine.fire(inst.id, "submit", CLERK)
    again = make_engine(db_url, clock, register=False)
    assert again.get(inst.id) == inst
    assert again.history(inst.id) == engine.history(inst.id)


def test_unknown_instances_and_workflows_are_not_found(db_url: str) -> None:
    engine = make_engine(db_url)
    for call in (lambda: engine.get("nope"), lambda: engine.history("nope"),
                 lambda: engine.verify_history("nope"),
                 lambda: engine.available_triggers("nope"),
                 lambda: engine.fire("nope", "submit", CLERK),
                 lambda: engine.definition("no-such-workflow"),
                 lambda: engine.definition("purchase", 7),
                 lambda: engine.start("no-such-workflow", CLERK)):
        with pytest.raises(NotFound) as info:
            call()
        assert isinstance(info.value, LookupError)


# -- find ----------------------------------------------------------------------------------

def test_find_pages_over_more_rows_than_a_page(db_url: str) -> None:
    engine = make_engine(db_url)
    ids = [engine.start("purchase", CLERK, {"item": f"i{n}", "amount": n}, business_key=f"K{n}").id
           for n in range(11)]
    for page_size in (1, 3, 4, 11, 50):
        found = [i.id for i in engine.find(page_size=page_size)]
        assert found == sorted(ids), page_size
    # an exact multiple of the page size ends cleanly
    assert len(list(engine.find(workflow="purchase", page_size=11))) == 11


def test_find_filters_while_paging(db_url: str) -> None:
    engine = make_engine(db_url)
    started = [engine.start("purchase", CLERK, {"item": "x", "amount": n}, business_key=f"K{n}")
               for n in range(10)]
    submitted = {i.id for i in started[::2]}
    for i in started[::2]:
        engine.fire(i.id, "submit", CLERK)
    closed = {started[1].id, started[3].id}
    for i in closed:
        engine.fire(i, "cancel", CLERK)

    assert {i.id for i in engine.find(state="submitted", page_size=2)} == submitted
    assert {i.id for i in engine.find(closed=True, page_size=1)} == closed
    assert len(list(engine.find(closed=False, page_size=3))) == 8
    assert [i.id for i in engine.find(business_key="K3")] == [started[3].id]
    assert list(engine.find(workflow="other")) == []
    drafts = list(engine.find(workflow="purchase", state="draft", closed=False, page_size=2))
    assert {i.id for i in drafts} == {started[n].id for n in (5, 7, 9)}
    assert all(i.state == "draft" and i.version == 1 for i in drafts)


def test_find_tolerates_transitions_while_iterating(db_url: str) -> None:
    """Firing on each instance found (page by page) visits every instance exactly once."""
    engine = make_engine(db_url)
    ids = {engine.start("purchase", CLERK, {"item": "x", "amount": n}).id for n in range(7)}
    seen = []
    for inst in engine.find(state="draft", page_size=3):
        engine.fire(inst.id, "submit", CLERK)
        seen.append(inst.id)
    assert sorted(seen) == sorted(ids)
    assert {i.state for i in engine.find()} == {"submitted"}
