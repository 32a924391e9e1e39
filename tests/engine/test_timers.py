"""Durable timers: written and cancelled with the transition that changed their clock, fired once
and in order, retried with back-off when their transition fails, parked as ``failed`` at last.

Reminders fall due at 09:00 Beijing time on their day; a deadline at 00:00 Beijing on the day
after the due date (the period ends at the end of its last day). Most tests run on the Monday to
Friday calendar of ``tests.engine.helpers`` (no holidays), where the days are easy to count; one
runs on the official Chinese calendar to put a reminder on a make-up Saturday.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from calendars import ChinaCalendar
from engine import Engine, TransitionContext
from engine.runtime.due import MAX_ATTEMPTS
from engine.testing import ManualClock
from tests.engine import timer_defs
from tests.engine.helpers import CLERK, MANAGER, START, WeekdayCalendar, make_engine

BEIJING = timedelta(hours=8)


def beijing(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """A Beijing wall-clock time, as the UTC moment stored in the timer rows."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC) - BEIJING


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def timer_rows(engine: Engine, instance_id: str) -> list[tuple[str, str, datetime, str]]:
    """(kind, trigger, due_at, status) of every timer of the instance, by due time."""
    return [(t.kind, t.trigger, utc(t.due_at), t.status)
            for t in engine.timers(instance_id=instance_id)]


def triggers(engine: Engine, instance_id: str) -> list[str]:
    return [e.trigger for e in engine.history(instance_id)]


@contextmanager
def failing(engine: Engine, statement_prefix: str) -> Iterator[None]:
    """Make every SQL statement starting with ``statement_prefix`` fail (a full disk, say)."""

    def boom(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().lower().startswith(statement_prefix.lower()):
            raise OSError(f"injected failure on {statement_prefix!r}")

    event.listen(engine.db, "before_cursor_execute", boom)
    try:
        yield
    finally:
        event.remove(engine.db, "before_cursor_execute", boom)


class Gateway:
    """The expiry action of the ticket workflow: raises for poisoned tickets and on its first
    ``failures`` calls (``None``: on every call); records when it was called."""

    def __init__(self, failures: int | None = 0) -> None:
        self.failures = failures
        self.calls: list[datetime] = []

    def __call__(self, ctx: TransitionContext) -> dict[str, Any]:
        self.calls.append(ctx.now)
        if ctx.instance_data.get("poison"):
            raise ConnectionError("mail gateway unreachable")
        if self.failures is None or len(self.calls) <= self.failures:
            raise ConnectionError(f"mail gateway unreachable (call {len(self.calls)})")
        return {"notified": True}


def ticket_engine(url: str, gateway: Gateway | None = None) -> Engine:
    """Tickets on the weekday calendar from Mon 2025-03-03 10:00 (Beijing).

    Clock ``answer``: 3 working days from Mon 3-3 → 3-4, 3-5, 3-6: due Thu 3-6; its reminder one
    working day before, Wed 3-5 09:00; ``lapse`` fires at 00:00 on Fri 3-7.
    """
    actions = ("notify_gateway",) if gateway else ()
    engine = Engine(url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=timer_defs.ticket_registry(gateway or Gateway()))
    engine.register(timer_defs.ticket(actions))
    return engine


# -- written with the transition ------------------------------------------------------------------

def test_timers_are_written_by_the_transition_that_starts_the_clock(db_url: str) -> None:
    # Sample review clock: 5 working days from Mon 2025-03-03 → 3-4…3-7, 3-10: due Mon 3-10.
    # Reminder 2 working days before → Thu 3-6 at 09:00; escalation at 00:00 on Tue 3-11.
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    assert engine.timers(instance_id=pid) == []
    engine.fire(pid, "submit", CLERK)
    assert timer_rows(engine, pid) == [
        ("reminder", "reminder", beijing(2025, 3, 6, 9), "pending"),
        ("automatic", "escalate", beijing(2025, 3, 11), "pending"),
    ]
    rows = engine.timers(instance_id=pid)
    assert {(t.clock, t.state, t.attempts) for t in rows} == {("review", "submitted", 0)}
    assert len({t.epoch for t in rows}) == 1


def test_a_transition_whose_timers_cannot_be_written_leaves_no_trace(db_url: str) -> None:
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    with failing(engine, "INSERT INTO gongkai_timers"), pytest.raises(Exception, match="injected"):
        engine.fire(pid, "submit", CLERK)
    inst = engine.get(pid)
    assert (inst.state, inst.version, inst.deadlines) == ("draft", 1, {})
    assert triggers(engine, pid) == ["create"]
    assert engine.timers(instance_id=pid) == []
    engine.fire(pid, "submit", CLERK)  # the same transition, now that the disk has room
    assert [t.status for t in engine.timers(instance_id=pid)] == ["pending", "pending"]


def test_cancelling_stale_timers_is_part_of_the_pausing_transition(db_url: str) -> None:
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    engine.fire(pid, "submit", CLERK)
    with failing(engine, "UPDATE gongkai_timers"), pytest.raises(Exception, match="injected"):
        engine.fire(pid, "hold", MANAGER)
    assert engine.get(pid).deadlines["review"].state == "running"
    assert [t.status for t in engine.timers(instance_id=pid)] == ["pending", "pending"]
    engine.fire(pid, "hold", MANAGER)
    assert [t.status for t in engine.timers(instance_id=pid)] == ["cancelled", "cancelled"]


# -- fired once, in order -------------------------------------------------------------------------

def test_reminder_then_deadline_fire_once_and_in_order(db_url: str) -> None:
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    engine.fire(pid, "submit", CLERK)
    # One second before the reminder nothing is due.
    assert engine.advance(datetime(2025, 3, 6, 8, 59, 59)) == 0
    assert engine.advance(datetime(2025, 3, 20)) == 2
    events = engine.history(pid)
    assert [e.trigger for e in events] == ["create", "submit", "reminder", "escalate"]
    reminder, escalate = events[2], events[3]
    assert reminder.event_time == beijing(2025, 3, 6, 9)
    assert (reminder.actor_id, reminder.from_state, reminder.to_state) == (
        "system", "submitted", "submitted")
    # On Thu 3-6 the due date Mon 3-10 is two working days away (3-7, 3-10).
    assert dict(reminder.data) == {"clock": "review", "due_date": "2025-03-10", "days_before": 2}
    assert escalate.event_time == beijing(2025, 3, 11)
    assert (escalate.actor_id, escalate.to_state) == ("system", "escalated")
    inst = engine.get(pid)
    assert (inst.state, inst.deadlines["review"].state) == ("escalated", "stopped")
    assert [(t.status, utc(t.fired_at)) for t in engine.timers(instance_id=pid)] == [
        ("fired", beijing(2025, 3, 6, 9)), ("fired", beijing(2025, 3, 11))]
    # Nothing fires twice, however long the clock runs on.
    assert engine.advance(datetime(2025, 6, 1)) == 0
    assert engine.run_due_timers() == 0
    assert len(engine.history(pid)) == 4
    engine.verify_history(pid)


def test_reminder_at_nine_on_a_make_up_saturday_and_overdue_at_midnight(db_url: str) -> None:
    # Official calendar. Received Mon 2025-09-15: 9-16…9-19 (4), 9-22…9-26 (9), Sun 9-28 调休
    # (10), 9-29, 9-30 (12); 10-1…10-8 off; 10-9, 10-10 (14), Sat 10-11 调休 (15), 10-13…10-17
    # (20): due Fri 10-17. Five working days before it: 10-16, 10-15, 10-14, 10-13, Sat 10-11.
    clock = ManualClock(datetime(2025, 9, 15, 10))
    engine = Engine(db_url, clock=clock, calendar=ChinaCalendar(provisional=True))
    engine.register(timer_defs.request())
    rid = engine.start("request", timer_defs.CLERK, {"received_on": "2025-09-15"}).id
    assert timer_rows(engine, rid) == [
        ("reminder", "reminder", beijing(2025, 10, 11, 9), "pending"),
        ("deadline", "overdue", beijing(2025, 10, 18), "pending"),
    ]
    assert engine.advance(datetime(2025, 10, 11, 8, 59, 59)) == 0
    assert engine.advance(datetime(2025, 10, 11, 9)) == 1
    assert engine.history(rid)[-1].data["days_before"] == 5
    assert engine.advance(datetime(2025, 10, 17, 23, 59, 59)) == 0
    assert engine.get(rid).deadlines["reply"].overdue is False
    assert engine.advance(datetime(2025, 10, 18)) == 1
    mark = engine.history(rid)[-1]
    assert (mark.trigger, mark.to_state, mark.event_time) == (
        "overdue", "registered", beijing(2025, 10, 18))
    assert mark.data["due_date"] == "2025-10-17"
    reply = engine.get(rid).deadlines["reply"]
    assert (reply.state, reply.overdue) == ("expired", True)


def test_automatic_transition_gets_the_due_date_of_its_clock(db_url: str) -> None:
    engine = ticket_engine(db_url)
    tid = engine.start("ticket", CLERK).id
    assert engine.advance(datetime(2025, 3, 10)) == 2
    lapse = engine.history(tid)[-1]
    assert (lapse.trigger, lapse.to_state, lapse.event_time) == (
        "lapse", "lapsed", beijing(2025, 3, 7))
    assert lapse.data == {"lapsed_on": "2025-03-06"}
    assert engine.get(tid).closed


# -- stale timers are cancelled, never fired ------------------------------------------------------

def test_pause_cancels_and_resume_writes_timers_for_the_new_deadline(db_url: str) -> None:
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    engine.fire(pid, "submit", CLERK)  # Mon 3-3, due Mon 3-10
    engine.advance(datetime(2025, 3, 5, 10))
    engine.fire(pid, "hold", MANAGER)  # Wed 3-5: used 3-4, 3-5; 3 left
    assert [t.status for t in engine.timers(instance_id=pid)] == ["cancelled", "cancelled"]
    assert engine.advance(datetime(2025, 3, 24, 10)) == 0  # past 3-6 and 3-11: nothing fires
    assert triggers(engine, pid) == ["create", "submit", "hold"]
    # Released Mon 3-24: 3-25, 3-26, 3-27 → due Thu 3-27; reminder 2 before → Tue 3-25 09:00.
    engine.fire(pid, "release", MANAGER)
    assert [r for r in timer_rows(engine, pid) if r[3] == "pending"] == [
        ("reminder", "reminder", beijing(2025, 3, 25, 9), "pending"),
        ("automatic", "escalate", beijing(2025, 3, 28), "pending"),
    ]
    assert engine.advance(datetime(2025, 4, 1)) == 2
    assert triggers(engine, pid) == ["create", "submit", "hold", "release", "reminder",
                                     "escalate"]
    assert [e.event_time for e in engine.history(pid)[-2:]] == [
        beijing(2025, 3, 25, 9), beijing(2025, 3, 28)]


def test_restart_cancels_a_due_but_unfired_reminder(db_url: str) -> None:
    engine = ticket_engine(db_url)
    tid = engine.start("ticket", CLERK).id
    # Wed 3-5 10:00: the 09:00 reminder is due but no worker has run yet.
    engine.clock.set(datetime(2025, 3, 5, 10))  # type: ignore[attr-defined]
    engine.fire(tid, "restart", CLERK)
    # 3 afresh from Wed 3-5: 3-6, 3-7, 3-10 → due Mon 3-10; reminder Fri 3-7 09:00; lapse at
    # 00:00 on Tue 3-11 (rows by due time: the old lapse, 3-7 00:00, sorts before 3-7 09:00).
    assert timer_rows(engine, tid) == [
        ("reminder", "reminder", beijing(2025, 3, 5, 9), "cancelled"),
        ("automatic", "lapse", beijing(2025, 3, 7), "cancelled"),
        ("reminder", "reminder", beijing(2025, 3, 7, 9), "pending"),
        ("automatic", "lapse", beijing(2025, 3, 11), "pending"),
    ]
    assert engine.advance(datetime(2025, 3, 12)) == 2
    events = engine.history(tid)
    assert [(e.trigger, e.event_time) for e in events[2:]] == [
        ("reminder", beijing(2025, 3, 7, 9)), ("lapse", beijing(2025, 3, 11))]
    assert events[-1].data == {"lapsed_on": "2025-03-10"}


def test_extension_moves_the_timers(db_url: str) -> None:
    engine = ticket_engine(db_url)
    tid = engine.start("ticket", CLERK).id
    engine.fire(tid, "extend", CLERK)
    # Due Thu 3-6 + 2 working days → Mon 3-10; reminder Fri 3-7 09:00; lapse Tue 3-11 00:00.
    assert [r for r in timer_rows(engine, tid) if r[3] == "pending"] == [
        ("reminder", "reminder", beijing(2025, 3, 7, 9), "pending"),
        ("automatic", "lapse", beijing(2025, 3, 11), "pending"),
    ]
    assert engine.advance(datetime(2025, 3, 10, 23, 59)) == 1
    assert engine.get(tid).state == "open"
    assert engine.advance(datetime(2025, 3, 11)) == 1
    assert engine.get(tid).state == "lapsed"


def test_stopping_the_clock_cancels_its_timers(db_url: str) -> None:
    engine = make_engine(db_url)
    pid = engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    engine.fire(pid, "submit", CLERK)
    engine.fire(pid, "approve", MANAGER, {"note": "ok"})
    assert [t.status for t in engine.timers(instance_id=pid)] == ["cancelled", "cancelled"]
    assert engine.advance(datetime(2025, 4, 1)) == 0
    assert triggers(engine, pid) == ["create", "submit", "approve"]


def test_closing_cancels_every_timer_even_of_a_clock_it_does_not_stop(db_url: str) -> None:
    # ``close`` leads to a terminal state with no effect on the clock: its timers are stale all
    # the same (a closed instance takes no trigger).
    engine = ticket_engine(db_url)
    tid = engine.start("ticket", CLERK).id
    engine.fire(tid, "close", CLERK)
    assert [t.status for t in engine.timers(instance_id=tid)] == ["cancelled", "cancelled"]
    assert engine.advance(datetime(2025, 4, 1)) == 0
    assert triggers(engine, tid) == ["create", "close"]


def test_state_change_that_leaves_the_clock_running_keeps_its_timers(db_url: str) -> None:
    # ``move`` changes the state but not the clock, and ``lapse`` is valid in the new state too:
    # the period still runs, so its expiry still fires (from the new state).
    engine = ticket_engine(db_url)
    tid = engine.start("ticket", CLERK).id
    engine.fire(tid, "move", CLERK)
    assert [t.status for t in engine.timers(instance_id=tid)] == ["pending", "pending"]
    assert engine.advance(datetime(2025, 3, 10)) == 2
    lapse = engine.history(tid)[-1]
    assert (lapse.trigger, lapse.from_state, lapse.to_state) == ("lapse", "moved", "lapsed")


# -- failures: retried with back-off, then parked ------------------------------------------------

def test_failing_expiry_is_retried_with_back_off_then_parked_as_failed(db_url: str) -> None:
    gateway = Gateway(failures=None)  # never succeeds
    engine = ticket_engine(db_url, gateway)
    tid = engine.start("ticket", CLERK).id
    assert engine.advance(datetime(2025, 3, 6, 23, 59)) == 1  # the reminder
    due = beijing(2025, 3, 7)
    engine.clock.set(due)  # type: ignore[attr-defined]
    assert engine.run_due_timers() == 0
    (timer,) = [t for t in engine.timers(instance_id=tid) if t.trigger == "lapse"]
    assert (timer.status, timer.attempts) == ("pending", 1)
    assert "ConnectionError: mail gateway unreachable" in timer.last_error
    assert utc(timer.due_at) > due  # backed off, not retried at once
    assert engine.run_due_timers() == 0 and len(gateway.calls) == 1
    # Let simulated time run: every retry happens, each later than the one before.
    assert engine.advance(datetime(2025, 3, 8)) == 0
    assert len(gateway.calls) == MAX_ATTEMPTS
    gaps = [b - a for a, b in zip(gateway.calls, gateway.calls[1:], strict=False)]
    assert all(g > timedelta(0) for g in gaps)
    assert all(later > earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    (parked,) = engine.timers(status="failed")
    assert (parked.instance_id, parked.trigger, parked.attempts) == (tid, "lapse", MAX_ATTEMPTS)
    assert "mail gateway unreachable" in parked.last_error
    # The failed attempts left no trace on the instance, and a parked timer is not retried.
    assert triggers(engine, tid) == ["create", "reminder"]
    assert engine.get(tid).state == "open"
    assert engine.advance(datetime(2025, 4, 1)) == 0
    assert len(gateway.calls) == MAX_ATTEMPTS
    engine.verify_history(tid)


def test_transient_failure_fires_once_on_a_later_attempt(db_url: str) -> None:
    gateway = Gateway(failures=2)
    engine = ticket_engine(db_url, gateway)
    tid = engine.start("ticket", CLERK).id
    assert engine.advance(datetime(2025, 3, 8)) == 2  # reminder + lapse on its third try
    assert len(gateway.calls) == 3
    assert triggers(engine, tid) == ["create", "reminder", "lapse"]
    (timer,) = [t for t in engine.timers(instance_id=tid) if t.trigger == "lapse"]
    assert (timer.status, timer.attempts) == ("fired", 2)
    assert engine.history(tid)[-1].data["notified"] is True
    assert engine.timers(status="failed") == []


def test_one_failing_timer_does_not_hold_up_the_others(db_url: str) -> None:
    engine = ticket_engine(db_url, Gateway())
    poisoned = engine.start("ticket", CLERK, {"poison": True}).id
    healthy = engine.start("ticket", CLERK).id
    engine.advance(datetime(2025, 3, 7))
    assert engine.get(healthy).state == "lapsed"
    assert engine.get(poisoned).state == "open"
    assert [t.trigger for t in engine.timers(status="failed")] == []  # still retrying
    engine.advance(datetime(2025, 3, 7, 1))
    (parked,) = engine.timers(status="failed")
    assert parked.instance_id == poisoned
    # The failure is there for staff to see; the instance can still be handled by hand.
    engine.fire(poisoned, "finish", CLERK)
    assert engine.get(poisoned).state == "done"


def test_due_dates_of_timers_are_beijing_days(db_url: str) -> None:
    # A transition at 23:30 Beijing on Mon 3-3 (15:30 UTC, still 3-3 in UTC too) and one at
    # 00:30 Beijing on Tue 3-4 (16:30 UTC on 3-3): the second clock starts on 3-4 in Beijing.
    engine = ticket_engine(db_url)
    engine.clock.set(datetime(2025, 3, 3, 23, 30))  # type: ignore[attr-defined]
    first = engine.start("ticket", CLERK).id
    engine.clock.set(datetime(2025, 3, 4, 0, 30))  # type: ignore[attr-defined]
    second = engine.start("ticket", CLERK).id
    assert engine.get(first).deadlines["answer"].due_date == date(2025, 3, 6)
    assert engine.get(second).deadlines["answer"].due_date == date(2025, 3, 7)
    assert timer_rows(engine, second)[-1][2] == beijing(2025, 3, 8)
