"""Save, reload, continue: a scenario run with a brand-new Engine between every step ends exactly
as the same scenario run straight through (times match: both run on a ManualClock)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine import Engine, WorkflowError
from engine.testing import ManualClock
from tests.engine.helpers import (
    CLERK,
    DIRECTOR,
    MANAGER,
    START,
    WeekdayCalendar,
    dump,
    make_engine,
    normalise_ids,
    other_database,
)
from tests.engine.sample import make_registry

Step = Callable[[Engine, dict[str, str]], Any]


def start(name: str, amount: int) -> Step:
    def step(e: Engine, ids: dict[str, str]) -> Any:
        inst = e.start("purchase", CLERK, {"item": name, "amount": amount}, business_key=name)
        ids[name] = inst.id
        return inst
    return step


def fire(name: str, trigger: str, actor: Any, data: dict[str, Any] | None = None) -> Step:
    def step(e: Engine, ids: dict[str, str]) -> Any:
        try:
            return e.fire(ids[name], trigger, actor, data)
        except WorkflowError as exc:  # refusals are part of the scenario
            return f"{type(exc).__name__}: {exc}"
    return step


def wait(**delta: float) -> Step:
    def step(e: Engine, ids: dict[str, str]) -> Any:
        assert isinstance(e.clock, ManualClock)
        return e.clock.advance(timedelta(**delta))
    return step


def timers(e: Engine, ids: dict[str, str]) -> Any:
    return e.run_due_timers()


def look(e: Engine, ids: dict[str, str]) -> Any:
    names = {i: n for n, i in ids.items()}
    return ([e.get(i) for i in ids.values()],
            [e.available_triggers(i, MANAGER) for i in ids.values()],
            sorted(names[i.id] for i in e.find(closed=False, page_size=1)))  # ids are random


SCENARIO: list[Step] = [
    start("A", 500), start("B", 5000), look,
    fire("A", "submit", CLERK), wait(days=1), fire("B", "submit", CLERK), look,
    fire("A", "hold", MANAGER), wait(days=3),
    fire("A", "cancel", MANAGER),                         # refused: PermissionDenied
    fire("A", "approve", MANAGER, {}),                    # refused: InvalidData
    fire("A", "release", MANAGER), wait(hours=2), look,
    fire("B", "approve", MANAGER, {"note": "over my limit"}),
    wait(days=10), timers, look,                          # A's review period ran out: escalated
    fire("A", "approve", DIRECTOR, {"note": "late but fine"}),
    fire("B", "reject", DIRECTOR, {"note": "no budget"}),
    start("C", 1), fire("C", "cancel", CLERK), fire("C", "cancel", CLERK), look,
]


def run(url: str, fresh_between_steps: bool) -> tuple[list[Any], dict[str, str], Engine]:
    clock = ManualClock(START)
    engine = make_engine(url, clock)
    ids: dict[str, str] = {}
    results = []
    for step in SCENARIO:
        if fresh_between_steps:
            engine = Engine(url, clock=clock, calendar=WeekdayCalendar(),
                            registry=make_registry())  # registers nothing: loads from storage
        results.append(step(engine, ids))
    return results, ids, engine


def comparable(value: Any, ids: dict[str, str]) -> Any:
    """Snapshots and rows as plain data, instance ids named, hashes and row digests (which cover
    ids) dropped."""
    names = {v: f"<{k}>" for k, v in ids.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        value = {k: comparable(v, ids) for k, v in value.items()
                 if k not in ("hash", "prev_hash", "last_hash", "row_digest")}
    elif isinstance(value, list | tuple):
        value = [comparable(v, ids) for v in value]
    elif isinstance(value, str) and value in names:
        return names[value]
    elif isinstance(value, str):
        for raw, name in names.items():
            value = value.replace(raw, name)
    return normalise_ids(value, names)


def test_a_fresh_engine_between_steps_changes_nothing(db_url: str, tmp_path: Path) -> None:
    straight, ids1, e1 = run(db_url, fresh_between_steps=False)
    with other_database(db_url, tmp_path) as other:
        restored, ids2, e2 = run(other, fresh_between_steps=True)
        assert list(ids1) == list(ids2) == ["A", "B", "C"]

        # the scenario did what it says
        final = {name: e1.get(i) for name, i in ids1.items()}
        assert {n: i.state for n, i in final.items()} == {
            "A": "approved", "B": "rejected", "C": "rejected"}
        assert "escalate" in [e.trigger for e in e1.history(ids1["A"])]
        refusals = [r for r in straight if isinstance(r, str)]
        assert [r.split(":")[0] for r in refusals] == [
            "PermissionDenied", "InvalidData", "InvalidTransition"]

        # ...and did it identically both ways, step by step and in every table
        assert comparable(restored, ids2) == comparable(straight, ids1)
        for name in ids1:
            assert comparable(e2.get(ids2[name]), ids2) == comparable(final[name], ids1)
            assert comparable(e2.history(ids2[name]), ids2) == comparable(
                e1.history(ids1[name]), ids1)
            e1.verify_history(ids1[name])
            e2.verify_history(ids2[name])
        assert tables(e2, ids2) == tables(e1, ids1)


def tables(engine: Engine, ids: dict[str, str]) -> dict[str, list[Any]]:
    out = {}
    for table, rows in dump(engine).items():
        plain = [comparable({k: v for k, v in r.items() if k != "id" or table in (
            "gongkai_instances",)}, ids) for r in rows]
        out[table] = sorted(plain, key=repr)
    return out


def test_times_are_the_clocks(db_url: str) -> None:
    """Every recorded time comes from the injected clock, not the wall clock."""
    clock = ManualClock(datetime(2031, 6, 2, 9, 30))
    engine = make_engine(db_url, clock)
    inst = engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    clock.advance(timedelta(minutes=7))
    engine.fire(inst.id, "submit", CLERK)
    assert [e.event_time for e in engine.history(inst.id)] == [
        clock.now() - timedelta(minutes=7), clock.now()]
    assert engine.get(inst.id).updated_at == clock.now()
