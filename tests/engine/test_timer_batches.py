"""Due timers fire in batches: many timers, one commit; a failing timer in a batch rolls back only
its own transition, is recorded on its row, and the rest of the batch fires."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event

from engine.runtime.due import BATCH
from tests.engine.helpers import CLERK
from tests.engine.test_timers import Gateway, ticket_engine


def test_a_batch_fires_many_timers_in_one_commit(db_url: str) -> None:
    engine = ticket_engine(db_url)
    ids = [engine.start("ticket", CLERK).id for _ in range(BATCH + 5)]
    commits: list[int] = []

    def count(conn: Any) -> None:
        commits.append(1)

    event.listen(engine.db, "commit", count)
    engine.clock.set(datetime(2025, 3, 5, 10))  # type: ignore[attr-defined]
    assert engine.run_due_timers() == BATCH + 5                  # every reminder, once
    event.remove(engine.db, "commit", count)
    assert len(commits) <= 6       # two batches and the looks for more, not one per timer
    assert all([e.trigger for e in engine.history(i)] == ["create", "reminder"] for i in ids)
    assert engine.run_due_timers() == 0


def test_a_failing_timer_in_a_batch_is_recorded_and_the_others_fire(db_url: str) -> None:
    engine = ticket_engine(db_url, Gateway())
    healthy = [engine.start("ticket", CLERK).id for _ in range(3)]
    poisoned = engine.start("ticket", CLERK, {"poison": True}).id
    healthy += [engine.start("ticket", CLERK).id for _ in range(3)]
    engine.clock.set(datetime(2025, 3, 7, 0, 0, 1))  # type: ignore[attr-defined]
    fired = engine.run_due_timers()
    assert fired == 2 * len(healthy) + 1            # reminders of all, lapses of the healthy
    assert {engine.get(i).state for i in healthy} == {"lapsed"}
    assert engine.get(poisoned).state == "open"
    (lapse,) = [t for t in engine.timers(instance_id=poisoned) if t.trigger == "lapse"]
    assert (lapse.status, lapse.attempts) == ("pending", 1)
    assert "mail gateway unreachable" in (lapse.last_error or "")
    assert [e.trigger for e in engine.history(poisoned)] == ["create", "reminder"]


def test_a_limit_is_kept_across_batches(db_url: str) -> None:
    engine = ticket_engine(db_url)
    for _ in range(4):
        engine.start("ticket", CLERK)
    engine.clock.set(datetime(2025, 3, 5, 10))  # type: ignore[attr-defined]
    assert engine.run_due_timers(limit=3) == 3
    assert engine.run_due_timers() == 1
