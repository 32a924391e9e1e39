"""Issue 13, speed and scale: what an engine operation costs as the database fills, the outbox
when nobody subscribes, registering against other steps, and draining due timers.

Each figure stands next to a floor measured in the same run, interleaved (plain SQLAlchemy Core
doing the writes the step cannot do without), so the machine's load touches both alike:

* ``open``: with 1,000 / 10,000 / … open requests (each with a running clock and its two timers),
  ``start``, a clocked step (``restart``: cancel the clock's timers, write new ones) and a plain
  step (``touch``), in ms; each size's figure against the first size's. Two floors: the instance
  row and its event (``floor``), and the writes a clocked step cannot do without (``clocked
  floor``: those, the outbox row, the cancel and the two new timers).
* ``outbox``: the outbox rows left after many transitions nobody subscribes to, with the default
  retention set to 0 and with retention off (``None``).
* ``register``: a step that draws a register number (``workflows.common.numbering``) against the
  same step without one.
* ``drain``: firing due timers (``run_due_timers``) against a floor writing the same rows (timer
  settled, instance row, event, outbox row) in transactions of the same size.

Run through ``python -m bench`` (``--only open outbox register drain``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from engine_bench import ACTOR, DIGEST, FLOOR_INSERT, Weekdays, pg_schema, sqlite_db
from sqlalchemy import bindparam

from engine import (
    Clock,
    ClockEffect,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.runtime.due import BATCH
from engine.store import tables as storage
from engine.testing import ManualClock
from workflows.common.numbering import next_number

FLAT_WITHIN = 0.20
"""Each size's cost within 20% of the first size's (issue 13)."""
DRAIN_MAX = 1.5
"""Timer drain at most 1.5x the floor writing the same rows (issue 13)."""
POPULATE_BATCH = 1_000


def definition() -> WorkflowDefinition:
    """A request with a 20-working-day reply clock (a reminder 3 days before, an overdue mark):
    two pending timers per open request."""
    reply = ClockEffect("reply", "start")
    return WorkflowDefinition(
        name="scale", version=1, title=Title("规模（基准）", "Scale (bench)"),
        states=(State("open", kind="initial"), State("closed", kind="terminal")),
        transitions=(
            Transition("begin", (), "open", roles=("clerk",), effects=(reply,)),
            Transition("restart", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("reply", "restart"),)),
            Transition("touch", ("open",), None, roles=("clerk",)),
            Transition("register", ("open",), None, roles=("clerk",),
                       actions=("assign_number",)),
            Transition("close", ("open",), "closed", roles=("clerk",)),
        ),
        clocks=(Clock("reply", 20, reminders=(3,)),), roles=("clerk",), start_trigger="begin")


def registry() -> Registry:
    reg = Registry()

    @reg.action("assign_number")
    def assign_number(ctx: TransitionContext) -> dict[str, Any]:
        return {"register_number": next_number(ctx, "scale", ctx.now.year,
                                               "依申〔{year}〕第{seq:04d}号")}

    return reg


def new_engine(url: str, clock: Any = None, **options: Any) -> Engine:
    engine = Engine(url, clock=clock, calendar=Weekdays(), registry=registry(), **options)
    engine.register(definition())
    return engine


def populate(engine: Engine, count: int) -> float:
    """``count`` open requests through the start path, a thousand to a transaction; seconds."""
    started = time.perf_counter()
    done = 0
    while done < count:
        now = engine.core.now()
        with engine.db.begin() as conn:
            for _ in range(min(POPULATE_BATCH, count - done)):
                engine.core.start_instance(engine.core.port(conn), "scale", ACTOR, None, None,
                                           now)
                done += 1
    return time.perf_counter() - started


def open_ids(engine: Engine) -> list[str]:
    with engine.db.connect() as conn:
        return list(conn.execute(sa.select(storage.instances.c.id)
                                 .order_by(storage.instances.c.id)).scalars())


_I = storage.instances
_FLOOR_STEP = (sa.update(_I).where(_I.c.id == bindparam("b_id"))
               .values(seq=_I.c.seq + 1, version=_I.c.version + 1, last_hash=DIGEST,
                       updated_at=bindparam("b_now"))
               .returning(_I.c.seq))


def floor_step(conn: Any, iid: str, trigger: str, now: datetime) -> int:
    """The writes a step cannot do without: the instance row moved on, its event; the new seq."""
    seq = conn.execute(_FLOOR_STEP, {"b_id": iid, "b_now": now}).scalar_one()
    conn.execute(FLOOR_INSERT, dict(
        instance_id=iid, seq=seq, trigger=trigger, from_state="open", to_state="open",
        actor_id=ACTOR.id, actor_role="clerk", event_time=now, recorded_at=now, data={},
        prev_hash=DIGEST, hash=DIGEST))
    return int(seq)


_T = storage.timers
_FLOOR_CANCEL = (sa.update(_T).where(_T.c.instance_id == bindparam("b_id"),
                                     _T.c.status == "pending", _T.c.clock == "reply")
                 .values(status="cancelled", fired_at=bindparam("b_now")))
_FLOOR_TIMERS = sa.insert(_T)


def clocked_floor_step(conn: Any, iid: str, now: datetime) -> None:
    """The writes a clocked step (``restart``) cannot do without: the instance row and its
    event, the event's outbox row, the clock's pending timers cancelled and its two new timers
    (a reminder and the overdue mark) written."""
    seq = floor_step(conn, iid, "restart", now)
    conn.execute(_FLOOR_OUTBOX, dict(
        instance_id=iid, seq=seq, workflow="scale", topic="event", trigger="restart",
        payload={}, attempts=0, next_attempt_at=now))
    conn.execute(_FLOOR_CANCEL, {"b_id": iid, "b_now": now})
    conn.execute(_FLOOR_TIMERS, [
        dict(instance_id=iid, workflow="scale", state="open", clock="reply", kind=kind,
             trigger=kind, due_at=now + timedelta(days=days), epoch=seq, status="pending",
             attempts=0)
        for kind, days in (("reminder", 25), ("overdue", 29))])


# -- open: cost against the number of open requests ---------------------------------------------

STEPS = ("start", "restart", "touch", "floor", "clocked floor")


@dataclass
class OpenResult:
    backend: str
    size: int
    populate_s: float
    ms: dict[str, list[float]] = field(default_factory=dict)

    def median(self, step: str) -> float:
        return statistics.median(self.ms[step])


def _timed(ops: int, one: Callable[[int], Any]) -> float:
    started = time.perf_counter()
    for n in range(ops):
        one(n)
    return 1000 * (time.perf_counter() - started) / ops


def open_size(backend: str, url: str, size: int, ops: int, rounds: int) -> OpenResult:
    engine = new_engine(url)
    result = OpenResult(backend, size, populate(engine, size), {s: [] for s in STEPS})
    ids = open_ids(engine)
    picks = iter(range(10**9))

    def restart(n: int) -> None:
        iid = ids[(next(picks) * 7919) % len(ids)]
        engine.fire(iid, "restart", ACTOR)

    def touch(n: int) -> None:
        iid = ids[(next(picks) * 7919) % len(ids)]
        engine.fire(iid, "touch", ACTOR)

    def floor(n: int) -> None:
        iid = ids[(next(picks) * 7919) % len(ids)]
        with engine.db.begin() as conn:
            floor_step(conn, iid, "touch", datetime.now(UTC))

    def clocked_floor(n: int) -> None:
        iid = ids[(next(picks) * 7919) % len(ids)]
        with engine.db.begin() as conn:
            clocked_floor_step(conn, iid, datetime.now(UTC))

    def start(n: int) -> None:
        engine.start("scale", ACTOR)

    steps = {"start": start, "restart": restart, "touch": touch, "floor": floor,
             "clocked floor": clocked_floor}
    for r in range(rounds):
        order = STEPS if r % 2 == 0 else tuple(reversed(STEPS))
        for step in order:
            result.ms[step].append(_timed(ops, steps[step]))
    engine.db.dispose()
    return result


# -- outbox: bounded without subscribers ---------------------------------------------------------

@dataclass
class OutboxResult:
    backend: str
    transitions: int
    rows: dict[str, int]


def outbox_rows_after(url: str, transitions: int, retention: timedelta | None) -> int:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    engine = new_engine(url, clock, outbox_retention=retention)
    iid = engine.start("scale", ACTOR).id
    for _ in range(transitions - 1):
        clock.advance(timedelta(seconds=1))
        engine.fire(iid, "touch", ACTOR)
    with engine.db.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(storage.outbox)).scalar_one()
    engine.db.dispose()
    return int(rows)


# -- register against other steps ----------------------------------------------------------------

@dataclass
class RegisterResult:
    backend: str
    ms: dict[str, list[float]]


def register_vs_touch(url: str, ops: int, rounds: int) -> RegisterResult:
    engine = new_engine(url)
    ids = [engine.start("scale", ACTOR).id for _ in range(50)]
    result = RegisterResult("", {"register": [], "touch": []})
    for r in range(rounds):
        order = ("register", "touch") if r % 2 == 0 else ("touch", "register")
        for step in order:
            result.ms[step].append(_timed(ops, lambda n, s=step: engine.fire(
                ids[n % len(ids)], s, ACTOR)))
    engine.db.dispose()
    return result


# -- timer drain against its floor ---------------------------------------------------------------

@dataclass
class DrainResult:
    backend: str
    timers: int
    engine_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)


_FLOOR_TIMER = (sa.update(storage.timers).where(storage.timers.c.id == bindparam("b_id"))
                .values(status="fired", fired_at=bindparam("b_now")))
_FLOOR_OUTBOX = sa.insert(storage.outbox)


def drain_floor(engine: Engine, now: datetime) -> tuple[float, int]:
    """Claim the due timers ``BATCH`` at a time and write what firing one writes: the timer
    settled, the instance row, an event, an outbox row; seconds and timers."""
    t, db = storage.timers, engine.db
    claim = (sa.select(t.c.id, t.c.instance_id).where(t.c.status == "pending", t.c.due_at <= now)
             .order_by(t.c.due_at, t.c.id).limit(BATCH))
    if db.dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    done = 0
    started = time.perf_counter()
    while True:
        with db.begin() as conn:
            rows = conn.execute(claim).all()
            for row in rows:
                seq = floor_step(conn, row.instance_id, "reminder", now)
                conn.execute(_FLOOR_OUTBOX, dict(
                    instance_id=row.instance_id, seq=seq, workflow="scale", topic="event",
                    trigger="reminder", payload={}, attempts=0, next_attempt_at=now))
                conn.execute(_FLOOR_TIMER, {"b_id": row.id, "b_now": now})
        done += len(rows)
        if not rows:
            return time.perf_counter() - started, done


def _saved_rows(engine: Engine) -> list[dict[str, Any]]:
    """Every instance row as its first event wrote it (to put back between runs)."""
    with engine.db.connect() as conn:
        return [{f"b_{k}": v for k, v in row.items()}
                for row in conn.execute(sa.select(_I)).mappings()]


_RESTORE = (sa.update(_I).where(_I.c.id == bindparam("b_id"))
            .values({c.name: bindparam(f"b_{c.name}") for c in _I.columns if c.name != "id"}))


def _rewind(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Every timer pending again, every request back exactly as its first event wrote it (the
    engine refuses to build on a row that differs from its last event)."""
    e = storage.events
    with engine.db.begin() as conn:
        conn.execute(sa.update(storage.timers).values(status="pending", fired_at=None))
        conn.execute(sa.delete(e).where(e.c.seq > 1))
        conn.execute(sa.delete(storage.outbox))
        conn.execute(_RESTORE, rows)


def drain(backend: str, url: str, timers: int, rounds: int) -> DrainResult:
    """``timers`` due reminders (one per request), fired by the engine and by the floor."""
    clock = ManualClock(datetime(2026, 3, 2, 2, tzinfo=UTC))     # Monday 10:00 Beijing
    engine = new_engine(url, clock, outbox_retention=None)
    populate(engine, timers)
    t = storage.timers
    with engine.db.begin() as conn:      # one due reminder per request, the deadlines not due
        conn.execute(sa.delete(t).where(t.c.kind != "reminder"))
        due_at = conn.execute(sa.select(sa.func.max(t.c.due_at))).scalar_one()
    due_at = due_at.replace(tzinfo=UTC) if due_at.tzinfo is None else due_at
    clock.set(due_at)
    saved = _saved_rows(engine)
    result = DrainResult(backend, timers)
    for r in range(rounds):
        for who in (("engine", "floor") if r % 2 == 0 else ("floor", "engine")):
            if who == "engine":
                started = time.perf_counter()
                fired = engine.run_due_timers()
                result.engine_s.append(time.perf_counter() - started)
                if fired != timers:
                    raise SystemExit(f"the engine fired {fired} timers, expected {timers}")
            else:
                spent, done = drain_floor(engine, due_at)
                result.floor_s.append(spent)
                if done != timers:
                    raise SystemExit(f"the floor settled {done} timers, expected {timers}")
            _rewind(engine, saved)
    engine.db.dispose()
    return result


# -- databases -----------------------------------------------------------------------------------

@contextmanager
def database(backend: str, pg: str | None) -> Iterator[str]:
    if backend == "sqlite":
        with sqlite_db() as url:
            yield url
    else:
        assert pg is not None
        with pg_schema(pg) as url:
            yield url

