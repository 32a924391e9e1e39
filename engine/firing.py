"""Firing due timers through the ordinary transition path, exactly once.

Each timer is claimed and fired in one transaction: on PostgreSQL the claim is ``FOR UPDATE SKIP
LOCKED`` (many workers on many hosts share the table), on SQLite the single writer lock. A timer
whose clock or instance moved on is cancelled, never fired. A timer whose transition fails is
retried with back-off and, after :data:`MAX_ATTEMPTS`, parked as ``failed`` with its error.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from engine import storage
from engine.actor import SYSTEM
from engine.clocks import due_date
from engine.database import is_sqlite
from engine.decide import decide_fire, decide_mark, records_of
from engine.definition import Clock
from engine.recompute import moved, recompute_instance
from engine.timers import AUTOMATIC, REMINDER
from engine.timesource import local_date, utc_now
from engine.transaction import write

if TYPE_CHECKING:
    from engine.runtime import Engine

log = logging.getLogger("gongkai.timers")
MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(seconds=30)


def run_due_timers(engine: Engine, limit: int | None = None) -> int:
    """Fire every timer due at ``engine.clock.now()``; returns how many fired."""
    fired = 0
    while limit is None or fired < limit:
        outcome = _fire_next(engine, utc_now(engine.clock))
        if outcome is None:
            break
        fired += outcome
    if fired:
        engine._after_commit(utc_now(engine.clock))
    return fired


def _claim(conn: Any, engine: Engine, now: datetime) -> Any:
    t, i = storage.timers, storage.instances
    stmt = (select(t).where(t.c.status == "pending", t.c.due_at <= now)
            .order_by(t.c.due_at, t.c.id).limit(1))
    if is_sqlite(engine.db):
        return conn.execute(stmt).first()
    # PostgreSQL: lock the timer, then its instance, neither waiting. A timer whose instance
    # another worker (or a user's transition) holds is passed over for now, so two workers never
    # fire on one instance at once (the loser would hit ConcurrentUpdate, and back off as if the
    # timer had failed). Two statements, not a join: a join's plan sorts every due timer.
    passed: list[int] = []
    while True:
        query = stmt.where(t.c.id.not_in(passed)) if passed else stmt
        timer = conn.execute(query.with_for_update(skip_locked=True)).first()
        if timer is None or conn.execute(select(i.c.id).where(
                i.c.id == timer.instance_id).with_for_update(skip_locked=True)).first():
            return timer
        passed.append(timer.id)


def _fire_next(engine: Engine, now: datetime) -> int | None:
    """Claim and settle one due timer: 1 if it fired, 0 if cancelled or failed, None if none."""
    with engine.db.begin() as conn:
        timer = _claim(conn, engine, now)
        if timer is None:
            return None
        savepoint = conn.begin_nested()
        try:
            status = _fire(conn, engine, timer, now)
        except Exception as exc:  # any failure is recorded on the timer, never lost
            savepoint.rollback()
            _record_failure(conn, timer, exc, now)
            return 0
        savepoint.commit()
        conn.execute(update(storage.timers).where(storage.timers.c.id == timer.id)
                     .values(status=status, fired_at=now))
        return 1 if status == "fired" else 0


def _fire(conn: Any, engine: Engine, timer: Any, now: datetime) -> str:
    row = conn.execute(select(storage.instances).where(
        storage.instances.c.id == timer.instance_id)).one()
    compiled = engine.definitions.get(row.workflow, row.definition_version, conn)
    rec = records_of(row.clocks).get(timer.clock)
    if (row.closed_at is not None or rec is None or rec.epoch != timer.epoch
            or rec.paused_on or rec.stopped_on):
        return "cancelled"
    if moved(rec, compiled, timer.clock, engine.calendar) is not None:
        # the calendar changed since the timer was written: move the deadline, not fire it
        recompute_instance(engine, conn, row.id, now, "calendar changed before the timer fired")
        return "cancelled"
    clock = compiled.definition.clock(timer.clock)
    due = due_date(rec, clock.unit, engine.calendar)
    data: dict[str, Any]
    if timer.kind == AUTOMATIC:
        if timer.trigger not in compiled.valid_triggers(row.state):
            return "cancelled"
        field = clock.expiry_date_field
        data = {field: due.isoformat()} if field and due else {}
        change = decide_fire(compiled, conn, row, timer.trigger, SYSTEM, data, now,
                             engine.calendar)
    else:
        data = {"clock": timer.clock, "due_date": due.isoformat() if due else None}
        if timer.kind == REMINDER:
            data["days_before"] = _days_before(clock, due, now, engine)
        change = decide_mark(row, timer.trigger, SYSTEM, data)
    write(conn, change, now, compiled, engine.calendar)
    return "fired"


def _days_before(clock: Clock, due: date | None, now: datetime, engine: Engine) -> int | None:
    today = local_date(now)
    if due is None or today > due:
        return None
    if clock.unit == "working_days":
        return int(engine.calendar.get_working_days_delta(today, due))
    return (due - today).days


def _record_failure(conn: Any, timer: Any, exc: Exception, now: datetime) -> None:
    attempts = timer.attempts + 1
    failed = attempts >= MAX_ATTEMPTS
    log.warning("timer %s (%s on %s) failed, attempt %d: %s", timer.id, timer.trigger,
                timer.instance_id, attempts, exc)
    conn.execute(update(storage.timers).where(storage.timers.c.id == timer.id).values(
        attempts=attempts, last_error=f"{type(exc).__name__}: {exc}",
        status="failed" if failed else "pending",
        due_at=timer.due_at if failed else now + BASE_BACKOFF * 2 ** (attempts - 1)))


def next_due(engine: Engine) -> datetime | None:
    """When the earliest pending timer falls due (the worker sleeps until then)."""
    from sqlalchemy import func

    from engine.database import READ_ONLY
    from engine.storage import utc_dt

    with engine.db.connect().execution_options(**READ_ONLY) as conn:
        value = conn.execute(select(func.min(storage.timers.c.due_at)).where(
            storage.timers.c.status == "pending")).scalar()
    return utc_dt(value)
