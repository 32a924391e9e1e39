"""Subscribers get committed events after commit, at least once; failures retry, never block."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import Engine, InvalidTransition, PermissionDenied
from engine.testing import ManualClock
from tests.engine.helpers import CLERK, DIRECTOR, MANAGER, START, dump, make_engine

ITEM = {"item": "lamp", "amount": 40}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def engine(db_url: str, clock: ManualClock) -> Engine:
    return make_engine(db_url, clock)


def pending(engine: Engine) -> list[dict[str, Any]]:
    return sorted(dump(engine, ["gongkai_outbox"])["gongkai_outbox"], key=lambda r: r["id"])


def test_subscribers_get_events_after_commit(engine: Engine, db_url: str) -> None:
    observer = make_engine(db_url, register=False)  # another connection, another engine
    seen: list[tuple[str, int, list[int]]] = []

    def on_event(event: dict[str, Any]) -> None:
        # by the time we are called, the event is visible to everyone else
        committed = [e.seq for e in observer.history(event["instance_id"])]
        seen.append((event["trigger"], event["seq"], committed))

    engine.subscribe(on_event)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    assert seen == [("create", 1, [1]), ("submit", 2, [1, 2])]


def test_event_payload(engine: Engine) -> None:
    got: list[dict[str, Any]] = []
    engine.subscribe(got.append)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    engine.fire(inst.id, "approve", MANAGER, {"note": "fine"})
    last = got[-1]
    assert {k: last[k] for k in ("instance_id", "workflow", "seq", "trigger", "from_state",
                                 "to_state", "actor_id", "actor_role", "data", "topic")} == {
        "instance_id": inst.id, "workflow": "purchase", "seq": 3, "trigger": "approve",
        "from_state": "submitted", "to_state": "approved", "actor_id": "manager-1",
        "actor_role": "manager", "data": {"note": "fine"}, "topic": "event"}
    # delivered rows are gone; the mail emitted on submit waits for a process that sends mail
    assert [(r["seq"], r["topic"]) for r in pending(engine)] == [(2, "mail")]


def test_refused_transitions_are_not_delivered(engine: Engine) -> None:
    got: list[str] = []
    engine.subscribe(lambda e: got.append(e["trigger"]))
    inst = engine.start("purchase", CLERK, ITEM)
    for call, error in ((lambda: engine.fire(inst.id, "approve", MANAGER, {"note": "x"}),
                         InvalidTransition),
                        (lambda: engine.fire(inst.id, "submit", MANAGER), PermissionDenied),
                        (lambda: engine.start("purchase", DIRECTOR, ITEM), PermissionDenied)):
        with pytest.raises(error):
            call()
    engine.fire(inst.id, "submit", CLERK)
    engine.deliver_events()
    assert got == ["create", "submit"]


def test_filters_by_workflow_and_trigger(engine: Engine) -> None:
    submits: list[int] = []
    others: list[str] = []
    engine.subscribe(lambda e: submits.append(e["seq"]), workflow="purchase",
                     triggers=["submit"])
    engine.subscribe(lambda e: others.append(e["trigger"]), workflow="another-workflow")
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    engine.fire(inst.id, "cancel", CLERK)
    assert submits == [2]
    assert others == []


def test_a_failing_subscriber_is_retried_after_its_back_off(engine: Engine,
                                                            clock: ManualClock) -> None:
    calls: list[tuple[str, int]] = []
    failures = {"submit": 2}  # fail twice on the submit event, then accept it

    def flaky(event: dict[str, Any]) -> None:
        calls.append((event["trigger"], event["seq"]))
        if failures.get(event["trigger"], 0) > 0:
            failures[event["trigger"]] -= 1
            raise ConnectionError("mail gateway unreachable")

    engine.subscribe(flaky)
    inst = engine.start("purchase", CLERK, ITEM)
    submitted = engine.fire(inst.id, "submit", CLERK)           # the subscriber fails: no matter
    assert submitted.state == "submitted"
    assert engine.get(inst.id).state == "submitted"
    assert calls == [("create", 1), ("submit", 2)]
    [row] = [r for r in pending(engine) if r["topic"] == "event"]
    assert (row["seq"], row["attempts"]) == (2, 1)
    assert "mail gateway unreachable" in row["last_error"]

    assert engine.deliver_events() == 0                          # not due yet: nothing happens
    assert len(calls) == 2
    clock.advance(timedelta(seconds=1))
    assert engine.deliver_events() == 0                          # due, fails again
    assert calls[-1] == ("submit", 2)
    assert [r["attempts"] for r in pending(engine) if r["topic"] == "event"] == [2]
    clock.advance(timedelta(seconds=1))
    assert engine.deliver_events() == 0                          # the back-off has grown
    assert len(calls) == 3
    clock.advance(timedelta(seconds=1))
    assert engine.deliver_events() == 1                          # delivered at last
    assert calls == [("create", 1), ("submit", 2), ("submit", 2), ("submit", 2)]
    assert [r["topic"] for r in pending(engine)] == ["mail"]
    assert engine.deliver_events() == 0                          # once delivered, never again


def test_a_failing_subscriber_never_blocks_later_transitions(engine: Engine,
                                                             clock: ManualClock) -> None:
    delivered: list[int] = []
    gateway = {"up": False}

    def fails_on_submit(event: dict[str, Any]) -> None:
        if event["trigger"] == "submit" and not gateway["up"]:
            raise RuntimeError("down")
        delivered.append(event["seq"])

    engine.subscribe(fails_on_submit)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    engine.fire(inst.id, "hold", MANAGER)
    engine.fire(inst.id, "release", MANAGER)
    assert engine.get(inst.id).version == 4
    assert delivered == [1, 3, 4]
    gateway["up"] = True
    clock.advance(timedelta(minutes=5))
    assert engine.deliver_events() == 1
    assert delivered == [1, 3, 4, 2]


def test_emitted_messages_reach_subscribers_of_their_topic(engine: Engine) -> None:
    mail: list[dict[str, Any]] = []
    events: list[str] = []
    engine.subscribe(mail.append, topics=["mail"])
    engine.subscribe(lambda e: events.append(e["topic"]))
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)  # the "notify" action emits a mail message
    assert mail == [{"to": "manager", "instance": inst.id, "topic": "mail",
                     "instance_id": inst.id, "seq": 2, "workflow": "purchase",
                     "agency": "default"}]
    assert events == ["event", "event"]


def test_events_of_another_engine_are_delivered_from_the_table(engine: Engine,
                                                               db_url: str) -> None:
    """The outbox is a table: events committed by a process without subscribers wait there."""
    writer = make_engine(db_url, register=False)
    inst = writer.start("purchase", CLERK, ITEM)
    writer.fire(inst.id, "submit", CLERK)
    got: list[tuple[str, Any]] = []
    engine.subscribe(lambda e: got.append((e["topic"], e["seq"], e.get("to"))),
                     topics=["event", "mail"])
    assert engine.deliver_events() == 3
    assert got == [("event", 1, None), ("event", 2, None), ("mail", 2, "manager")]
    assert engine.deliver_events() == 0


def test_a_subscriber_may_fire_transitions(engine: Engine) -> None:
    seen: list[str] = []

    def hold_on_submit(event: dict[str, Any]) -> None:
        seen.append(event["trigger"])
        if event["trigger"] == "submit":
            engine.fire(event["instance_id"], "hold", MANAGER)

    engine.subscribe(hold_on_submit)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    assert engine.get(inst.id).deadlines["review"].state == "paused"
    engine.deliver_events()
    assert seen == ["create", "submit", "hold"]


def test_rows_nobody_here_wants_are_left_for_other_processes(engine: Engine, db_url: str) -> None:
    """Two processes with different subscriptions share one outbox table."""
    mailer = make_engine(db_url, register=False)      # e.g. the web process: sends mail
    reporter = make_engine(db_url, register=False)    # e.g. a reporting process: wants events
    mails: list[dict[str, Any]] = []
    events: list[int] = []
    mailer.subscribe(mails.append, topics=["mail"])
    reporter.subscribe(lambda e: events.append(e["seq"]))
    inst = mailer.start("purchase", CLERK, ITEM)
    mailer.fire(inst.id, "submit", CLERK)             # delivers its mail right after commit
    assert len(mails) == 1
    reporter.deliver_events()
    assert events == [1, 2]
