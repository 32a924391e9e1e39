"""A batch of due timers runs first the fast way (marks without a savepoint, outbox rows held for
one insert at the end); when anything in it fails, it is rolled back and run again the careful
way, so a failing timer is still recorded on its own row and the rest of the batch fires."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from engine import Engine, Registry, TransitionContext
from engine.store import tables
from engine.testing import ManualClock
from tests.engine import timer_defs
from tests.engine.helpers import CLERK, START, WeekdayCalendar
from tests.engine.test_timers import ticket_engine


@contextmanager
def failing_update_of(engine: Engine, instance_id: str) -> Iterator[None]:
    """Make the instance row update of one instance fail (its disk sector is bad, say)."""

    def boom(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if (statement.lstrip().lower().startswith("update gongkai_instances")
                and instance_id in repr(parameters)):
            raise OSError(f"injected failure writing {instance_id}")

    event.listen(engine.db, "before_cursor_execute", boom)
    try:
        yield
    finally:
        event.remove(engine.db, "before_cursor_execute", boom)


def test_a_reminder_that_cannot_be_written_is_recorded_and_the_others_fire(db_url: str) -> None:
    engine = ticket_engine(db_url)
    ids = [engine.start("ticket", CLERK).id for _ in range(5)]
    broken = ids[2]
    engine.clock.set(datetime(2025, 3, 5, 10))  # type: ignore[attr-defined]
    with failing_update_of(engine, broken):
        assert engine.run_due_timers() == 4
    for iid in ids:
        expected = ["create"] if iid == broken else ["create", "reminder"]
        assert [e.trigger for e in engine.history(iid)] == expected
    (reminder,) = [t for t in engine.timers(instance_id=broken) if t.trigger == "reminder"]
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert "injected failure" in (reminder.last_error or "")
    for iid in ids:
        engine.verify_history(iid)       # raises HistoryTampered if the chain broke


def _mailer(ctx: TransitionContext) -> dict[str, Any]:
    """The expiry action: a poisoned ticket emits a message no JSON column can hold."""
    if ctx.instance_data.get("poison"):
        ctx.emit("mail", {"to": {"not", "json"}})
    return {"notified": True}


def test_a_message_the_database_refuses_fails_its_timer_alone(db_url: str) -> None:
    registry: Registry = timer_defs.ticket_registry(_mailer)
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry, outbox_retention=None)
    engine.register(timer_defs.ticket(("notify_gateway",)))
    healthy = [engine.start("ticket", CLERK).id for _ in range(2)]
    poisoned = engine.start("ticket", CLERK, {"poison": True}).id
    healthy += [engine.start("ticket", CLERK).id for _ in range(2)]
    engine.clock.set(datetime(2025, 3, 7, 0, 0, 1))  # type: ignore[attr-defined]
    assert engine.run_due_timers() == 2 * len(healthy) + 1   # reminders of all, lapses
    assert {engine.get(i).state for i in healthy} == {"lapsed"}
    assert engine.get(poisoned).state == "open"
    (lapse,) = [t for t in engine.timers(instance_id=poisoned) if t.trigger == "lapse"]
    assert (lapse.status, lapse.attempts) == ("pending", 1)
    o = tables.outbox
    with engine.db.connect() as conn:
        rows = conn.execute(sa.select(o.c.instance_id, o.c.trigger).order_by(o.c.id)).all()
    assert sorted(r.trigger for r in rows if r.instance_id == poisoned) == ["create", "reminder"]
    for iid in healthy:
        assert [r.trigger for r in rows if r.instance_id == iid] == [
            "create", "reminder", "lapse"]
