"""Benchmark the durable timers: firing a due backlog among many rows, and how late the worker is.

Throughput, on a file SQLite database and optionally PostgreSQL. The database holds ``--rows``
timer rows (1,000,000 by default) of which ``--due`` (10,000) are due; every due timer belongs to
its own instance, the rest are due between an hour and three years later. Each instance runs a
one-clock definition (a calendar-day clock whose expiry records an overdue mark), and every row is
a live timer of a running clock, so firing one appends a real event. The rows are built with bulk
inserts (one instance created through ``Engine.start`` is cloned, its event hash recomputed for
each clone), not with a million transitions.

* **floor**: the same claims and updates in plain SQL — the engine's claim (the oldest due
  pending timer; on PostgreSQL ``FOR UPDATE SKIP LOCKED``, then its instance the same way) and
  the status update, one claim + update a transaction, on a connection made by
  ``engine.database.connect`` (SQLite with the very same settings: WAL, ``synchronous=FULL``,
  ``BEGIN IMMEDIATE``);
* **engine**: ``engine.run_due_timers()`` fires them all through the transition path (claim, read
  the instance, decide, update it under its version, append the hash-chained event, queue the
  outbox row, mark the timer), one timer a transaction.

With ``--index`` both are run a second time after adding an index on ``(status, due_at, id)``,
the claim's full ``ORDER BY`` (the schema indexes ``(status, due_at)`` only).

Latency: ``gongkai worker --db URL`` (the real process, default 1 s fallback poll) on the same
database; ``--latency-timers`` timer rows due 2 s and more ahead, 0.2 s apart, are inserted
directly (statutory periods count in days: no transition writes a timer due seconds from now).
Lateness is ``fired_at - due_at``; acceptance: median within 2 seconds.

Usage::

    python bench/timers_bench.py [--pg URL] [--rows 1000000] [--due 10000] [--index]
                                 [--latency-timers 100] [--no-sqlite] [--write]

``--write`` records the results as the ``## Timers`` section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from report import RESULTS, finish  # noqa: E402  (a sibling module)
from sqlalchemy import DateTime, bindparam, insert, select, text  # noqa: E402

from calendars import ChinaCalendar  # noqa: E402
from engine import (  # noqa: E402
    Actor,
    Clock,
    ClockEffect,
    Engine,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.audit import GENESIS, event_hash  # noqa: E402
from engine.store import tables as storage  # noqa: E402
from engine.store.connect import connect  # noqa: E402
from engine.testing import ManualClock, postgres_schema  # noqa: E402
from engine.timesource import SHANGHAI, utc_dt  # noqa: E402

SECTION = "## Timers"
CLERK = Actor("bench", {"clerk"})
NOTE = ("Due times are clustered as the engine writes them (deadlines at 00:00, reminders at "
        "09:00 Beijing time), so the due timers share two due times. The claim orders by "
        "`(due_at, id)`; with only the schema's `(status, due_at)` index PostgreSQL sorts the "
        "whole tied group on every claim, SQLite does not need the extra index.")
PER_INSTANCE_BATCH = 5_000
TIMER_BATCH = 50_000


def definition() -> WorkflowDefinition:
    """One calendar-day clock started on ``since``; its expiry records an overdue mark."""
    return WorkflowDefinition(
        name="bench_timer", version=1, title=Title("计时（基准）", "Timer (bench)"),
        states=(State("open", kind="initial"), State("closed", kind="terminal")),
        transitions=(
            Transition("begin", (), "open", roles=("clerk",),
                       effects=(ClockEffect("t", "start", date_field="since"),)),
            Transition("close", ("open",), "closed", roles=("clerk",)),
        ),
        clocks=(Clock("t", 1, unit="calendar_days"),), roles=("clerk",), start_trigger="begin")


# -- databases ------------------------------------------------------------------------------------

@contextmanager
def sqlite_db() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="gongkai-timers-") as d:
        yield f"sqlite:///{d}/timers.db"


@contextmanager
def pg_schema(base: str) -> Iterator[str]:
    with postgres_schema(base, prefix="bench") as url:
        yield url


# -- building the rows ---------------------------------------------------------------------------

def build(engine: Engine, now: datetime, rows: int, due: int, spread: bool) -> float:
    """``rows`` pending timers, ``due`` of them due at ``now``, on ``due`` instances; seconds."""
    started = time.perf_counter()
    ids = clone_instances(engine, now, due)
    timer = dict(workflow="bench_timer", clock="t", kind="deadline", trigger="overdue", epoch=1,
                 state="open", status="pending", attempts=0)
    times = DueTimes(now, spread)
    for first in range(0, rows, TIMER_BATCH):
        batch = [{**timer, "instance_id": ids[n % due], "due_at": times.at(n < due, n)}
                 for n in range(first, min(rows, first + TIMER_BATCH))]
        with engine.db.begin() as conn:
            conn.execute(insert(storage.timers), batch)
    analyze(engine.db)
    return time.perf_counter() - started


def clone_instances(engine: Engine, now: datetime, count: int) -> list[str]:
    """``count`` copies of one started instance (its clock running), each with its own id and
    event hash; the template's own timer is deleted."""
    since = (now.astimezone(SHANGHAI).date() - timedelta(days=3)).isoformat()
    template = engine.start("bench_timer", CLERK, {"since": since}).id
    with engine.db.begin() as conn:
        conn.execute(sa.delete(storage.timers))
        inst = dict(conn.execute(select(storage.instances).where(
            storage.instances.c.id == template)).mappings().one())
        event = dict(conn.execute(select(storage.events).where(
            storage.events.c.instance_id == template)).mappings().one())
    event.pop("id")
    moment = utc_dt(event["event_time"])
    ids = [str(uuid.uuid4()) for _ in range(count)]
    for first in range(0, count, PER_INSTANCE_BATCH):
        inst_rows, event_rows = [], []
        for iid in ids[first:first + PER_INSTANCE_BATCH]:
            digest = event_hash(
                instance_id=iid, seq=1, trigger=event["trigger"], from_state=None,
                to_state=event["to_state"], actor_id=event["actor_id"],
                actor_role=event["actor_role"], event_time=moment,  # type: ignore[arg-type]
                recorded_at=moment, data=event["data"], prev_hash=GENESIS)  # type: ignore[arg-type]
            inst_rows.append({**inst, "id": iid, "last_hash": digest})
            event_rows.append({**event, "instance_id": iid, "hash": digest})
        with engine.db.begin() as conn:
            conn.execute(insert(storage.instances), inst_rows)
            conn.execute(insert(storage.events), event_rows)
    return ids


class DueTimes:
    """Due times as the engine writes them: 00:00 (deadlines) or 09:00 (reminders) Beijing time,
    so thousands of timers share one due time; with ``spread``, scattered over the day instead.
    Due ones fall in the last day; the others from tomorrow to three years ahead."""

    def __init__(self, now: datetime, spread: bool) -> None:
        self.now, self.spread = now, spread
        self.today = now.astimezone(SHANGHAI).date()
        self.rng = random.Random(20261127)

    def beijing(self, offset_days: int, hour: int) -> datetime:
        day = datetime.combine(self.today + timedelta(days=offset_days), datetime.min.time())
        return day.replace(hour=hour, tzinfo=SHANGHAI).astimezone(UTC)

    def at(self, due: bool, n: int) -> datetime:
        if self.spread:
            seconds = self.rng.uniform(1, 86_400)
            return (self.now - timedelta(seconds=seconds) if due else
                    self.now + timedelta(hours=1, seconds=seconds * 3 * 365))
        if due:
            return self.beijing(0, 0) if n % 2 else self.beijing(-1, 9)
        return self.beijing(self.rng.randint(1, 3 * 365), self.rng.choice((0, 9)))


def analyze(db: sa.Engine) -> None:
    with db.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def reset(db: sa.Engine) -> None:
    """Put the fired timers back to pending (their clocks still run: they may fire again)."""
    with db.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE gongkai_timers SET status = 'pending', fired_at = NULL "
            "WHERE status = 'fired'")
    analyze(db)


# -- the two runs --------------------------------------------------------------------------------

def floor_run(url: str, now: datetime, expected: int) -> float:
    """The engine's claims and status updates in plain SQL, one claim + update a transaction."""
    db = connect(url)
    sqlite = db.dialect.name == "sqlite"
    claim = text("SELECT id, instance_id FROM gongkai_timers WHERE status = 'pending' "
                 "AND due_at <= :now ORDER BY due_at, id LIMIT 1"
                 + ("" if sqlite else " FOR UPDATE SKIP LOCKED")
                 ).bindparams(bindparam("now", type_=DateTime(timezone=True)))
    lock = text("SELECT id FROM gongkai_instances WHERE id = :id FOR UPDATE SKIP LOCKED")
    mark = text("UPDATE gongkai_timers SET status = 'fired', fired_at = :now WHERE id = :id"
                ).bindparams(bindparam("now", type_=DateTime(timezone=True)))
    done = 0
    started = time.perf_counter()
    while True:
        with db.begin() as conn:
            found = conn.execute(claim, {"now": now}).first()
            if found is None:
                break
            if not sqlite:  # one worker: the instance is never held by another
                conn.execute(lock, {"id": found.instance_id}).one()
            conn.execute(mark, {"now": now, "id": found.id})
        done += 1
    elapsed = time.perf_counter() - started
    db.dispose()
    if done != expected:
        raise SystemExit(f"floor claimed {done} timers, expected {expected}")
    return elapsed


def engine_run(engine: Engine, expected: int) -> float:
    started = time.perf_counter()
    fired = engine.run_due_timers()
    elapsed = time.perf_counter() - started
    if fired != expected:
        raise SystemExit(f"the engine fired {fired} timers, expected {expected}")
    return elapsed


# -- worker lateness -----------------------------------------------------------------------------

def gongkai_command() -> list[str]:
    script = Path(sys.executable).with_name("gongkai")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from engine.cli import main; main()"]


def lateness(url: str, engine: Engine, count: int) -> list[float]:
    """Seconds between due time and firing, for ``count`` timers fired by ``gongkai worker``."""
    proc = subprocess.Popen([*gongkai_command(), "worker", "--db", url], text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("gongkai worker on"):
                started.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not started.wait(60):
            raise SystemExit("gongkai worker did not start")
        time.sleep(1.5)  # its first round: nothing is due
        t = storage.timers
        with engine.db.connect() as conn:
            owners = list(conn.execute(select(t.c.instance_id).where(t.c.status == "fired")
                                       .limit(count)).scalars())
        base = datetime.now(UTC) + timedelta(seconds=2)
        rows = [dict(instance_id=owner, workflow="bench_timer", clock="t", kind="deadline",
                     trigger="overdue", epoch=1, state="open", status="pending", attempts=0,
                     due_at=base + timedelta(seconds=0.2 * i)) for i, owner in enumerate(owners)]
        with engine.db.begin() as conn:
            ids = [conn.execute(insert(t).values(**r)).inserted_primary_key[0] for r in rows]
        stop_at = time.monotonic() + 0.2 * count + 30
        while time.monotonic() < stop_at:
            with engine.db.connect() as conn:
                fired = conn.execute(select(t.c.due_at, t.c.fired_at).where(
                    t.c.id.in_(ids), t.c.status == "fired")).all()
            if len(fired) == len(ids):
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"the worker fired {len(fired)} of {len(ids)} timers in time")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    return sorted((utc_dt(f) - utc_dt(d)).total_seconds() for d, f in fired)  # type: ignore[operator]


# -- one back end --------------------------------------------------------------------------------

@dataclass
class Result:
    backend: str
    rows: int
    due: int
    build_s: list[float] = field(default_factory=list)
    runs: list[tuple[str, float, float]] = field(default_factory=list)  # (variant, floor, engine)
    late: list[float] = field(default_factory=list)


def bench(backend: str, url_for: Any, rows: int, due: int, with_index: bool,
          latency_timers: int, spread: bool) -> Result:
    result = Result(backend, rows, due)
    variants = [("schema indexes", False)] + ([("+ index (status, due_at, id)", True)]
                                              if with_index else [])
    for name, add_index in variants:
        with url_for() as url:  # a fresh database for each variant
            now = datetime.now(UTC).replace(microsecond=0)
            engine = Engine(url, clock=ManualClock(now), calendar=ChinaCalendar(provisional=True))
            engine.register(definition())
            if add_index:
                with engine.db.begin() as conn:
                    conn.exec_driver_sql("CREATE INDEX ix_bench_timer_claim "
                                         "ON gongkai_timers (status, due_at, id)")
            built = build(engine, now, rows, due, spread)
            result.build_s.append(built)
            print(f"[{backend}] {name}: built {rows:,} timers ({due:,} due) in {built:.1f} s",
                  flush=True)
            floor = floor_run(url, now, due)
            print(f"[{backend}] {name}: floor {floor:.1f} s", flush=True)
            reset(engine.db)
            fired = engine_run(engine, due)
            print(f"[{backend}] {name}: engine {fired:.1f} s", flush=True)
            result.runs.append((name, floor, fired))
            if latency_timers and not add_index:
                result.late = lateness(url, engine, latency_timers)
                print(f"[{backend}] lateness median {ms(statistics.median(result.late))}",
                      flush=True)
            engine.db.dispose()
    return result


# -- report ---------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{1000 * seconds:,.1f} ms"


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def report(results: list[Result], command: str) -> tuple[str, bool]:
    load = os.getloadavg()[0]
    lines = [SECTION, "", f"Command: `{command}` (from the repository root, with the project "
             "installed).", "",
             f"Run {datetime.now(SHANGHAI):%Y-%m-%d %H:%M} (Beijing), Python "
             f"{platform.python_version()}, {os.cpu_count()} cores, SQLite {_sqlite_version()}; "
             f"load average {load:.1f} at the end (the machine may be shared). SQLite on a file "
             "(WAL, `synchronous=FULL`); PostgreSQL on the same machine.", "",
             "Claim and fire every due timer, one timer a transaction:", "",
             "| back end | timer rows | due | indexes | floor (plain SQL) | engine | "
             "engine per timer | engine / floor |",
             "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        for variant, floor, fired in r.runs:
            lines.append(
                f"| {r.backend} | {r.rows:,} | {r.due:,} | {variant} | {floor:.1f} s "
                f"({r.due / floor:,.0f}/s) | {fired:.1f} s ({r.due / fired:,.0f}/s) | "
                f"{1000 * fired / r.due:.2f} ms | {fired / floor:.1f}x |")
    lines += ["", "Building the rows (bulk inserts, a fresh database for each line): " + ", ".join(
        f"{r.backend} " + " and ".join(f"{b:.0f} s" for b in r.build_s) for r in results) + ".",
        "", NOTE, ""]
    ok = True
    late = [r for r in results if r.late]
    if late:
        lines += ["Worker lateness (`gongkai worker`, its default 1 s fallback poll; timer rows "
                  "inserted directly, due from 2 s ahead, 0.2 s apart: periods count in days, no "
                  "transition writes a timer due seconds ahead), fired_at − due_at:", "",
                  "| back end | timers | median | p99 | max |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for r in late:
            lines.append(f"| {r.backend} | {len(r.late)} | {ms(statistics.median(r.late))} | "
                         f"{ms(p99(r.late))} | {ms(max(r.late))} |")
        ok = all(statistics.median(r.late) <= 2.0 for r in late)
        lines += ["", "Acceptance:", "",
                  f"- [{'x' if ok else ' '}] the worker fires a timer within 2 seconds of its due "
                  "time (median)"]
    return "\n".join(lines) + "\n", ok


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark timer claiming, firing and latency.")
    parser.add_argument("--pg", help="PostgreSQL URL (a schema is created and dropped)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="timer rows in the table")
    parser.add_argument("--due", type=int, default=10_000, help="how many of them are due")
    parser.add_argument("--index", action="store_true",
                        help="also run with an index on (status, due_at, id)")
    parser.add_argument("--spread", action="store_true",
                        help="scatter due times over the day (default: 00:00 and 09:00 Beijing)")
    parser.add_argument("--latency-timers", type=int, default=100)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--write", action="store_true", help=f"record in bench/{RESULTS.name}")
    args = parser.parse_args(argv)
    command = " ".join(["python bench/timers_bench.py", *(argv or sys.argv[1:])])
    command = command.replace(args.pg, "URL") if args.pg else command
    results = []
    if not args.no_sqlite:
        results.append(bench("SQLite", sqlite_db, args.rows, args.due, args.index,
                             args.latency_timers, args.spread))
    if args.pg:
        results.append(bench("PostgreSQL", lambda: pg_schema(args.pg), args.rows, args.due,
                             args.index, args.latency_timers, args.spread))
    section, ok = report(results, command)
    return finish(SECTION, section, ok, args.write)


if __name__ == "__main__":
    sys.exit(main())
