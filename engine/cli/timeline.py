"""An instance's timeline as ``gongkai show`` prints it: its events, and its deadlines as they
moved.

Events do not store clock snapshots, so the timeline reads what is stored: for each event, the
clock effects its transition (and entering its destination) declares in the definition the
instance ran on, and for a recomputed deadline the old and new due dates the event records; for
each clock, the due date of every expiry timer written for it (one per change of a running clock,
``epoch`` counting the changes), and its current deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from engine.cli.render import Shown, compact_json, deadline_line
from engine.clocks.timers import AUTOMATIC, DEADLINE
from engine.definition.graph import expand_sources
from engine.definition.model import ClockEffect, Transition, WorkflowDefinition
from engine.snapshot import Event, Timer
from engine.timesource import SHANGHAI


def beijing(moment: datetime) -> str:
    """A moment as Beijing time, to the second (``2025-09-12 10:00:00+08:00``)."""
    return moment.astimezone(SHANGHAI).isoformat(sep=" ", timespec="seconds")


def header(view: Shown) -> Iterator[str]:
    """Id, workflow and version, state (with the closing time), label."""
    inst = view.instance
    closed = f"\tclosed {beijing(inst.closed_at)}" if inst.closed_at else ""
    yield f"instance\t{inst.id}"
    yield f"workflow\t{inst.workflow}\tv{inst.definition_version}"
    yield f"state\t{inst.state}{closed}"
    yield f"label\t{view.label or '-'}"


def event_line(view: Shown, event: Event) -> str:
    """seq, Beijing time, trigger, actor (role), from→to, data as compact JSON, clocks."""
    clocks = clock_notes(view.definition, event)
    notes = f"\tclocks: {'; '.join(clocks)}" if clocks else ""
    return (f"event\t{event.seq}\t{beijing(event.event_time)}\t{event.trigger}\t"
            f"{event.actor_id} ({event.actor_role or '-'})\t"
            f"{event.from_state or '-'}→{event.to_state}\t"
            f"{compact_json(view.masked(event.data))}{notes}")


def clock_notes(d: WorkflowDefinition, event: Event) -> list[str]:
    """What the event did to clocks: ``reply start``, ``reply moved 2025-10-16→2025-10-20``;
    closing the instance stops every clock still running."""
    from engine.runtime.recompute import RECOMPUTED

    if event.trigger == RECOMPUTED:
        data = event.data
        return [f"{data.get('clock')} moved {data.get('old_due_date') or '-'}→"
                f"{data.get('new_due_date') or '-'}"]
    notes = [f"{e.clock} {e.op}" for e in _effects(d, event)
             if not e.when_field or event.data.get(e.when_field) not in (None, "", [], {})]
    if event.to_state != event.from_state and event.to_state in d.terminal_states:
        notes.append("running clocks stop (closed)")
    return list(dict.fromkeys(notes))


def _effects(d: WorkflowDefinition, event: Event) -> list[ClockEffect]:
    found: list[ClockEffect] = []
    for t in _transitions(d, event):
        found += t.effects
        if t.dest is not None:
            found += d.state(t.dest).effects
    return found


def _transitions(d: WorkflowDefinition, event: Event) -> list[Transition]:
    """The transitions that may have recorded the event: its trigger, from its source state,
    to its destination (an internal one leaves the state as it was)."""
    def fits(t: Transition) -> bool:
        if t.trigger != event.trigger:
            return False
        if event.from_state is None:
            return t.trigger == d.start_trigger and t.dest == event.to_state
        dest = t.dest or event.from_state
        return event.from_state in expand_sources(d, t) and dest == event.to_state

    return [t for t in d.transitions if fits(t)]


def deadline_history(view: Shown, timers: list[Timer]) -> Iterator[str]:
    """Per clock: its current deadline, then the due date each change announced (from its
    expiry timers, oldest first), with the state it was set in and what became of it."""
    inst = view.instance
    by_clock: dict[str, list[Timer]] = {}
    for t in sorted(timers, key=lambda t: t.id):
        if t.kind in (DEADLINE, AUTOMATIC):
            by_clock.setdefault(t.clock, []).append(t)
    for name in sorted(set(inst.deadlines) | set(by_clock)):
        if name in inst.deadlines:
            yield deadline_line(inst.deadlines[name])
        for t in by_clock.get(name, ()):
            due = (t.due_at.astimezone(SHANGHAI) - timedelta(days=1)).date()
            ended = f" {beijing(t.fired_at)}" if t.fired_at else ""
            yield f"due\t{name}\t{due.isoformat()}\tepoch {t.epoch}\tset in {t.state}\t" \
                  f"{t.status}{ended}"
