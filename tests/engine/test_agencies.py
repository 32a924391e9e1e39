"""Two agencies (机关) in one database: each engine sees, numbers, lists, fires and hears only its
own agency's instances; the worker over every agency fires them all.

Agency ``a`` and agency ``b`` run the same definitions on one database and one clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

import workflows
from engine import DuplicateBusinessKey, Engine, NotFound
from engine.runtime.worker import Worker
from engine.store import tables
from engine.store.dialect import READ_ONLY
from engine.testing import ManualClock
from tests.engine import sample
from tests.engine.helpers import CLERK, MANAGER, START, WeekdayCalendar, dump
from tests.workflows.story import REGISTRAR, at, payload

PAPER = {"item": "paper", "amount": 10}
AFTER_DEADLINE = datetime(2025, 3, 12, 10)
"""Submitted Mon 2025-03-03: the 5-day review period ends Mon 3-10, so both of its timers (the
reminder and the expiry that escalates) are due by Wed 3-12."""


def agency(db_url: str, code: str, clock: ManualClock) -> Engine:
    engine = Engine(db_url, clock=clock, calendar=WeekdayCalendar(),
                    registry=sample.make_registry(), agency=code)
    engine.register(sample.definition())
    return engine


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def pair(db_url: str, clock: ManualClock) -> Iterator[tuple[Engine, Engine]]:
    a, b = agency(db_url, "a", clock), agency(db_url, "b", clock)
    yield a, b
    a.close()
    b.close()


def submitted(engine: Engine, key: str | None = None) -> str:
    inst = engine.start("purchase", CLERK, PAPER, business_key=key)
    engine.fire(inst.id, "submit", CLERK)
    return inst.id


def counters(engine: Engine) -> set[tuple[str, str, int]]:
    c = tables.counters
    with engine.db.connect().execution_options(**READ_ONLY) as conn:
        return {(r.agency, r.name, r.value) for r in conn.execute(select(c)).all()}


# -- numbers, keys, worklists ---------------------------------------------------------------------

def test_each_agency_numbers_its_own_register_from_one(pair: tuple[Engine, Engine]) -> None:
    a, b = pair
    numbers = [a.start("purchase", CLERK, PAPER).data["number"] for _ in range(3)]
    numbers_b = [b.start("purchase", CLERK, PAPER).data["number"] for _ in range(2)]
    assert numbers == ["P-0001", "P-0002", "P-0003"]
    assert numbers_b == ["P-0001", "P-0002"]
    assert counters(a) == {("a", "purchase", 3), ("b", "purchase", 2)}


def test_a_business_key_is_unique_within_an_agency_only(pair: tuple[Engine, Engine]) -> None:
    a, b = pair
    first = a.start("purchase", CLERK, PAPER, business_key="采〔2025〕1号")
    other = b.start("purchase", CLERK, PAPER, business_key="采〔2025〕1号")
    assert (first.agency, other.agency) == ("a", "b")
    before = dump(a)
    with pytest.raises(DuplicateBusinessKey):
        a.start("purchase", CLERK, PAPER, business_key="采〔2025〕1号")
    assert dump(a) == before
    assert [i.id for i in a.find(business_key="采〔2025〕1号")] == [first.id]
    assert [i.id for i in b.find(business_key="采〔2025〕1号")] == [other.id]


def test_worklists_stay_apart(pair: tuple[Engine, Engine]) -> None:
    a, b = pair
    mine = {submitted(a), submitted(a)}
    theirs = {submitted(b)}
    assert {item.instance.id for item in a.worklist(MANAGER)} == mine
    assert {item.instance.id for item in b.worklist(MANAGER)} == theirs
    assert {item.instance.agency for item in b.worklist(MANAGER)} == {"b"}


# -- another agency's instance is not found -------------------------------------------------------

def test_another_agencys_instance_is_never_shown(pair: tuple[Engine, Engine]) -> None:
    a, b = pair
    ours, theirs = submitted(a), submitted(b)

    for call in (lambda: a.get(theirs), lambda: a.history(theirs),
                 lambda: a.verify_history(theirs), lambda: a.available_triggers(theirs)):
        with pytest.raises(NotFound):
            call()
    assert [i.id for i in a.find()] == [ours]
    assert [i.id for i in a.find(workflow="purchase", state="submitted")] == [ours]
    assert {t.instance_id for t in a.timers()} == {ours}
    assert a.timers(instance_id=theirs) == []
    assert {e.instance_id for e in a.events()} == {ours}
    assert {e.agency for e in b.events()} == {"b"}
    assert [e.trigger for e in b.history(theirs)] == ["create", "submit"]


def test_another_agencys_instance_is_never_touched(pair: tuple[Engine, Engine]) -> None:
    a, b = pair
    theirs = submitted(b)
    before = dump(a)
    with pytest.raises(NotFound):
        a.fire(theirs, "approve", MANAGER, {"note": "not ours"})
    with pytest.raises(NotFound):
        a.fire(theirs, "cancel", CLERK, retries=2)
    assert dump(a) == before
    assert b.get(theirs).state == "submitted"


# -- timers and subscriptions ---------------------------------------------------------------------

def test_an_engine_fires_only_its_own_timers(pair: tuple[Engine, Engine],
                                             clock: ManualClock) -> None:
    a, b = pair
    ours, theirs = submitted(a), submitted(b)
    clock.set(AFTER_DEADLINE)

    assert a.run_due_timers() == 2                        # our reminder and our expiry
    assert a.get(ours).state == "escalated"
    assert b.get(theirs).state == "submitted"
    assert {t.status for t in b.timers()} == {"pending"}
    assert b.run_due_timers() == 2
    assert b.get(theirs).state == "escalated"


def test_advance_walks_only_its_own_agencys_timers(pair: tuple[Engine, Engine]) -> None:
    a, b = pair
    ours, theirs = submitted(a), submitted(b)
    assert a.advance(AFTER_DEADLINE) == 2
    assert (a.get(ours).state, b.get(theirs).state) == ("escalated", "submitted")


def test_the_worker_over_every_agency_fires_both(db_url: str, pair: tuple[Engine, Engine],
                                                 clock: ManualClock) -> None:
    a, b = pair
    ours, theirs = submitted(a), submitted(b)
    clock.set(AFTER_DEADLINE)
    host = Engine(db_url, clock=clock, calendar=WeekdayCalendar(),
                  registry=sample.make_registry())        # as `gongkai worker` opens it
    try:
        worker = Worker(host.core, all_agencies=True)
        worker.tick()
        assert worker.fired == 4
    finally:
        host.close()
    for engine, instance in ((a, ours), (b, theirs)):
        assert engine.get(instance).state == "escalated"
        escalation = engine.history(instance)[-1]
        assert (escalation.trigger, escalation.actor_id, escalation.agency) == (
            "escalate", "system", engine.agency)
        assert {t.status for t in engine.timers()} == {"fired"}


def test_the_worker_of_one_agency_leaves_the_others_timers(
        db_url: str, pair: tuple[Engine, Engine], clock: ManualClock) -> None:
    a, b = pair
    submitted(a), submitted(b)
    clock.set(AFTER_DEADLINE)
    worker = Worker(b.core)
    worker.tick()
    assert worker.fired == 2
    assert {t.status for t in a.timers()} == {"pending"}


def test_subscriptions_hear_only_their_agencys_events(pair: tuple[Engine, Engine],
                                                      clock: ManualClock) -> None:
    a, b = pair
    heard: dict[str, list[tuple[str, str, int]]] = {"a": [], "b": []}

    def listener(code: str) -> Any:
        return lambda event: heard[code].append((event["agency"], event["topic"], event["seq"]))

    a.subscribe(listener("a"))
    b.subscribe(listener("b"), topics=("event", "mail"))
    submitted(a)
    submitted(b)
    a.deliver_events()
    b.deliver_events()
    assert heard["a"] == [("a", "event", 1), ("a", "event", 2)]
    assert heard["b"] == [("b", "event", 1), ("b", "event", 2), ("b", "mail", 2)]


# -- the agency code ------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["", "   ", " a", "a\n", "x" * 65, None])
def test_an_engine_needs_a_usable_agency_code(db_url: str, code: Any) -> None:
    with pytest.raises(ValueError, match="agency code"):
        Engine(db_url, agency=code)


def test_the_longest_agency_code_fits_every_table(db_url: str, clock: ManualClock) -> None:
    code = "机" * 64
    engine = agency(db_url, code, clock)
    inst = submitted(engine)
    assert engine.get(inst).agency == code
    assert {c[0] for c in counters(engine)} == {code}


# -- the disclosure request -----------------------------------------------------------------------

def test_disclosure_register_numbers_are_per_agency(db_url: str) -> None:
    clock = ManualClock(at("2025-03-03"))
    engines = {code: Engine(db_url, clock=clock, agency=code) for code in ("a", "b")}
    for engine in engines.values():
        workflows.register_all(engine)

    def register(code: str) -> str:
        inst = engines[code].start("disclosure_request", REGISTRAR,
                                   payload("register", "2025-03-03"))
        return str(inst.data["register_number"])

    try:
        assert [register("a"), register("a"), register("b"), register("a"), register("b")] == [
            "依申〔2025〕第0001号", "依申〔2025〕第0002号", "依申〔2025〕第0001号",
            "依申〔2025〕第0003号", "依申〔2025〕第0002号"]
        assert [i.data["register_number"] for i in engines["b"].find()] != []
        assert {i.agency for i in engines["b"].find()} == {"b"}
    finally:
        for engine in engines.values():
            engine.close()

