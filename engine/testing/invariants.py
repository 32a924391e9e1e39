"""Invariants every instance of every workflow keeps, whatever happened to it.

Each invariant is a function ``(engine, instance_id) -> None`` that raises ``AssertionError``
with a message naming the instance and what is wrong; each can be called on its own (in a story
test, after a migration) and :func:`workflow_state_machine` checks :data:`BUILTIN_INVARIANTS`
after every step. They read through the engine's public API, plus the stored clock records for
epochs (``engine.core``), never through SQL. :func:`refused_call_left_no_trace` is the one
invariant of a *call*: it compares table dumps taken around a refused call (DESIGN.md, engine
principle 10: a refused call changes nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from engine.actor import Actor
from engine.clocks.deadline import WorkingCalendar
from engine.clocks.record import ClockRecord
from engine.clocks.timers import OVERDUE_TRIGGER, REMINDER_TRIGGER
from engine.definition.clock_flow import clock_statuses
from engine.definition.model import WorkflowDefinition, split_member
from engine.errors import HistoryTampered
from engine.runtime.engine import Engine
from engine.snapshot import Instance
from engine.testing.tables import dump

Invariant = Callable[[Engine, str], None]
MARK_TRIGGERS = (REMINDER_TRIGGER, OVERDUE_TRIGGER)
"""Engine marks a timer records (a reminder, an overdue mark): events that change no state and
do not count in the instance's ``version``."""
RUNNING = ("running", "expired")
"""Deadline states of a clock that counts: ``expired`` is a running clock past its due date."""


def _definition(engine: Engine, instance: Instance) -> WorkflowDefinition:
    return engine.definition(instance.workflow, instance.definition_version)


def _records(engine: Engine, instance_id: str) -> dict[str, ClockRecord]:
    """The instance's stored clock records (family members by member name)."""
    with engine.core.read() as conn:
        return dict(engine.core.load(conn, instance_id).records)


def state_is_declared(engine: Engine, instance_id: str) -> None:
    """The instance is in a state its definition declares, and it is closed exactly when that
    state is terminal."""
    now = engine.get(instance_id)
    d = _definition(engine, now)
    declared = [s.name for s in d.states]
    assert now.state in declared, (
        f"instance {instance_id} is in state {now.state!r}, which {d.name} v{d.version} does not "
        f"declare ({', '.join(declared)})")
    terminal = now.state in d.terminal_states
    assert now.closed == terminal, (
        f"instance {instance_id} is {'closed' if now.closed else 'open'} in state "
        f"{now.state!r}, which is {'' if terminal else 'not '}terminal")


def history_verifies_and_replays(engine: Engine, instance_id: str) -> None:
    """The hash chain verifies; replaying the events' from/to states from the start ends in the
    current state; and the row's ``version`` (staff changes) equals the number of events that
    are transitions of the definition (engine marks — reminders, overdue marks, recomputed
    deadlines — add to ``seq`` only)."""
    try:
        engine.verify_history(instance_id)
    except HistoryTampered as exc:
        raise AssertionError(f"history of instance {instance_id} does not verify: {exc}") from exc
    now = engine.get(instance_id)
    events = engine.history(instance_id)
    assert events, f"instance {instance_id} has no events"
    state: str | None = None
    for event in events:
        assert event.from_state == state, (
            f"instance {instance_id}: event {event.seq} ({event.trigger}) leaves state "
            f"{event.from_state!r}, but the events before it end in {state!r}")
        state = event.to_state
    assert state == now.state, (
        f"instance {instance_id}: replaying its events ends in {state!r}, but it is in "
        f"{now.state!r}")
    triggers = {t.trigger for t in _definition(engine, now).transitions}
    versioned = sum(e.trigger in triggers for e in events)
    assert now.version == versioned, (
        f"instance {instance_id} has version {now.version}, but {versioned} of its events are "
        "transitions")


def no_clock_runs_in_a_pausing_state(engine: Engine, instance_id: str) -> None:
    """No clock runs in a state where the definition never lets it run: a state whose entry (or
    every way in) pauses or stops the clock (e.g. the reply period while the applicant corrects
    the request, 条例 30), as :func:`engine.definition.clock_flow.clock_statuses` derives from
    the definition's clock effects."""
    now = engine.get(instance_id)
    allowed = clock_statuses(_definition(engine, now)).get(now.state, {})
    for name, deadline in now.deadlines.items():
        family = split_member(name)[0]
        if deadline.state in RUNNING:
            assert "running" in allowed.get(family, set()), (
                f"instance {instance_id}: clock {name!r} runs in state {now.state!r}, where the "
                f"definition only lets it be {sorted(allowed.get(family, set()))}")


def is_working_day(calendar: WorkingCalendar, day: date) -> bool:
    """Whether ``day`` is a working day of ``calendar`` (its own ``is_working_day`` when it has
    one; else: the working day after the working day before ``day`` is ``day`` itself)."""
    own = getattr(calendar, "is_working_day", None)
    if callable(own):
        return bool(own(day))
    return calendar.add_working_days(calendar.sub_working_days(day, 1), 1) == day


def deadlines_on_working_days(engine: Engine, instance_id: str) -> None:
    """Every running clock counted in working days falls due on a working day of
    ``engine.calendar`` (a period of N working days ends on the N-th working day; holidays and
    调休 weekends as the State Council's schedule sets them). Clocks due on a fixed date
    (``length`` 0, e.g. 31 December) and clocks in calendar days are left out: their last day
    may be any day."""
    now = engine.get(instance_id)
    d = _definition(engine, now)
    for name, deadline in now.deadlines.items():
        clock = d.clock(name)
        if (deadline.state not in RUNNING or deadline.due_date is None or clock.length == 0
                or clock.unit != "working_days"):
            continue
        assert is_working_day(engine.calendar, deadline.due_date), (
            f"instance {instance_id}: clock {name!r} falls due on {deadline.due_date} "
            f"({deadline.due_date:%A}), not a working day")


def no_stale_pending_timer(engine: Engine, instance_id: str) -> None:
    """Every pending timer belongs to a clock that runs now, at the clock's current epoch, on an
    open instance: a timer of a paused, stopped, restarted or moved clock, or of a closed
    instance, was cancelled with the transition that made it stale."""
    now = engine.get(instance_id)
    pending = engine.timers(instance_id, status="pending")
    if now.closed:
        assert not pending, (f"closed instance {instance_id} still has pending timers: "
                             f"{[(t.clock, t.kind) for t in pending]}")
        return
    records = _records(engine, instance_id)
    for timer in pending:
        rec = records.get(timer.clock)
        assert rec is not None and rec.running, (
            f"instance {instance_id}: pending {timer.kind} timer {timer.id} of clock "
            f"{timer.clock!r}, which is not running")
        assert rec.epoch == timer.epoch, (
            f"instance {instance_id}: pending {timer.kind} timer {timer.id} of clock "
            f"{timer.clock!r} is of epoch {timer.epoch}, the clock is at {rec.epoch}")


def closed_accepts_nothing(engine: Engine, instance_id: str) -> None:
    """A closed instance (closed, or in a terminal state) offers no trigger to anyone, whatever
    roles they hold."""
    now = engine.get(instance_id)
    d = _definition(engine, now)
    if not (now.closed or now.state in d.terminal_states):
        return
    roles = {r for t in d.transitions for r in t.roles} | set(d.roles)
    for actor in (None, Actor("invariant-everyone", roles)):
        offered = engine.available_triggers(instance_id, actor)
        assert not offered, (f"closed instance {instance_id} (state {now.state!r}) offers "
                             f"{offered}")


def timers_fire_once(engine: Engine, instance_id: str) -> None:
    """No timer fired twice: no two fired timers are the same timer (clock, kind, epoch and due
    moment), and each reminder or overdue mark in the history was recorded by exactly one fired
    timer of its clock."""
    fired = [t for t in engine.timers(instance_id) if t.status == "fired"]
    same = Counter((t.clock, t.kind, t.epoch, t.due_at) for t in fired)
    twice = [key for key, n in same.items() if n > 1]
    assert not twice, f"instance {instance_id}: timers fired more than once: {twice}"
    history = engine.history(instance_id)
    marks: Counter[tuple[str, Any]] = Counter(
        (e.trigger, e.data.get("clock")) for e in history if e.trigger in MARK_TRIGGERS)
    timers: Counter[tuple[str, Any]] = Counter(
        (t.trigger, t.clock) for t in fired if t.trigger in MARK_TRIGGERS)
    for key in set(marks) | set(timers):
        assert marks[key] == timers[key], (
            f"instance {instance_id}: {marks[key]} {key[0]} event(s) of clock {key[1]!r} but "
            f"{timers[key]} fired timer(s)")


def refused_call_left_no_trace(engine: Engine, before: Mapping[str, list[dict[str, Any]]]
                               ) -> None:
    """After a refused call, every table the engine dumps (:func:`engine.testing.dump`) is as
    ``before`` (a dump taken just before the call); the message names the first table that
    changed and the rows that differ."""
    after = dump(engine, tuple(before))
    for name, rows in before.items():
        if after[name] != rows:
            gone = [r for r in rows if r not in after[name]]
            new = [r for r in after[name] if r not in rows]
            raise AssertionError(f"a refused call changed table {name}: rows gone {gone}, "
                                 f"rows new {new}")


BUILTIN_INVARIANTS: tuple[Invariant, ...] = (
    state_is_declared, history_verifies_and_replays, no_clock_runs_in_a_pausing_state,
    deadlines_on_working_days, no_stale_pending_timer, closed_accepts_nothing, timers_fire_once)
"""The invariants :func:`workflow_state_machine` checks on every instance after every step."""


def check_all(engine: Engine, instance_id: str,
              invariants: tuple[Invariant, ...] = BUILTIN_INVARIANTS) -> None:
    """Run ``invariants`` (the built-in ones by default) on one instance."""
    for invariant in invariants:
        invariant(engine, instance_id)
