"""Driving the real workflows through a generated :class:`Scenario` on a manual clock.

Each working day the clock moves to 10:00 with :meth:`Engine.advance`, which fires on the way
every timer and schedule due (lapsed corrections, fees and consultations, reminders, overdue
marks, the December round), then the day's steps are fired in order. Every step goes through the
workflows' models and guards like any other call: a refused step stops the run with the
workflow's own error, noted with the step that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from itertools import groupby
from typing import Any

from engine import Actor, Engine, Instance
from engine.timesource import SHANGHAI
from workflows.attribute_review import schedule_yearly_round
from workflows.demo.scenario import Scenario
from workflows.demo.steps import Locate, Step

WORKDAY_START = time(10, 0)
"""When the day's steps are fired (reminders fall due at 09:00, lapses at midnight)."""


def moment(day: date, at: time = WORKDAY_START) -> datetime:
    """``day`` at ``at``, Beijing time."""
    return datetime.combine(day, at, tzinfo=SHANGHAI)


def run_year(engine: Engine, scenario: Scenario,
             progress: Callable[[int], None] | None = None) -> dict[str, str]:
    """Fire every step of ``scenario`` on ``engine`` (whose clock is a ``ManualClock`` at or
    before the first step), then move the clock to the scenario's end; the instance id of each
    case. ``progress`` is called with the number of steps done after each day."""
    ids: dict[str, str] = {}
    scheduled = False
    for day, steps in groupby(scenario.steps, key=lambda s: s.day):
        if not scheduled and day.year == scenario.year:
            schedule_yearly_round(engine)  # from the year on: no round for the December before
            scheduled = True
        engine.advance(moment(day))
        done = 0
        for step in steps:
            fire(engine, step, ids)
            done += 1
        if progress is not None:
            progress(done)
    engine.advance(moment(scenario.end, time(9, 0)))
    return ids


def fire(engine: Engine, step: Step, ids: dict[str, str]) -> Instance:
    """Fire one step (start its instance, or find the one the system started); a refusal is
    re-raised with a note naming the step."""
    data: dict[str, Any] = {**step.data, **{f: ids[case] for f, case in step.refs.items()}}
    actor = Actor(step.actor_id, step.role)
    try:
        if step.workflow is not None:
            instance = engine.start(step.workflow, actor, data)
            ids[step.case] = instance.id
            return instance
        if step.case not in ids:
            ids[step.case] = locate(engine, step.locate, ids, step.case)
        return engine.fire(ids[step.case], step.trigger, actor, data)
    except Exception as exc:
        exc.add_note(f"demo step: {step.case} {step.trigger} on {step.day}")
        raise


def locate(engine: Engine, where: Locate | None, ids: dict[str, str], case: str) -> str:
    """The id of the open instance ``where`` describes; ``LookupError`` if there is none."""
    if where is None:
        raise LookupError(f"case {case} has no instance yet and no way to find one")
    wanted = {**where.match, **{f: ids[c] for f, c in where.match_refs.items()}}
    for instance in engine.find(where.workflow, closed=False):
        if all(instance.data.get(f) == v for f, v in wanted.items()):
            return instance.id
    raise LookupError(f"case {case}: no open {where.workflow} with {wanted}")
