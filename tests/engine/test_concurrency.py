"""Concurrent writers: one wins, the others get ConcurrentUpdate; history never gains a gap.

The racing writers are separate processes, each with its own :class:`Engine`, as they would be on
two hosts. A guard can hold every writer at a barrier *inside* its transaction, after it read the
instance and before it writes, so the race is certain rather than left to chance.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest

from engine import (
    Actor,
    ConcurrentUpdate,
    DuplicateBusinessKey,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from tests.engine.helpers import WeekdayCalendar, dump

ACTOR = Actor("racer", {"staff"})
# A fork server imports this module once; each writer is then a cheap fork of that clean process.
SPAWN = mp.get_context("forkserver")
SPAWN.set_forkserver_preload([__name__])
BARRIER_TIMEOUT = 30

_rendezvous: Barrier | None = None  # set in a child process that should wait inside its guard


def race_registry() -> Registry:
    reg = Registry()

    @reg.guard("rendezvous")
    def rendezvous(ctx: TransitionContext) -> str | None:
        global _rendezvous
        if _rendezvous is not None:
            barrier, _rendezvous = _rendezvous, None  # one wait per process
            barrier.wait(BARRIER_TIMEOUT)
        return None

    @reg.action("tally")
    def tally(ctx: TransitionContext) -> dict[str, int]:
        return {"count": ctx.instance_data.get("count", 0) + 1,
                "ticket": ctx.next_sequence("tally")}

    @reg.action("fresh_counter")
    def fresh_counter(ctx: TransitionContext) -> dict[str, int]:
        return {"ticket": ctx.next_sequence("fresh")}

    return reg


RACE = WorkflowDefinition(
    name="race", version=1, title=Title("竞争", "Race"),
    states=(State("open", kind="initial"), State("closed", kind="terminal")),
    transitions=(
        Transition("start", (), "open", guards=("rendezvous",)),
        Transition("bump", ("open",), None, guards=("rendezvous",), actions=("tally",)),
        Transition("number", ("open",), None, guards=("rendezvous",),
                   actions=("fresh_counter",)),
        Transition("close", ("open",), "closed"),
    ))


def new_engine(url: str) -> Engine:
    return Engine(url, calendar=WeekdayCalendar(), registry=race_registry())


# -- child processes -------------------------------------------------------------------------

def _fire_once(url: str, instance_id: str, trigger: str, expected: int | None, inside: bool,
               barrier: Barrier, results: Any) -> None:
    """Fire once, meeting the other writers at the barrier before or inside the transaction."""
    global _rendezvous
    engine = new_engine(url)
    if inside:
        _rendezvous = barrier
    else:
        barrier.wait(BARRIER_TIMEOUT)
    try:
        inst = engine.fire(instance_id, trigger, ACTOR, expected_version=expected)
        results.put(("won", inst.version, dict(inst.data)))
    except ConcurrentUpdate as exc:
        results.put(("lost", exc.expected, exc.actual))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", type(exc).__name__, str(exc)))


def _fire_once_outside(url: str, instance_id: str, trigger: str, expected: int | None,
                       barrier: Barrier, results: Any) -> None:
    _fire_once(url, instance_id, trigger, expected, False, barrier, results)


def _fire_once_inside(url: str, instance_id: str, trigger: str, expected: int | None,
                      barrier: Barrier, results: Any) -> None:
    _fire_once(url, instance_id, trigger, expected, True, barrier, results)


def _start_once(url: str, business_key: str, barrier: Barrier, results: Any) -> None:
    global _rendezvous
    engine = new_engine(url)
    _rendezvous = barrier
    try:
        results.put(("won", engine.start("race", ACTOR, business_key=business_key).id))
    except DuplicateBusinessKey as exc:
        results.put(("duplicate", exc.business_key))
    except Exception as exc:
        results.put(("error", type(exc).__name__, str(exc)))


def _hammer(url: str, instance_id: str, fires: int, barrier: Barrier, results: Any) -> None:
    """Fire ``bump`` many times without expected_version, retrying lost races."""
    engine = new_engine(url)
    barrier.wait(BARRIER_TIMEOUT)
    won = lost = 0
    for _ in range(fires):
        try:
            engine.fire(instance_id, "bump", ACTOR, retries=1000)
            won += 1
        except ConcurrentUpdate:
            lost += 1
    results.put((won, lost))


def run_processes(target: Callable[..., None], args_per_process: list[tuple[Any, ...]]
                  ) -> list[Any]:
    """Run ``target(*args, barrier, results)`` in one spawned process per args; their results."""
    results = SPAWN.Queue()
    barrier = SPAWN.Barrier(len(args_per_process))
    procs = [SPAWN.Process(target=target, args=(*args, barrier, results))
             for args in args_per_process]
    for p in procs:
        p.start()
    try:
        out = [results.get(timeout=120) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    return sorted(out, key=repr)


def gap_free(engine: Engine, instance_id: str) -> list[int]:
    """The instance's event sequence numbers, checked to run 1..version without a gap."""
    seqs = [e.seq for e in engine.history(instance_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert engine.get(instance_id).version == len(seqs)
    engine.verify_history(instance_id)
    return seqs


def counter(engine: Engine, name: str) -> int | None:
    rows = [r["value"] for r in dump(engine, ["gongkai_counters"])["gongkai_counters"]
            if r["name"] == name]
    return rows[0] if rows else None


@pytest.fixture
def race(db_url: str) -> tuple[Engine, str]:
    engine = new_engine(db_url)
    engine.register(RACE)
    return engine, engine.start("race", ACTOR).id


# -- one race, two processes -----------------------------------------------------------------

def test_two_processes_fire_with_the_same_expected_version(race: tuple[Engine, str]) -> None:
    """Both read version 1 and fire with expected_version=1: exactly one wins."""
    engine, iid = race
    args = (engine.url, iid, "bump", 1, False)
    outcomes = run_processes(_fire_once_outside, [args[:4], args[:4]])
    assert [o[0] for o in outcomes] == ["lost", "won"], outcomes
    assert outcomes[0][1:] == (1, 2)                     # expected 1, found 2
    assert outcomes[1][1] == 2 and outcomes[1][2]["count"] == 1
    assert gap_free(engine, iid) == [1, 2]
    assert counter(engine, "tally") == 1


def test_two_processes_race_inside_their_transactions(pg_url: str) -> None:
    """Both have read version 1 inside their transactions when they write: one wins.

    The loser's UPDATE finds the row version moved on and everything it did is rolled back,
    including the counter it advanced.
    """
    engine = new_engine(pg_url)
    engine.register(RACE)
    iid = engine.start("race", ACTOR).id
    for expected in (1, None):
        version = engine.get(iid).version
        outcomes = run_processes(_fire_once_inside, [(pg_url, iid, "bump", expected)] * 2)
        assert [o[0] for o in outcomes] == ["lost", "won"], outcomes
        assert outcomes[0][1:] == (version, version + 1)
        assert outcomes[1][1] == version + 1
    assert gap_free(engine, iid) == [1, 2, 3]
    assert engine.get(iid).data == {"count": 2, "ticket": 2}
    assert counter(engine, "tally") == 2
    events = [r for r in dump(engine)["gongkai_outbox"] if r["topic"] == "event"]
    assert sorted(r["seq"] for r in events) == [1, 2, 3]


def test_two_processes_start_with_one_business_key(pg_url: str) -> None:
    engine = new_engine(pg_url)
    engine.register(RACE)
    outcomes = run_processes(_start_once, [(pg_url, "K-1")] * 2)
    assert [o[0] for o in outcomes] == ["duplicate", "won"], outcomes
    found = list(engine.find(business_key="K-1"))
    assert [i.id for i in found] == [outcomes[1][1]]
    assert len(dump(engine)["gongkai_events"]) == 1


def test_first_use_of_a_counter_by_two_processes(pg_url: str) -> None:
    """Two transitions on two instances take the first numbers of a new counter at once."""
    engine = new_engine(pg_url)
    engine.register(RACE)
    a, b = engine.start("race", ACTOR).id, engine.start("race", ACTOR).id
    outcomes = run_processes(_fire_once_inside, [(pg_url, a, "number", None),
                                                 (pg_url, b, "number", None)])
    assert [o[0] for o in outcomes] == ["won", "won"], outcomes
    assert sorted(o[2]["ticket"] for o in outcomes) == [1, 2]
    assert counter(engine, "fresh") == 2


# -- many writers -----------------------------------------------------------------------------

def test_many_processes_without_expected_version_leave_no_gap(race: tuple[Engine, str]) -> None:
    engine, iid = race
    per_process = 15
    outcomes = run_processes(_hammer, [(engine.url, iid, per_process)] * 3)
    won = sum(o[0] for o in outcomes)
    assert won == 3 * per_process
    assert gap_free(engine, iid) == list(range(1, won + 2))
    assert engine.get(iid).data["count"] == won          # no lost update
    assert counter(engine, "tally") == won


@pytest.mark.parametrize("shared", [True, False], ids=["one engine", "engine per thread"])
def test_many_threads_without_expected_version_leave_no_gap(race: tuple[Engine, str],
                                                           shared: bool) -> None:
    engine, iid = race
    threads, per_thread = 4, 10
    start = threading.Barrier(threads)
    results: list[tuple[int, int]] = []

    def work() -> None:
        mine = engine if shared else new_engine(engine.url)
        start.wait(BARRIER_TIMEOUT)
        won = lost = 0
        for _ in range(per_thread):
            try:
                mine.fire(iid, "bump", ACTOR, retries=1000)
                won += 1
            except ConcurrentUpdate:
                lost += 1
        results.append((won, lost))

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    assert sorted(results) == [(per_thread, 0)] * threads
    total = threads * per_thread
    assert gap_free(engine, iid) == list(range(1, total + 2))
    assert engine.get(iid).data["count"] == total
    assert counter(engine, "tally") == total


def test_without_retries_a_lost_race_is_reported_not_half_applied(pg_url: str) -> None:
    engine = new_engine(pg_url)
    engine.register(RACE)
    iid = engine.start("race", ACTOR).id
    outcomes = run_processes(_fire_once_inside, [(pg_url, iid, "bump", None)] * 2)
    assert [o[0] for o in outcomes] == ["lost", "won"], outcomes
    assert gap_free(engine, iid) == [1, 2]
    assert counter(engine, "tally") == 1
