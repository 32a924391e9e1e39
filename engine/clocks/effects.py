"""A transition's clock effects, as pure functions of the records, the event's data and its day.

The effects of the transition apply first, then those of entering its destination; closing an
instance stops every clock still running. Each changed record leaves with its due date announced,
so the timers and the snapshot read the due date computed here once.

An effect on a clock family (``engine.clocks.family``) acts on the member its ``key_field``
names — on one member per object of its ``each`` list — or, without a key, on every member.

What an effect reads from the event's data is checked here, and a value it cannot use refuses
the event (:class:`ClockEffectError`, ``field`` naming the data field, ``parties.0.received_on``
inside an ``each`` list), never a silently wrong deadline:

* every date (``date_field``, ``due_field``) is a strict ISO date ``YYYY-MM-DD``
  (:func:`data_date`; ``"20260105"`` and ``"2026-W02-1"``, which ``date.fromisoformat``
  accepts, are refused);
* a missing ``date_field`` value dates the effect on the event's own day; a missing
  ``due_field`` value is refused unless the clock has a ``due_month_day`` to fall back on;
* a length (``length_field``) is a positive whole number; an ``extend`` without ``by`` needs it;
* a key names one member once per ``each`` list; a keyed ``pause``, ``resume``, ``extend`` or
  ``stop`` names a member that was started (a mistyped party is refused, not skipped);
* a due date lies at most :data:`MAX_YEARS` years after its clock's start, and the calendar can
  count it and its reminders (``CalendarDataMissing``/``OverflowError`` caused by a date or a
  length from the data refuse the event, naming that field).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.clocks.deadline import WorkingCalendar, announced, reminder_days
from engine.clocks.family import members
from engine.clocks.record import (
    MAX_YEARS,
    ClockEffectError,
    ClockLimitReached,
    ClockRecord,
    apply_effect,
    stop_at_close,
    years_after,
)
from engine.definition.model import (
    Clock,
    ClockEffect,
    Transition,
    WorkflowDefinition,
    member_name,
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def refusal(message: str, field: str | None) -> ClockEffectError:
    """A :class:`ClockEffectError` naming the data field it concerns."""
    err = ClockEffectError(message)
    err.field = field
    return err


def data_date(value: object, field: str | None = None) -> date:
    """A date read from the event's data: a strict ISO date ``YYYY-MM-DD`` (a Beijing date).

    The one rule for every date an effect reads; raises :class:`ClockEffectError` naming
    ``field`` for anything else (another type, ``"20260105"``, ``"2026-W02-1"``, ``"2025-02-30"``).
    """
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise refusal(f"{value!r} is not a date (YYYY-MM-DD)", field)


@dataclass(frozen=True)
class Target:
    """One record an effect acts on: its name, the data it is read from, and where that data
    sits in the event's data (``parties.1.`` for the second object of an ``each`` list)."""

    name: str
    data: Mapping[str, Any]
    prefix: str = ""

    def field(self, name: str | None) -> str | None:
        return f"{self.prefix}{name}" if name else None


@dataclass(frozen=True)
class Inputs:
    """What one effect read for one record: its day, length and due date, and the data fields
    they came from (``None`` where the effect's day, the clock's length or its ``due_month_day``
    was used instead)."""

    day: date
    length: int | None = None
    due: date | None = None
    day_field: str | None = None
    length_field: str | None = None
    due_field: str | None = None


def read_inputs(clock: Clock, e: ClockEffect, target: Target, today: date) -> Inputs:
    """The day, length and due date ``e`` reads for ``target``; raises :class:`ClockEffectError`
    naming the field. A day after today is refused: events record what happened, and a deadline
    counted from a future day would be silently wrong."""
    item, day, day_field = target.data, today, None
    if e.date_field and item.get(e.date_field) is not None:
        day_field = target.field(e.date_field)
        day = data_date(item[e.date_field], day_field)
        if day > today:
            raise refusal(f"{day} is after today ({today})", day_field)
    length, length_field = _length(clock, e, target)
    due, due_field = None, None
    if e.op in ("start", "restart") and e.due_field:
        due_field = target.field(e.due_field)
        if item.get(e.due_field) is not None:
            due = data_date(item[e.due_field], due_field)
        elif clock.due_month_day is None:
            raise refusal(f"clock {target.name!r} is due on the date in {due_field!r}, and the "
                          "event gives none", due_field)
        else:
            due_field = None
    return Inputs(day, length, due, day_field, length_field, due_field)


def _length(clock: Clock, e: ClockEffect, target: Target) -> tuple[int | None, str | None]:
    """The units a ``length_field`` gives (a positive whole number), or ``None`` to use the
    clock's length or the effect's ``by``; an ``extend`` with neither is refused."""
    if not e.length_field:
        return None, None
    field = target.field(e.length_field)
    value = target.data.get(e.length_field)
    if value is None:
        if e.op == "extend" and not e.by:
            raise refusal(f"clock {target.name!r} cannot be extended: the event gives no "
                          f"number of {clock.unit} in {field!r}", field)
        return None, None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise refusal(f"{value!r} is not a positive whole number of {clock.unit}", field)
    return value, field


def _items(effect: ClockEffect, data: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str]]:
    if effect.each is None:
        return [(data, "")]
    items = data.get(effect.each)
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise refusal(f"{effect.each!r} must be a list of objects", effect.each)
    return [(item, f"{effect.each}.{i}.") for i, item in enumerate(items)]


def _key(clock: Clock, effect: ClockEffect, item: Mapping[str, Any], prefix: str) -> str:
    key = item.get(effect.key_field or "")
    if not isinstance(key, str | int) or isinstance(key, bool) or not str(key).strip():
        raise refusal(f"clock {clock.name!r} needs a member key, got {key!r}",
                      f"{prefix}{effect.key_field}")
    return str(key)


def targets(clock: Clock, effect: ClockEffect, data: Mapping[str, Any],
            records: Mapping[str, ClockRecord]) -> Iterator[Target]:
    """The records ``effect`` acts on: the clock itself; a family's member named by the key (one
    per object of ``each``); or, for a family effect without a key, every member not stopped.

    A key listed twice in one ``each`` list is refused (which of the two would count?), and so
    is a keyed ``pause``, ``resume``, ``extend`` or ``stop`` of a member never started (a
    mistyped key must not pass silently); the field named is the list, or the key's field.
    """
    if not clock.family:
        yield Target(clock.name, data)
        return
    if effect.key_field is None:
        for name in members(records, clock.name).values():
            if effect.op == "stop" or records[name].stopped_on is None:
                yield Target(name, data)
        return
    found: dict[str, str] = {}
    chosen = []
    for item, prefix in _items(effect, data):
        key = _key(clock, effect, item, prefix)
        field = f"{prefix}{effect.key_field}"
        if key in found:
            raise refusal(f"{effect.each!r} names member {key!r} twice ({found[key]!r} and "
                          f"{field!r})", effect.each)
        found[key] = field
        name = member_name(clock.name, key)
        rec = records.get(name)
        if effect.op not in ("start", "restart") and (rec is None or rec.started_on is None):
            known = ", ".join(repr(k) for k in members(records, clock.name)) or "none"
            raise refusal(f"clock {clock.name!r} has no member {key!r} to {effect.op} "
                          f"(started: {known})", field)
        chosen.append(Target(name, item, prefix))
    yield from chosen


def apply_clocks(d: WorkflowDefinition, transition: Transition, records: Mapping[str, ClockRecord],
                 data: Mapping[str, Any], today: date, cal: WorkingCalendar, *, entered: bool
                 ) -> dict[str, ClockRecord]:
    """The clocks changed by the transition's effects, then by entering its destination.

    Raises :class:`ClockLimitReached` (too many extensions) and :class:`ClockEffectError`
    (an effect that cannot apply on its day, or data it cannot use; ``field`` names the data
    field, if any). A calendar that cannot count a period the data did not push out (e.g. a
    20-working-day period running into a year without a holiday schedule) raises the
    calendar's own error, as before.
    """
    effects = transition.effects
    if entered and transition.dest:
        effects += d.state(transition.dest).effects
    current = dict(records)
    changed: dict[str, ClockRecord] = {}
    read: dict[str, Inputs] = {}
    for e in effects:
        if e.when_field and data.get(e.when_field) in (None, "", [], {}):
            continue
        clock = d.clock(e.clock)
        for target in list(targets(clock, e, data, current)):
            new, inputs = _apply(current.get(target.name), clock, e, target, today)
            if new is not current.get(target.name):
                current[target.name] = changed[target.name] = new
                read[target.name] = inputs
    if entered and transition.dest in d.terminal_states:
        for name, rec in current.items():
            if rec.started_on and not rec.stopped_on:
                changed[name] = stop_at_close(rec, today)
    return {name: _announce(d.clock(name), rec, cal, name, read.get(name))
            for name, rec in changed.items()}


def _apply(rec: ClockRecord | None, clock: Clock, e: ClockEffect, target: Target, today: date
           ) -> tuple[ClockRecord, Inputs]:
    """One effect on one record; an error names the record and the data field behind it."""
    try:
        inputs = read_inputs(clock, e, target, today)
        new = apply_effect(rec, clock, e, inputs.day, inputs.length, inputs.due, target.name)
    except ClockLimitReached as exc:
        exc.clock = target.name
        raise
    except ClockEffectError as exc:
        exc.clock = target.name
        exc.field = exc.field or target.field(e.due_field if e.op in ("start", "restart")
                                              else None) or target.field(e.date_field)
        raise
    return new, inputs


def _announce(clock: Clock, rec: ClockRecord, cal: WorkingCalendar, name: str,
              inputs: Inputs | None) -> ClockRecord:
    """The record with its due date announced, once the calendar can count it and its
    reminders and the date lies within :data:`MAX_YEARS` of the start."""
    try:
        out = announced(rec, clock.unit, cal)
        reminder_days(out, clock, cal)
    except (LookupError, OverflowError) as exc:
        field = _culprit(exc, inputs)
        if field is None:
            raise
        raise _named(refusal(f"clock {name!r} cannot be counted on the calendar: {exc}", field),
                     name) from None
    assert out.started_on is not None
    limit = years_after(out.started_on, MAX_YEARS)
    if out.due_on is not None and out.due_on != rec.due_on and out.due_on > limit:
        field = None if inputs is None else (
            inputs.due_field or inputs.length_field or inputs.day_field)
        raise _named(refusal(f"clock {name!r} cannot be due on {out.due_on}: that is more than "
                             f"{MAX_YEARS} years after {out.started_on}, the day it starts",
                             field), name)
    return out


def _culprit(exc: BaseException, inputs: Inputs | None) -> str | None:
    """The data field that put a period beyond the calendar: the effect's day if the calendar
    lacks that day's year, else the due date or length the data gave; ``None`` when the data
    did not decide how far the period runs (the calendar's own error then stands)."""
    if inputs is None:
        return None
    year = getattr(exc, "year", None)
    if inputs.day_field and isinstance(year, int) and year <= inputs.day.year:
        return inputs.day_field
    return inputs.due_field or inputs.length_field


def _named(err: ClockEffectError, name: str) -> ClockEffectError:
    err.clock = name
    return err
