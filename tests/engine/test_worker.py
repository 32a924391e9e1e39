"""The worker on the real clock: in a thread (``engine.start_worker``), as the ``gongkai worker``
process (clean exit on SIGTERM and SIGINT, nothing lost or doubled after SIGKILL), and as four
processes sharing one PostgreSQL database.

These are the only engine tests that wait for real time, each for a few seconds at most. Statutory
periods are counted in days, so a real transition cannot write a timer due one second from now;
the timers here come from the ``burst`` definition, whose one-calendar-day clocks start on a date
given in the data (two days ago), so the transition writes deadline timers that are already due
(00:00 today, Beijing). The one test that needs a timer due a moment *ahead* inserts a timer row
directly, a copy of a real one with a new due time.
"""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from calendars import ChinaCalendar
from engine import Engine
from engine.store import tables as storage
from engine.store.dialect import READ_ONLY
from tests.engine import timer_defs

BURST_MARKS = Counter({("overdue", "a"): 1, ("overdue", "b"): 1, ("note", None): 1})


def burst_engine(url: str) -> Engine:
    engine = Engine(url, calendar=ChinaCalendar(provisional=True))
    engine.register(timer_defs.burst())
    return engine


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    stop = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > stop:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def count(engine: Engine, status: str) -> int:
    t = storage.timers
    with engine.db.connect().execution_options(**READ_ONLY) as conn:
        return int(conn.execute(select(func.count()).where(t.c.status == status)).scalar())


def status_of(engine: Engine, timer_id: int) -> str:
    t = storage.timers
    with engine.db.connect().execution_options(**READ_ONLY) as conn:
        return str(conn.execute(select(t.c.status).where(t.c.id == timer_id)).scalar())


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def assert_each_timer_fired_once(engine: Engine, ids: list[str]) -> None:
    """Every timer fired, none failed or retried; each instance recorded exactly one event per
    timer, and its hash chain verifies."""
    timers = engine.timers()
    assert Counter(t.status for t in timers) == {"fired": 3 * len(ids)}
    assert {t.attempts for t in timers} == {0}
    e = storage.events
    with engine.db.connect().execution_options(**READ_ONLY) as conn:
        rows = conn.execute(select(e.c.instance_id, e.c.seq, e.c.trigger, e.c.data)).all()
    by_instance: dict[str, list[tuple[int, str, str | None]]] = {i: [] for i in ids}
    for r in rows:
        by_instance[r.instance_id].append((r.seq, r.trigger, r.data.get("clock")))
    for instance_id, events in by_instance.items():
        events.sort()
        assert [seq for seq, _, _ in events] == [1, 2, 3, 4], instance_id
        assert events[0][1] == "begin"
        assert Counter((t, c) for _, t, c in events[1:]) == BURST_MARKS, instance_id
        engine.verify_history(instance_id)


# -- in a thread ---------------------------------------------------------------------------------

def test_start_worker_fires_due_timers_and_stop_worker_stops_it(db_url: str) -> None:
    engine = burst_engine(db_url)
    engine.start_worker(poll_interval=0.5)
    try:
        written = datetime.now(UTC)
        (iid,) = timer_defs.start_due_bursts(engine, 1)
        wait_until(lambda: count(engine, "fired") == 3, 10, "the worker to fire 3 timers")
        fired_at = [utc(t.fired_at) for t in engine.timers(instance_id=iid)]
        # The transition woke the worker: no waiting for the next poll.
        assert max(fired_at) - written < timedelta(seconds=2)
    finally:
        engine.stop_worker()
    assert engine._worker is None
    assert [e.trigger for e in engine.history(iid)] == ["begin", "overdue", "overdue", "note"]
    # Stopped means stopped: a timer due now stays pending.
    (later,) = timer_defs.start_due_bursts(engine, 1)
    time.sleep(0.6)
    assert {t.status for t in engine.timers(instance_id=later)} == {"pending"}


def test_worker_wakes_at_the_due_time_not_at_the_next_poll(db_url: str) -> None:
    engine = burst_engine(db_url)
    (iid,) = timer_defs.start_due_bursts(engine, 1)
    engine.run_due_timers()  # the three timers due at 00:00 today
    (template,) = [t for t in engine.timers(instance_id=iid) if t.clock == "a"]
    today = timer_defs.shanghai_today().isoformat()
    engine.start_worker(poll_interval=5.0)  # the fallback poll is far off
    try:
        lateness = []
        for _ in range(2):
            due = datetime.now(UTC) + timedelta(seconds=1.5)
            row = {k: v for k, v in asdict(template).items() if k != "id"}
            row.update(due_at=due, status="pending", fired_at=None, attempts=0)
            with engine.db.begin() as conn:  # written by "another process": no wake-up call
                new_id = conn.execute(insert(storage.timers).values(**row)).inserted_primary_key[0]
            # Any transition in this process wakes the worker; it reads the next due time (the
            # row above) and sets a wake-up for it.
            engine.start("burst", timer_defs.CLERK, {"since": today})
            wait_until(lambda tid=new_id: status_of(engine, tid) == "fired", 8, "the new timer")
            (fired,) = [t for t in engine.timers(instance_id=iid) if t.id == new_id]
            lateness.append(utc(fired.fired_at) - due)
    finally:
        engine.stop_worker()
    assert all(timedelta(0) <= late < timedelta(seconds=1) for late in lateness), lateness
    assert [e.trigger for e in engine.history(iid)][-2:] == ["overdue"] * 2
    engine.verify_history(iid)


def test_stopping_the_worker_during_a_round_is_clean(db_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    crashed: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashed.append(args.exc_value))
    engine = burst_engine(db_url)
    engine.subscribe(lambda event: time.sleep(0.4), triggers={"overdue"})  # a slow mail server
    engine.start_worker(poll_interval=30.0)
    time.sleep(0.2)  # the first poll round found nothing
    (iid,) = timer_defs.start_due_bursts(engine, 1)  # wakes the worker: a round of ~0.8 s
    time.sleep(0.3)
    engine.stop_worker()  # waits for the round
    assert crashed == []
    assert [t.status for t in engine.timers(instance_id=iid)] == ["fired"] * 3


def test_transitions_do_not_wait_for_a_worker_round(pg_url: str) -> None:
    # PostgreSQL, so that the user's transaction never waits for the worker's (SQLite has one
    # writer): whatever delay is measured is the worker's own.
    engine = burst_engine(pg_url)
    timer_defs.start_due_bursts(engine, 100)  # a backlog: one round fires 300 timers
    engine.start_worker(poll_interval=1.0)
    try:
        wait_until(lambda: count(engine, "fired") >= 10, 10, "the round to begin")
        left = count(engine, "pending")  # a few seconds of work
        started = time.perf_counter()
        engine.start("burst", timer_defs.CLERK, {"since": timer_defs.shanghai_today().isoformat()})
        took = time.perf_counter() - started
    finally:
        engine.stop_worker()
    assert left > 100, "the round was nearly over: nothing to measure"
    assert took < 1.0, f"start() took {took:.2f} s while the worker fired {left} timers"


# -- the gongkai worker process ------------------------------------------------------------------

def gongkai_command() -> list[str]:
    script = Path(sys.executable).with_name("gongkai")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from engine.cli import main; main()"]


class WorkerProcess:
    """``gongkai worker --db URL`` in a subprocess, its stderr collected by a thread."""

    def __init__(self, url: str, poll: float = 0.2) -> None:
        self.proc = subprocess.Popen(
            [*gongkai_command(), "worker", "--db", url, "--poll", str(poll)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.started = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self.started.wait(30):
            self.proc.kill()
            raise AssertionError(f"the worker did not start: {self.lines}")

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip())
            if line.startswith("gongkai worker on"):
                self.started.set()

    def stop(self, sig: int, timeout: float = 20) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_gongkai_worker_fires_and_shuts_down_cleanly(db_url: str, sig: int) -> None:
    engine = burst_engine(db_url)
    (iid,) = timer_defs.start_due_bursts(engine, 1)
    worker = WorkerProcess(db_url)
    try:
        wait_until(lambda: count(engine, "fired") == 3, 20, "the worker process to fire")
    finally:
        code = worker.stop(sig)
    assert code == 0, worker.lines
    assert worker.lines[-1] == "gongkai worker stopped; fired 3 timers"
    assert [e.trigger for e in engine.history(iid)] == ["begin", "overdue", "overdue", "note"]


def test_worker_killed_while_firing_loses_nothing_and_repeats_nothing(db_url: str) -> None:
    engine = burst_engine(db_url)
    ids = timer_defs.start_due_bursts(engine, 150)
    total = 3 * len(ids)
    first = WorkerProcess(db_url)
    try:
        wait_until(lambda: count(engine, "fired") >= 60, 30, "some timers to fire")
    finally:
        first.proc.send_signal(signal.SIGKILL)
        assert first.proc.wait(10) == -signal.SIGKILL
    fired_before = count(engine, "fired")
    assert 60 <= fired_before < total, "the kill came after the worker had finished"
    assert count(engine, "fired") + count(engine, "pending") == total
    second = WorkerProcess(db_url)
    try:
        wait_until(lambda: count(engine, "pending") == 0, 60, "the restarted worker to finish")
    finally:
        assert second.stop(signal.SIGTERM) == 0, second.lines
    assert second.lines[-1] == f"gongkai worker stopped; fired {total - fired_before} timers"
    assert_each_timer_fired_once(engine, ids)


# -- four worker processes on PostgreSQL ---------------------------------------------------------

@pytest.mark.slow
def test_four_workers_share_postgresql_and_fire_every_timer_once(pg_url: str) -> None:
    engine = burst_engine(pg_url)
    ids = timer_defs.start_due_bursts(engine, 1000)
    assert count(engine, "pending") == 3000
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        fired = pool.map(timer_defs.fire_until_idle, [pg_url] * 4)
    assert sum(fired) == 3000, fired
    assert sum(1 for n in fired if n) >= 2, f"the workers did not overlap: {fired}"
    assert_each_timer_fired_once(engine, ids)
