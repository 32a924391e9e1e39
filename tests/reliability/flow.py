"""The workflow, the client and worker processes and the checks of the reliability suite.

``load`` is an engine-only definition shaped for stress, not a domain workflow: every client
trigger keeps the instance open (so 200 instances stay busy for the whole run), ``bump`` counts
itself in the data and draws a number from an agency-wide counter (a lost update shows as a
count below the bumps, a rolled-back or doubled one as a gap or repeat in the numbers), and
``rearm`` restarts two one-calendar-day clocks on a date two days back, so it writes timers that
are due at once: a deadline (an ``overdue`` mark) and an automatic ``note`` transition.

Clients run on the real clock; workers on a :class:`FastClock` far ahead of it, so every timer a
client writes is due for them and a daily calendar schedule falls due every few seconds.

Child processes come from a fork server that preloads this module; a child's guards and actions
write to a marker file (set by :func:`_open_markers`) so the test can tell whether a SIGKILL
landed inside a transaction.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

from sqlalchemy import select

from engine import (
    Actor,
    Clock,
    ClockEffect,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
    WorkflowError,
)
from engine.store import tables as storage
from engine.store.dialect import READ_ONLY
from engine.testing import ManualClock
from engine.timesource import SHANGHAI
from tests.engine.helpers import WeekdayCalendar

CLERK = Actor("clerk-1", {"clerk"})
CLIENT_TRIGGERS = ("bump", "slowbump", "hold", "release", "rearm")
MARKS = ("overdue", "reminder")
SLOW_S = 0.03
"""How long ``slowbump``'s guard and ``note``'s action sleep inside their transaction in a child
that records markers (the kill tests); no sleep otherwise."""
SCHEDULE = "daily"
SIM_HOURS_PER_SECOND = 3.0
"""Speed of the workers' clock: a daily schedule falls due every 8 real seconds."""

SPAWN = mp.get_context("forkserver")
SPAWN.set_forkserver_preload([__name__])

_markers: TextIO | None = None
_slow_s = 0.0  # set in a child that should be killed inside its transactions


def _mark(line: str) -> None:
    if _markers is not None:
        _markers.write(line + "\n")
        _markers.flush()


def _open_markers(path: Path | None) -> None:
    """Record entries into slow transactions in ``path``, and make them slow (or neither)."""
    global _markers, _slow_s
    _markers = None if path is None else path.open("a", buffering=1)
    _slow_s = 0.0 if path is None else SLOW_S


def registry() -> Registry:
    reg = Registry()

    @reg.action("tally")
    def tally(ctx: TransitionContext) -> dict[str, int]:
        return {"count": ctx.instance_data.get("count", 0) + 1,
                "ticket": ctx.next_sequence("tally")}

    @reg.guard("slow")
    def slow(ctx: TransitionContext) -> str | None:
        _mark(f"enter {ctx.instance_id}")
        time.sleep(_slow_s)
        return None

    @reg.action("slow_note")
    def slow_note(ctx: TransitionContext) -> None:
        _mark(f"enter {ctx.instance_id}")
        time.sleep(_slow_s)

    return reg


def _clocks_from_since(kind: Literal["start", "restart"]) -> tuple[ClockEffect, ...]:
    return (ClockEffect("a", kind, date_field="since"), ClockEffect("c", kind, date_field="since"))


DEFINITION = WorkflowDefinition(
    name="load", version=1, title=Title("负载（测试）", "Load (test)"),
    states=(State("open", kind="initial"), State("held"), State("closed", kind="terminal")),
    transitions=(
        Transition("begin", (), "open", roles=("clerk", "system"),
                   effects=_clocks_from_since("start")),
        Transition("bump", ("open", "held"), None, roles=("clerk",), actions=("tally",)),
        Transition("slowbump", ("open", "held"), None, roles=("clerk",), guards=("slow",),
                   actions=("tally",)),
        Transition("hold", ("open",), "held", roles=("clerk",)),
        Transition("release", ("held",), "open", roles=("clerk",)),
        Transition("rearm", ("open",), None, roles=("clerk",),
                   effects=_clocks_from_since("restart")),
        Transition("note", ("open", "held"), None, roles=("system",), actions=("slow_note",)),
        Transition("close", ("open", "held"), "closed", roles=("clerk",)),
    ),
    clocks=(Clock("a", 1, unit="calendar_days"),
            Clock("c", 1, unit="calendar_days", on_expiry="note")),
    roles=("clerk",), start_trigger="begin")


def since() -> str:
    """Two days before today in Beijing: a clock started then is already overdue."""
    return (datetime.now(SHANGHAI).date() - timedelta(days=2)).isoformat()


def new_engine(url: str, clock: Any = None, **db_options: Any) -> Engine:
    engine = Engine(url, clock=clock, calendar=WeekdayCalendar(), registry=registry(),
                    **db_options)
    engine.register(DEFINITION)
    return engine


def start_instances(engine: Engine, count: int) -> list[str]:
    return [engine.start("load", CLERK, {"since": since()}).id for _ in range(count)]


# -- the workers' clock --------------------------------------------------------------------------

def next_monday(after: date) -> date:
    return after + timedelta(days=7 - after.weekday())


def fast_origin() -> datetime:
    """Monday 00:00 in Beijing, at least a week after today: the workers' clock starts there."""
    return datetime.combine(next_monday(date.today() + timedelta(days=7)), datetime.min.time(),
                            SHANGHAI)


class FastClock:
    """Simulated time ``origin + (wall time - wall_origin) * speed``: the same in every process
    given the same origins, and it never goes back."""

    def __init__(self, origin: datetime, wall_origin: float,
                 speed: float = SIM_HOURS_PER_SECOND * 3600) -> None:
        self.origin, self.wall_origin, self.speed = origin, wall_origin, speed

    def now(self) -> datetime:
        return self.origin + timedelta(seconds=(time.time() - self.wall_origin) * self.speed)


# -- child processes -----------------------------------------------------------------------------

@dataclass
class Tally:
    ok: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def client_thread(engine: Engine, ids: list[str], until: float, log: Path, seed: int,
                  triggers: tuple[str, ...] = CLIENT_TRIGGERS) -> Tally:
    """Fire random valid triggers on random instances until ``until`` (monotonic); log each
    success as a JSON line ``{"i": instance, "t": trigger, "v": resulting version}``."""
    rng, tally = random.Random(seed), Tally()
    with log.open("a", buffering=1) as out:
        while time.monotonic() < until:
            iid = rng.choice(ids)
            try:
                valid = [t for t in engine.available_triggers(iid, CLERK) if t in triggers]
                trigger = rng.choice(valid)
                data = {"since": since()} if trigger == "rearm" else None
                inst = engine.fire(iid, trigger, CLERK, data)
            except WorkflowError as exc:  # a lost race: refused, changed nothing
                tally.refused[type(exc).__name__] += 1
                continue
            except Exception as exc:
                tally.errors.append(f"{type(exc).__name__}: {exc}"[:500])
                continue
            out.write(json.dumps({"i": iid, "t": trigger, "v": inst.version}) + "\n")
            _mark("done")
            tally.ok += 1
    return tally


def client_process(url: str, ids: list[str], seconds: float, log_dir: Path, index: int,
                   threads: int, results: Any, markers: Path | None = None) -> None:
    """One client process: ``threads`` threads sharing one Engine; puts its tally on
    ``results``."""
    _open_markers(markers)
    engine = new_engine(url)
    until = time.monotonic() + seconds
    tallies: list[Tally] = []

    def run(t: int) -> None:
        tallies.append(client_thread(engine, ids, until, log_dir / f"client-{index}-{t}.jsonl",
                                     seed=index * 100 + t))

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    engine.close()
    refused: Counter[str] = Counter()
    for t in tallies:
        refused.update(t.refused)
    results.put(("client", index, sum(t.ok for t in tallies), dict(refused),
                 [e for t in tallies for e in t.errors]))


def worker_process(url: str, origin: datetime, wall_origin: float, seconds: float, index: int,
                   results: Any, markers: Path | None = None, poll: float = 0.2) -> None:
    """One worker process: the engine's Worker on a FastClock for ``seconds``; puts how many it
    fired on ``results``."""
    _open_markers(markers)
    engine = new_engine(url, clock=FastClock(origin, wall_origin))
    engine.start_worker(poll_interval=poll)
    time.sleep(seconds)
    fired = engine._worker.fired if engine._worker is not None else -1
    engine.close()
    results.put(("worker", index, fired))


# -- checks --------------------------------------------------------------------------------------

def read_logs(log_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted(log_dir.glob("client-*.jsonl"))
            for line in path.read_text().splitlines() if line.strip()]


def drain(url: str, at: datetime) -> int:
    """Fire everything due by ``at`` (a fresh engine on a manual clock); how many fired."""
    engine = new_engine(url, clock=ManualClock(at))
    try:
        return engine.run_due_timers()
    finally:
        engine.close()


@dataclass
class Report:
    instances: int = 0
    events: int = 0
    client_events: int = 0
    logged: int = 0
    unlogged: int = 0
    bumps: int = 0
    timers_fired: int = 0
    timers_cancelled: int = 0
    retried_timers: int = 0


def check_everything(engine: Engine, logs: Iterable[dict[str, Any]],
                     max_unlogged: int = 0) -> Report:
    """The invariants after a run, on every instance of the database.

    * every event sequence is 1..n without gap or repeat, the row's ``seq`` is n and its chain
      verifies (``Engine.verify_history``);
    * the row version is the number of events that are not marks (marks leave it alone);
    * every logged success is the event its version names, with its trigger, claimed by no other
      logged call; at most ``max_unlogged`` client events are in no log (a client killed after
      its commit and before its log line);
    * the bump count in the data equals the bump events; the counter's numbers are 1..n;
    * no timer is pending, claimed or failed; each fired timer left exactly one event (an
      ``overdue`` mark for clock ``a``, a ``note`` for clock ``c``), and no event came from
      nowhere.
    """
    report = Report()
    logged: dict[tuple[str, int], str] = {}
    for entry in logs:
        key = (entry["i"], entry["v"])
        assert key not in logged, f"two successful calls claim {key}: lost update"
        logged[key] = entry["t"]
    report.logged = len(logged)
    ev, tm, inst = storage.events, storage.timers, storage.instances
    with engine.db.connect().execution_options(**READ_ONLY) as conn:
        rows = conn.execute(select(inst.c.id, inst.c.version, inst.c.seq, inst.c.data)).all()
        events = conn.execute(select(ev.c.instance_id, ev.c.seq, ev.c.trigger, ev.c.data)
                              .order_by(ev.c.instance_id, ev.c.seq)).all()
        timers = conn.execute(select(tm.c.instance_id, tm.c.clock, tm.c.status,
                                     tm.c.attempts)).all()
    by_instance: dict[str, list[Any]] = {r.id: [] for r in rows}
    for e in events:
        by_instance[e.instance_id].append(e)
    statuses = Counter(t.status for t in timers)
    assert set(statuses) <= {"fired", "cancelled"}, f"timers left over: {statuses}"
    fired = Counter((t.instance_id, t.clock) for t in timers if t.status == "fired")
    report.timers_fired, report.timers_cancelled = statuses["fired"], statuses["cancelled"]
    report.retried_timers = sum(1 for t in timers if t.attempts)
    tickets: list[int] = []
    seen_logged = 0
    for row in rows:
        history = by_instance[row.id]
        assert [e.seq for e in history] == list(range(1, len(history) + 1)), row.id
        assert row.seq == len(history), row.id
        engine.verify_history(row.id)
        changes = [e for e in history if e.trigger not in MARKS]
        assert row.version == len(changes), (row.id, row.version, len(changes))
        for version, e in enumerate(changes, start=1):
            if e.trigger in CLIENT_TRIGGERS:
                report.client_events += 1
                claimed = logged.get((row.id, version))
                if claimed is None:
                    report.unlogged += 1
                else:
                    assert claimed == e.trigger, (row.id, version, claimed, e.trigger)
                    seen_logged += 1
        bumps = [e for e in history if e.trigger in ("bump", "slowbump")]
        report.bumps += len(bumps)
        assert row.data.get("count", 0) == len(bumps), f"{row.id}: lost update of the count"
        tickets += [e.data["ticket"] for e in bumps]
        marks = Counter(e.data["clock"] for e in history if e.trigger == "overdue")
        notes = sum(1 for e in history if e.trigger == "note")
        assert marks["a"] == fired[(row.id, "a")], f"{row.id}: overdue marks != fired timers"
        assert notes == fired[(row.id, "c")], f"{row.id}: notes != fired timers"
        report.events += len(history)
    report.instances = len(rows)
    assert seen_logged == len(logged), "a logged success is missing from history"
    assert sorted(tickets) == list(range(1, len(tickets) + 1)), "counter numbers gap or repeat"
    assert report.unlogged <= max_unlogged, (report.unlogged, max_unlogged)
    return report


def sqlite_integrity(url: str) -> str:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
