"""Benchmark the engine's transitions against the floor of the same writes, and its memory.

Throughput (one transition a transaction, on a file SQLite database and optionally PostgreSQL):

* **engine**: ``engine.fire(id, "touch", actor)`` once on each of ``--instances`` instances of a
  minimal workflow (an internal transition with no guard, action, data model or clock, so the
  figure is the engine's own cost: read the row, decide through the shared ``transitions``
  machine, update the row under its version, append the hash-chained event, queue the outbox row);
* **floor**: the same row writes with plain SQLAlchemy Core and prepared statements, nothing
  else: ``UPDATE`` the instance row with a version check, ``INSERT`` the event, one transaction
  each, on an engine made by ``engine.database.connect`` (so SQLite runs with the very same
  settings: WAL, ``synchronous=FULL``, busy timeout, ``BEGIN IMMEDIATE``).

Each pass moves every instance on once through the engine and once through the floor,
interleaved in chunks of 250 (who goes first alternates), so both meet the same database size and
the same machine load; ``--repeats`` passes, the figures are medians.

Memory (``--memory-instances``, 100,000 by default): in a fresh subprocess, ``find()`` over every
instance with a transition on each; peak RSS from ``resource.getrusage``. The instances are
created in batches of 1,000 per transaction through the engine's own start path
(``Core.start_instance``, the code ``Engine.start`` runs), which writes the same rows as
100,000 separate ``start`` calls without paying 100,000 fsyncs. The memory database lives on
``/dev/shm`` when there is one (RAM-backed, so the run takes minutes, not most of an hour; the
memory figure does not depend on the disk).

Usage::

    python bench/engine_bench.py [--pg URL] [--instances 10000] [--repeats 3]
                                 [--memory-instances 100000] [--no-memory] [--write]

``--write`` records the results as the ``## Engine`` section of ``bench/RESULTS.md``.
Exit status 1 if an acceptance figure fails (engine at least 50% of the floor on SQLite; peak
RSS under 300 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from report import RESULTS, finish  # a sibling module
from sqlalchemy import bindparam

from engine import Actor, Engine, State, Title, Transition, WorkflowDefinition
from engine.store import tables as storage
from engine.store.connect import connect
from engine.testing import postgres_schema

SECTION = "## Engine"
ACTOR = Actor("bench", {"clerk"})
BATCH = 1_000
CHUNK = 250
MIN_RATIO = 0.5
MAX_RSS_MB = 300

BENCH = WorkflowDefinition(
    name="bench", version=1, title=Title("基准", "Benchmark"),
    states=(State("open", Title("办理中", "Open"), "initial"),
            State("closed", Title("办结", "Closed"), "terminal")),
    transitions=(Transition("start", (), "open"),
                 Transition("touch", ("open",), None),
                 Transition("close", ("open",), "closed")))


class Weekdays:
    """Monday to Friday: the benchmark workflow has no clock, so the calendar is never asked."""

    def add_working_days(self, day: date, delta: int) -> date:
        while delta > 0:
            day += timedelta(days=1)
            delta -= day.weekday() < 5
        return day

    def sub_working_days(self, day: date, delta: int) -> date:
        while delta > 0:
            day -= timedelta(days=1)
            delta -= day.weekday() < 5
        return day

    def get_working_days_delta(self, start: date, end: date) -> int:
        return sum((start + timedelta(days=i)).weekday() < 5
                   for i in range(1, (end - start).days + 1))

    def span_is_provisional(self, start: date, end: date) -> bool:
        return False


def new_engine(url: str) -> Engine:
    engine = Engine(url, calendar=Weekdays())
    engine.register(BENCH)
    return engine


# -- databases ---------------------------------------------------------------------------------

@contextmanager
def sqlite_db(directory: str | None = None) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-", dir=directory) as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


@contextmanager
def pg_schema(base: str) -> Iterator[str]:
    with postgres_schema(base, prefix="bench") as url:
        yield url


def populate(engine: Engine, count: int) -> None:
    """``count`` instances through the start path, ``BATCH`` to a transaction."""
    done = 0
    while done < count:
        now = datetime.now(UTC)
        with engine.db.begin() as conn:
            for _ in range(min(BATCH, count - done)):
                engine.core.start_instance(engine.core.port(conn), BENCH.name, ACTOR, None,
                                           None, now)
                done += 1


def instance_ids(engine: Engine) -> list[str]:
    with engine.db.connect() as conn:
        return list(conn.execute(sa.select(storage.instances.c.id)
                                 .order_by(storage.instances.c.id)).scalars())


# -- throughput --------------------------------------------------------------------------------

def engine_chunk(engine: Engine, ids: list[str], versions: dict[str, int]) -> float:
    """Seconds for one ``touch`` on each instance through the engine."""
    started = time.perf_counter()
    for iid in ids:
        versions[iid] = engine.fire(iid, "touch", ACTOR).version
    return time.perf_counter() - started


FLOOR_UPDATE = (
    sa.update(storage.instances)
    .where(storage.instances.c.id == bindparam("b_id"),
           storage.instances.c.version == bindparam("b_old"))
    .values(state=bindparam("b_state"), data=bindparam("b_data"), clocks=bindparam("b_clocks"),
            version=bindparam("b_version"), seq=bindparam("b_version"),
            last_hash=bindparam("b_hash"),
            updated_at=bindparam("b_now"), closed_at=None))
FLOOR_INSERT = sa.insert(storage.events)
DIGEST = "f" * 64


def floor_chunk(db: sa.Engine, ids: list[str], versions: dict[str, int]) -> float:
    """Seconds for the same writes as a transition, nothing else (the version is known)."""
    started = time.perf_counter()
    for iid in ids:
        old = versions[iid]
        now = datetime.now(UTC)
        with db.begin() as conn:
            done = conn.execute(FLOOR_UPDATE, dict(
                b_id=iid, b_old=old, b_state="open", b_data={}, b_clocks={}, b_version=old + 1,
                b_hash=DIGEST, b_now=now))
            if done.rowcount != 1:
                raise RuntimeError(f"row version of {iid} moved")
            conn.execute(FLOOR_INSERT, dict(
                instance_id=iid, seq=old + 1, trigger="touch", from_state="open",
                to_state="open", actor_id=ACTOR.id, actor_role="clerk", event_time=now,
                recorded_at=now, data={}, prev_hash=DIGEST, hash=DIGEST))
        versions[iid] = old + 1
    return time.perf_counter() - started


def one_pass(engine: Engine, db: sa.Engine, ids: list[str], versions: dict[str, int]
             ) -> tuple[float, float]:
    """Engine and floor each move every instance on once, interleaved in chunks (who goes
    first alternates), so both meet the same database size and the same load; their rates."""
    spent = {"engine": 0.0, "floor": 0.0}
    for n, k in enumerate(range(0, len(ids), CHUNK)):
        part = ids[k:k + CHUNK]
        order = ("engine", "floor") if n % 2 == 0 else ("floor", "engine")
        for who in order:
            spent[who] += (engine_chunk(engine, part, versions) if who == "engine"
                           else floor_chunk(db, part, versions))
    return len(ids) / spent["engine"], len(ids) / spent["floor"]


@dataclass
class Throughput:
    backend: str
    engine: list[float]
    floor: list[float]

    @property
    def ratio(self) -> float:
        """Median engine rate over median floor rate."""
        return statistics.median(self.engine) / statistics.median(self.floor)

    @property
    def paired_ratio(self) -> float:
        """Median of the per-pass ratios (engine and floor interleaved within each pass)."""
        return statistics.median(e / f for e, f in zip(self.engine, self.floor, strict=True))


def throughput(url: str, backend: str, instances: int, repeats: int) -> Throughput:
    engine = new_engine(url)
    populate(engine, instances)
    ids = instance_ids(engine)
    floor_db = connect(url)
    with floor_db.connect() as conn:
        versions = {r.id: r.version for r in conn.execute(
            sa.select(storage.instances.c.id, storage.instances.c.version))}
    one_pass(engine, floor_db, ids[:2 * CHUNK], versions)  # warm up (statement caches)
    result = Throughput(backend, [], [])
    for i in range(repeats):
        rate_engine, rate_floor = one_pass(engine, floor_db, ids, versions)
        result.engine.append(rate_engine)
        result.floor.append(rate_floor)
        print(f"  {backend} pass {i + 1}: engine {rate_engine:,.0f}/s, "
              f"floor {rate_floor:,.0f}/s", flush=True)
    floor_db.dispose()
    engine.db.dispose()
    return result


# -- memory ------------------------------------------------------------------------------------

def memory_child(url: str) -> None:
    """Runs in its own process: find() over everything, a transition on each, peak RSS."""
    engine = Engine(url, calendar=Weekdays())
    started = time.perf_counter()
    count = 0
    for inst in engine.find(workflow=BENCH.name):
        engine.fire(inst.id, "touch", ACTOR)
        count += 1
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": count, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def baseline_child(url: str) -> None:
    """The same process start and imports, one transition: what the interpreter costs alone."""
    engine = Engine(url, calendar=Weekdays())
    inst = next(engine.find(workflow=BENCH.name))
    engine.fire(inst.id, "touch", ACTOR)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": 1, "seconds": 0.0, "peak_mb": peak_kb / 1024}))


def run_child(mode: str, url: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, mode, url], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@dataclass
class Memory:
    backend: str
    instances: int
    populate_seconds: float
    child: dict[str, Any]
    baseline: dict[str, Any]


def memory(url: str, backend: str, instances: int) -> Memory:
    engine = new_engine(url)
    started = time.perf_counter()
    populate(engine, instances)
    populate_seconds = time.perf_counter() - started
    engine.db.dispose()
    baseline = run_child("--baseline-child", url)
    print(f"  {backend}: {instances:,} instances in {populate_seconds:.0f} s; "
          f"find + fire on each...", flush=True)
    return Memory(backend, instances, populate_seconds, run_child("--memory-child", url), baseline)


# -- report ------------------------------------------------------------------------------------

def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:,.0f}" for v in values)


def report(results: list[Throughput], memories: list[Memory], command: str, instances: int,
           repeats: int) -> tuple[str, bool]:
    load = os.getloadavg()[0]
    lines = [
        SECTION, "",
        f"Command: `{command}` (from the repository root, with the project installed).", "",
        f"Run {datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"SQLAlchemy {sa.__version__}, {os.cpu_count()} cores, load average {load:.1f} at the "
        "end (the machine may be shared). "
        f"{instances:,} instances, one transition a transaction; each pass moves every "
        f"instance on once through the engine and once through the floor, interleaved in "
        f"chunks of {CHUNK}; {repeats} passes, figures are medians (all passes in brackets).",
        "",
        "| backend | engine, transitions/s | floor (Core UPDATE + INSERT), /s "
        "| engine / floor | per pass (median) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r.backend} | {statistics.median(r.engine):,.0f} ({fmt(r.engine)}) | "
                     f"{statistics.median(r.floor):,.0f} ({fmt(r.floor)}) | "
                     f"**{r.ratio:.0%}** | {r.paired_ratio:.0%} |")
    lines += ["", "\"engine / floor\" is the ratio of the medians; \"per pass\" the median "
              "of the per-pass ratios. The engine does more than "
              "the floor by design: it reads the row first (optimistic locking needs its "
              "version), queues an outbox row, computes the event hash and decides through the "
              "shared state machine."]
    lines.append("")
    for m in memories:
        c = m.child
        lines.append(
            f"- memory, {m.backend}: {c['count']:,} instances found with `find()` and fired "
            f"once each in {c['seconds']:.0f} s ({c['count'] / c['seconds']:,.0f}/s); "
            f"peak RSS **{c['peak_mb']:.0f} MB** (the same process after one transition: "
            f"{m.baseline['peak_mb']:.0f} MB). The {m.instances:,} instances were created in "
            f"{m.populate_seconds:.0f} s in batches of {BATCH:,} per transaction through the "
            "start path (`Core.start_instance`).")
    sqlite = next((r for r in results if r.backend.startswith("SQLite")), None)
    checks = []
    if sqlite is not None:
        checks.append((sqlite.ratio >= MIN_RATIO,
                       f"engine at least {MIN_RATIO:.0%} of the floor on SQLite "
                       f"({sqlite.ratio:.0%})"))
    for m in memories:
        checks.append((m.child["peak_mb"] < MAX_RSS_MB and m.child["count"] == m.instances,
                       f"peak RSS under {MAX_RSS_MB} MB over {m.instances:,} instances, "
                       f"{m.backend} ({m.child['peak_mb']:.0f} MB)"))
    lines += ["", "Acceptance:", ""]
    lines += [f"- [{'x' if ok else ' '}] {text}" for ok, text in checks]
    return "\n".join(lines) + "\n", all(ok for ok, _ in checks)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--memory-child"]:
        memory_child(argv[1])
        return 0
    if argv[:1] == ["--baseline-child"]:
        baseline_child(argv[1])
        return 0
    parser = argparse.ArgumentParser(description="Benchmark the engine's transitions.")
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (a scratch schema is used)")
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-instances", type=int, default=100_000)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--write", action="store_true", help=f"record in bench/{RESULTS.name}")
    args = parser.parse_args(argv)
    command = " ".join(["python bench/engine_bench.py", *argv])

    results, memories = [], []
    print("throughput, SQLite file", flush=True)
    with sqlite_db() as url:
        results.append(throughput(url, "SQLite file (WAL, synchronous=FULL)", args.instances,
                                  args.repeats))
    if args.pg:
        print("throughput, PostgreSQL", flush=True)
        with pg_schema(args.pg) as url:
            results.append(throughput(url, "PostgreSQL", args.instances, args.repeats))
    if not args.no_memory:
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
        print(f"memory, SQLite file in {shm or 'the temp directory'}", flush=True)
        with sqlite_db(shm) as url:
            memories.append(memory(url, f"SQLite file in {shm or 'a temp directory'}",
                                   args.memory_instances))
    section, ok = report(results, memories, command, args.instances, args.repeats)
    return finish(SECTION, section, ok, args.write)


if __name__ == "__main__":
    sys.exit(main())
