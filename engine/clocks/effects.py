"""A transition's clock effects, as pure functions of the records, the event's data and its day.

The effects of the transition apply first, then those of entering its destination; closing an
instance stops every clock still running. Each changed record leaves with its due date announced,
so the timers and the snapshot read the due date computed here once.

An effect on a clock family (``engine.clocks.family``) acts on the member its ``key_field``
names — on one member per object of its ``each`` list — or, without a key, on every member.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.clocks.deadline import WorkingCalendar, announced
from engine.clocks.family import members
from engine.clocks.record import (
    ClockEffectError,
    ClockLimitReached,
    ClockRecord,
    apply_effect,
    stop_at_close,
)
from engine.definition.model import (
    Clock,
    ClockEffect,
    Transition,
    WorkflowDefinition,
    member_name,
)


def effect_day(effect: ClockEffect, data: Mapping[str, Any], today: date) -> date:
    """The day an effect happened: the named data field, or the event's own (Beijing) date.

    A day after today is refused: events record what happened, and a deadline counted from a
    future day would be silently wrong.
    """
    value = data.get(effect.date_field) if effect.date_field else None
    day = date.fromisoformat(value) if isinstance(value, str) else today
    if day > today:
        raise ClockEffectError(f"{day} is after today ({today})")
    return day


def effect_due(effect: ClockEffect, data: Mapping[str, Any]) -> date | None:
    """The due date a ``start``/``restart`` reads from its ``due_field`` (an ISO date)."""
    value = data.get(effect.due_field) if effect.due_field else None
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ClockEffectError(f"{value!r} is not a date") from None


@dataclass(frozen=True)
class Target:
    """One record an effect acts on: its name, the data it is read from, and where that data
    sits in the event's data (``parties.1.`` for the second object of an ``each`` list)."""

    name: str
    data: Mapping[str, Any]
    prefix: str = ""

    def field(self, name: str | None) -> str | None:
        return f"{self.prefix}{name}" if name else None


def _items(effect: ClockEffect, data: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str]]:
    if effect.each is None:
        return [(data, "")]
    items = data.get(effect.each)
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        err = ClockEffectError(f"{effect.each!r} must be a list of objects")
        err.field = effect.each
        raise err
    return [(item, f"{effect.each}.{i}.") for i, item in enumerate(items)]


def targets(clock: Clock, effect: ClockEffect, data: Mapping[str, Any],
            records: Mapping[str, ClockRecord]) -> Iterator[Target]:
    """The records ``effect`` acts on: the clock itself; a family's member named by the key (one
    per object of ``each``); or, for a family effect without a key, every member not stopped."""
    if not clock.family:
        yield Target(clock.name, data)
        return
    if effect.key_field is None:
        for name in members(records, clock.name).values():
            if effect.op == "stop" or records[name].stopped_on is None:
                yield Target(name, data)
        return
    for item, prefix in _items(effect, data):
        key = item.get(effect.key_field)
        if not isinstance(key, str | int) or isinstance(key, bool) or not str(key).strip():
            err = ClockEffectError(f"clock {clock.name!r} needs a member key, got {key!r}")
            err.field = f"{prefix}{effect.key_field}"
            raise err
        yield Target(member_name(clock.name, str(key)), item, prefix)


def apply_clocks(d: WorkflowDefinition, transition: Transition, records: Mapping[str, ClockRecord],
                 data: Mapping[str, Any], today: date, cal: WorkingCalendar, *, entered: bool
                 ) -> dict[str, ClockRecord]:
    """The clocks changed by the transition's effects, then by entering its destination.

    Raises :class:`ClockLimitReached` (too many extensions) and :class:`ClockEffectError`
    (an effect that cannot apply on its day; ``field`` names its date field, if any).
    """
    effects = transition.effects
    if entered and transition.dest:
        effects += d.state(transition.dest).effects
    current = dict(records)
    changed: dict[str, ClockRecord] = {}
    for e in effects:
        clock = d.clock(e.clock)
        for target in list(targets(clock, e, data, current)):
            new = _apply(current.get(target.name), clock, e, target, today)
            if new is not current.get(target.name):
                current[target.name] = changed[target.name] = new
    if entered and transition.dest in d.terminal_states:
        for name, rec in current.items():
            if rec.started_on and not rec.stopped_on:
                changed[name] = stop_at_close(rec, today)
    return {name: announced(rec, d.clock(name).unit, cal) for name, rec in changed.items()}


def _apply(rec: ClockRecord | None, clock: Clock, e: ClockEffect, target: Target, today: date
           ) -> ClockRecord:
    """One effect on one record; an error names the record and the data field behind it."""
    item = target.data
    field = target.field(e.date_field)
    try:
        day = effect_day(e, item, today)
        due = None
        if e.op in ("start", "restart"):
            field = target.field(e.due_field) or field
            due = effect_due(e, item)
        length = item.get(e.length_field) if e.length_field else None
        return apply_effect(rec, clock, e, day, length, due, target.name)
    except ClockLimitReached as exc:
        exc.clock = target.name
        raise
    except ClockEffectError as exc:
        exc.clock = target.name
        exc.field = exc.field or field
        raise
