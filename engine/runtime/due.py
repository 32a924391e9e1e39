"""Firing due timers (and calendar schedules, ``engine.runtime.schedules``) through the ordinary
transition path, exactly once; and simulated time.

Due timers are claimed (``engine.store.claims``) and fired in batches of up to :data:`BATCH` per
transaction; a batch commits (and syncs to disk) once. One timer's failure rolls back only its own
transition and never blocks the others: a batch runs first the fast way (reminders and overdue
marks, which run no action, without a savepoint; outbox rows inserted together at the end), and
if anything in it fails it is rolled back and run again with each timer in a savepoint of its own,
where a failure is recorded on its timer. A timer whose clock or instance moved on is cancelled,
never fired. A timer whose transition fails is retried with
back-off and, after :data:`MAX_ATTEMPTS`, parked as ``failed`` with its error. :func:`run_until`
walks a manual clock through every due time (timers and schedules) in order, for tests and
simulations. A family member's timer carries the member's name (``consultation[甲公司]``) in its
``clock`` column: reminders and overdue marks record the member's ``key``, and its expiry trigger
receives the key under the clock's ``expiry_key_field``, so the workflow can tell which party
lapsed.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from engine.actor import SYSTEM
from engine.clocks.deadline import units_between
from engine.clocks.timers import AUTOMATIC, REMINDER
from engine.definition.model import Clock, split_member
from engine.runtime.core import Core
from engine.runtime.recompute import moved, recompute_instance
from engine.runtime.retry import BASE_BACKOFF, MAX_ATTEMPTS, retry_at
from engine.runtime.schedules import fire_next_schedule
from engine.store.checkpoints import Heads, heads_of
from engine.store.claims import claim_due_timers
from engine.store.read import Loaded, load_instances, next_timer_due
from engine.store.schedules import next_schedule_due
from engine.store.write import flush_outbox, settle_timers, timer_failed, write
from engine.timesource import local_date
from engine.transition.decide import decide_fire, decide_mark

log = logging.getLogger("gongkai.timers")
__all__ = ["BASE_BACKOFF", "BATCH", "MAX_ATTEMPTS", "next_due", "run_due_timers", "run_until"]
BATCH = 50
"""Timers fired per transaction: one commit for many timers, and a batch short enough that the
instances it holds are released soon."""


def run_due_timers(core: Core, limit: int | None = None, all_agencies: bool = False) -> int:
    """Fire every timer and calendar schedule due now (of the core's agency, or of every agency);
    how many fired (a schedule's occurrence counts once). After a full batch of timers (more may
    be due) and when no timer is due, one due schedule occurrence fires, so a steady stream of
    due timers never holds schedules back (timers a schedule's start writes fire next round)."""
    fired = 0
    agency = None if all_agencies else core.agency
    while limit is None or fired < limit:
        size = BATCH if limit is None else min(BATCH, limit - fired)
        timers = _fire_batch(core, core.now(), agency, size)
        fired += timers or 0
        schedule = None
        if (timers is None or timers >= size) and (limit is None or fired < limit):
            schedule = fire_next_schedule(core, core.now(), agency)
            fired += schedule or 0
        if timers is None and schedule is None:
            break
    if fired:
        core.after_commit(core.now())
    return fired


class _Rerun(Exception):
    """A batch run the fast way failed: it is rolled back and run again the careful way."""


def _fire_batch(core: Core, now: datetime, agency: str | None, size: int) -> int | None:
    """Claim and settle up to ``size`` due timers in one transaction: how many fired (not
    cancelled or failed), None if none was due.

    The batch runs first the fast way (:func:`_fire_claimed` with ``fast``); if anything in it
    fails, it is rolled back and run again the careful way, where each timer's failure is
    recorded on it alone: the outcome is the careful way's in every case."""
    try:
        return _fire_claimed(core, now, agency, size, fast=True)
    except _Rerun:
        return _fire_claimed(core, now, agency, size, fast=False)


def _fire_claimed(core: Core, now: datetime, agency: str | None, size: int, fast: bool
                  ) -> int | None:
    """The batch: the claimed instances are read in one query, the settled timers written in
    one ``executemany`` at its end. The careful way fires each timer in a savepoint. The fast
    way fires reminders and overdue marks (which run no action) without one and holds the
    outbox rows back for one ``executemany``; any failure there raises :class:`_Rerun`."""
    with core.begin() as conn:
        timers = claim_due_timers(conn, core.dialect, now, agency, size)
        if not timers:
            return None
        rows = load_instances(conn, {timer.instance_id for timer in timers})
        heads = heads_of(conn)
        if heads is not None and fast:
            heads.hold_outbox()
        settled: list[tuple[int, str]] = []
        for timer in timers:
            # an instance this batch wrote (or may have written) is read afresh
            seen = len(heads.written) if heads is not None else 0
            status = _fire_next(conn, core, timer, rows.pop(timer.instance_id, None), now,
                                fast)
            _forget_written(rows, heads, seen)
            if status is not None:
                settled.append((timer.id, status))
        try:
            settle_timers(conn, settled, now)
            flush_outbox(conn)
        except Exception as exc:
            if fast:
                raise _Rerun from exc
            raise
        return sum(status == "fired" for _, status in settled)


def _forget_written(rows: dict[str, Loaded], heads: Heads | None, seen: int) -> None:
    """Drop the rows of the instances written since ``heads`` held ``seen`` entries (a timer's
    transition may write another instance, e.g. a parent); all of them if nothing says."""
    if heads is None:
        rows.clear()
        return
    for head in heads.written[seen:]:
        rows.pop(head.instance_id, None)


def _fire_next(conn: Any, core: Core, timer: Any, row: Loaded | None, now: datetime,
               fast: bool) -> str | None:
    """Fire one claimed timer: its new status (``fired`` or ``cancelled``), or None if it
    failed (the failure recorded on the timer). An expiry (which runs the workflow's actions),
    and every timer the careful way, fires in a savepoint; a mark the fast way does not, and
    its failure raises :class:`_Rerun`."""
    if fast and timer.kind != AUTOMATIC:
        try:
            return _fire(conn, core, timer, row, now)
        except Exception as exc:
            raise _Rerun from exc
    savepoint = conn.begin_nested()
    try:
        status = _fire(conn, core, timer, row, now)
    except Exception as exc:  # any failure is recorded on the timer, never lost
        savepoint.rollback()
        _record_failure(conn, timer, exc, now)
        return None
    savepoint.commit()
    return status


def _fire(conn: Any, core: Core, timer: Any, loaded: Loaded | None, now: datetime) -> str:
    """Fire one timer on its instance (``loaded`` with the batch, or read now); its status."""
    row, pre_image = loaded if loaded is not None else (
        core.load(conn, timer.instance_id, any_agency=True), None)
    compiled = core.compiled(row, conn)
    rec = row.records.get(timer.clock)
    if row.closed or rec is None or rec.epoch != timer.epoch or not rec.running:
        return "cancelled"
    if moved(rec, compiled, timer.clock, core.calendar) is not None:
        # the calendar changed since the timer was written: move the deadline, not fire it
        recompute_instance(core, conn, row, now, "calendar changed before the timer fired")
        return "cancelled"
    clock = compiled.definition.clock(timer.clock)
    key = split_member(timer.clock)[1] if clock.family else None
    due = rec.due_on
    data: dict[str, Any]
    if timer.kind == AUTOMATIC:
        if timer.trigger not in compiled.valid_triggers(row.state):
            return "cancelled"
        data = _expiry_data(clock, due, key)
        change = decide_fire(compiled, core.port(conn, row.agency), row, timer.trigger, SYSTEM,
                             data, now, core.calendar)
    else:
        data = {"clock": timer.clock, "due_date": due.isoformat() if due else None}
        if key is not None:
            data["key"] = key
        if timer.kind == REMINDER:
            data["days_before"] = _days_before(clock, due, now, core)
        change = decide_mark(row, timer.trigger, SYSTEM, data)
    write(conn, change, now, compiled.definition, core.calendar, pre_image)
    return "fired"


def _expiry_data(clock: Clock, due: date | None, key: str | None) -> dict[str, Any]:
    """What the expiry trigger receives: the due date and, for a family member that ran out,
    its key (under the clock's ``expiry_date_field`` and ``expiry_key_field``)."""
    data: dict[str, Any] = {}
    if clock.expiry_date_field and due:
        data[clock.expiry_date_field] = due.isoformat()
    if clock.expiry_key_field and key is not None:
        data[clock.expiry_key_field] = key
    return data


def _days_before(clock: Clock, due: date | None, now: datetime, core: Core) -> int | None:
    today = local_date(now)
    if due is None or today > due:
        return None
    return units_between(clock.unit, core.calendar, today, due)


def _record_failure(conn: Any, timer: Any, exc: Exception, now: datetime) -> None:
    attempts = timer.attempts + 1
    again = retry_at(attempts, now)
    log.warning("timer %s (%s on %s) failed, attempt %d: %s", timer.id, timer.trigger,
                timer.instance_id, attempts, exc)
    timer_failed(conn, timer.id, attempts, f"{type(exc).__name__}: {exc}", again is None,
                 timer.due_at if again is None else again)


def next_due(core: Core, all_agencies: bool = False) -> datetime | None:
    """When the earliest pending timer or schedule falls due (the worker sleeps until then)."""
    agency = None if all_agencies else core.agency
    with core.read() as conn:
        due = [next_timer_due(conn, agency), next_schedule_due(conn, agency)]
    return min((d for d in due if d is not None), default=None)


def run_until(core: Core, to: datetime, set_time: Any) -> int:
    """Simulated time: move the clock (``set_time(moment)``) through every due time up to ``to``,
    firing what falls due at each, in order; returns how many timers fired."""
    fired = 0
    while True:
        due = next_due(core)
        if due is None or due > to:
            break
        if due > core.now():
            set_time(due)
        count = run_due_timers(core)
        fired += count
        if count == 0 and next_due(core) == due:
            break  # what is due keeps failing; its retries are due later
    set_time(max(to, core.now()))
    return fired + run_due_timers(core)
