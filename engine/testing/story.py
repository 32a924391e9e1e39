"""A dated story driver: one instance fired step by step on the dates of a case.

Each step sets the manual clock to a fixed Beijing time on the step's date (10:00 unless told
otherwise) and fires, so events carry the dates the law counts from. With
``fresh_engine_each_step`` every step runs on a new :class:`Engine` made by the factory, which
proves that nothing lives only in memory (save, reload, continue).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from engine.actor import Actor
from engine.runtime.engine import Engine
from engine.snapshot import Instance
from engine.testing.clock import ManualClock
from engine.timesource import SHANGHAI

EngineFactory = Callable[[ManualClock], Engine]


def at(day: date | str, moment: time = time(10, 0)) -> datetime:
    """``moment`` (Beijing time) on ``day`` (a date or an ISO date string)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, moment, tzinfo=SHANGHAI)


class Story:
    """One instance of ``workflow`` on engines made by ``factory``, fired on the dates given."""

    def __init__(self, factory: EngineFactory, workflow: str, actor: Actor,
                 data: Mapping[str, Any] | None, started_on: str, *,
                 business_key: str | None = None, fresh_engine_each_step: bool = False,
                 time_of_day: time = time(10, 0)) -> None:
        self.factory = factory
        self.time_of_day = time_of_day
        self.clock = ManualClock(at(started_on, time_of_day))
        self.fresh = fresh_engine_each_step
        self.engine = factory(self.clock)
        self.id = self.engine.start(workflow, actor, data, business_key=business_key).id

    def _on(self, day: str) -> None:
        moment = at(day, self.time_of_day)
        if moment > self.clock.now():
            self.clock.set(moment)
        if self.fresh:
            self.engine.close()
            self.engine = self.factory(self.clock)

    def fire(self, trigger: str, day: str, actor: Actor,
             data: Mapping[str, Any] | None = None) -> Instance:
        """Fire ``trigger`` at the story's time of day on ``day`` (not before the clock's now)."""
        self._on(day)
        return self.engine.fire(self.id, trigger, actor, data)

    def advance(self, day: str) -> int:
        """Let time pass to the story's time of day on ``day``, firing every timer due
        meanwhile; how many fired."""
        return self.engine.advance(at(day, self.time_of_day))

    @property
    def now(self) -> Instance:
        """The instance as it stands."""
        return self.engine.get(self.id)

    def due(self, clock: str) -> date | None:
        """The due date (Beijing) of one of the instance's clocks."""
        return self.now.deadlines[clock].due_date
