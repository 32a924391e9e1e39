"""The outbox stays bounded: delivered rows go at once, rows no subscription here wants go once
older than the retention (the time other processes have to take them), and a row a live
subscription here wants is never lost, however often its subscriber fails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import Engine, InvalidArgument
from engine.store.outbox import TIDY_CALLS, TIDY_INTERVAL
from engine.testing import ManualClock
from tests.engine import sample
from tests.engine.helpers import CLERK, START, WeekdayCalendar, dump

ITEM = {"item": "lamp", "amount": 40}


def engine_with(url: str, retention: timedelta | None, clock: ManualClock | None = None
                ) -> Engine:
    engine = Engine(url, clock=clock or ManualClock(START), calendar=WeekdayCalendar(),
                    registry=sample.make_registry(), outbox_retention=retention)
    engine.register(sample.definition())
    return engine


def outbox_rows(engine: Engine) -> list[dict[str, Any]]:
    return dump(engine, ["gongkai_outbox"])["gongkai_outbox"]


def test_with_nobody_subscribing_the_outbox_stays_bounded(db_url: str) -> None:
    clock = ManualClock(START)
    engine = engine_with(db_url, timedelta(0), clock)
    for _ in range(2 * TIDY_CALLS + 10):
        engine.start("purchase", CLERK, ITEM)
    assert len(outbox_rows(engine)) <= TIDY_CALLS
    clock.advance(TIDY_INTERVAL)
    engine.start("purchase", CLERK, ITEM)
    assert outbox_rows(engine) == []


def test_rows_wait_out_the_retention_for_other_processes(db_url: str) -> None:
    clock = ManualClock(START)
    writer = engine_with(db_url, timedelta(hours=2), clock)
    writer.start("purchase", CLERK, ITEM)
    clock.advance(timedelta(hours=1))
    writer.start("purchase", CLERK, ITEM)
    assert len(outbox_rows(writer)) == 2
    clock.advance(timedelta(hours=1, minutes=30))
    writer.start("purchase", CLERK, ITEM)      # the first row is now 2.5 hours old
    assert [r["seq"] for r in outbox_rows(writer)] == [1, 1]
    reader = engine_with(db_url, None, clock)
    got: list[int] = []
    reader.subscribe(lambda e: got.append(e["seq"]))
    assert reader.deliver_events() == 2
    assert outbox_rows(reader) == []


def test_a_failing_live_subscription_loses_nothing(db_url: str) -> None:
    clock = ManualClock(START)
    engine = engine_with(db_url, timedelta(0), clock)
    calls: list[int] = []

    def broken(event: dict[str, Any]) -> None:
        calls.append(event["seq"])
        raise ConnectionError("SMS gateway down")

    engine.subscribe(broken)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    clock.advance(timedelta(days=3))
    assert engine.deliver_events() == 0
    engine.outbox.tidy(engine.core.now(), force=True)
    assert sorted((r["topic"], r["seq"]) for r in outbox_rows(engine)) == [
        ("event", 1), ("event", 2)]                 # the mail nobody here takes is gone
    assert calls == [1, 2, 1, 2]


def test_rows_of_other_topics_go_while_wanted_ones_stay(db_url: str) -> None:
    clock = ManualClock(START)
    engine = engine_with(db_url, timedelta(0), clock)
    engine.subscribe(lambda e: (_ for _ in ()).throw(OSError("down")), topics=["mail"])
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)            # an event and a mail for the manager
    clock.advance(TIDY_INTERVAL)
    engine.outbox.tidy(engine.core.now(), force=True)
    assert [r["topic"] for r in outbox_rows(engine)] == ["mail"]


def test_delivered_rows_are_deleted_at_once(db_url: str) -> None:
    engine = engine_with(db_url, None)
    got: list[str] = []
    engine.subscribe(lambda e: got.append(e["trigger"]))
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    assert got == ["create", "submit"]
    assert [r["topic"] for r in outbox_rows(engine)] == ["mail"]   # nobody here takes mail


def test_without_retention_rows_nobody_wants_are_kept(db_url: str) -> None:
    clock = ManualClock(START)
    engine = engine_with(db_url, None, clock)
    engine.start("purchase", CLERK, ITEM)
    clock.advance(timedelta(days=400))
    assert engine.outbox.tidy(engine.core.now(), force=True) == 0
    assert len(outbox_rows(engine)) == 1


def test_a_negative_retention_is_refused(db_url: str) -> None:
    with pytest.raises(InvalidArgument, match="outbox_retention"):
        engine_with(db_url, timedelta(seconds=-1))
