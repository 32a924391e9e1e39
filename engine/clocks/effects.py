"""A transition's clock effects, as pure functions of the records, the event's data and its day.

The effects of the transition apply first, then those of entering its destination; closing an
instance stops every clock still running. Each changed record leaves with its due date announced,
so the timers and the snapshot read the due date computed here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.clocks.deadline import WorkingCalendar, announced
from engine.clocks.record import (
    ClockEffectError,
    ClockLimitReached,
    ClockRecord,
    apply_effect,
    stop_at_close,
)
from engine.definition.model import ClockEffect, Transition, WorkflowDefinition


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
        length = data.get(e.length_field) if e.length_field else None
        try:
            new = apply_effect(current.get(e.clock), d.clock(e.clock), e,
                               effect_day(e, data, today), length)
        except ClockLimitReached as exc:
            exc.clock = e.clock
            raise
        except ClockEffectError as exc:
            exc.clock, exc.field = e.clock, e.date_field
            raise
        if new is not current.get(e.clock):
            current[e.clock] = changed[e.clock] = new
    if entered and transition.dest in d.terminal_states:
        for name, rec in current.items():
            if rec.started_on and not rec.stopped_on:
                changed[name] = stop_at_close(rec, today)
    return {name: announced(rec, d.clock(name).unit, cal) for name, rec in changed.items()}
