"""The data of a simulated year: dated steps, and the helpers that write them.

A :class:`Step` is one trigger fired by one person on one working day. Steps name their instance
by a *case* key (``R0001``, ``D07``, ...): the step with ``workflow`` set starts it; an instance
the system started (a re-review opened by a round, the publication a conversion starts) is found
with ``locate`` the first time a step names it. ``refs`` fill data fields with the instance id of
another case (a challenge names its request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engine.clocks.deadline import WorkingCalendar

ACTORS: Mapping[str, str] = {
    "registrar": "li.na", "handler": "wang.qiang", "office_head": "zhao.min",
    "leader": "chen.jie", "secrecy_reviewer": "sun.li", "drafter": "liu.fang",
    "division_head": "zhou.hua", "office": "he.ping", "drafting_division": "wu.lei",
    "classification_officer": "zheng.gang", "legal_officer": "ma.jun",
}
"""One person per role in the simulated department (an applicant acts as ``applicant-<case>``);
distinct people keep every separation of duties (the drafter never approves, the proposer
never audits)."""


@dataclass(frozen=True)
class Locate:
    """How to find an instance the system started: its workflow, the data values it has
    (``match``) and the data fields holding another case's instance id (``match_refs``)."""

    workflow: str
    match: Mapping[str, str] = field(default_factory=dict)
    match_refs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One trigger on one working day (fired at 10:00 Beijing time, in ``order`` within the
    day)."""

    day: date
    order: int
    case: str
    trigger: str
    role: str
    data: Mapping[str, Any]
    workflow: str | None = None
    refs: Mapping[str, str] = field(default_factory=dict)
    locate: Locate | None = None

    @property
    def actor_id(self) -> str:
        """Who fires it: the role's person, or the applicant of the case."""
        return f"applicant-{self.case}" if self.role == "applicant" else ACTORS[self.role]


@dataclass
class Plan:
    """Collects steps in the order they are written (which orders same-day steps of a case)
    and counts working days on the engine's calendar."""

    calendar: WorkingCalendar
    steps: list[Step] = field(default_factory=list)

    def add(self, case: str, day: date, trigger: str, role: str, data: Mapping[str, Any],
            **extra: Any) -> date:
        """Append a step; returns its day, for chaining dates."""
        self.steps.append(Step(day, len(self.steps), case, trigger, role, data, **extra))
        return day

    def wd(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself for 0)."""
        return self.calendar.add_working_days(day, n) if n else day

    def working(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day."""
        return self.calendar.add_working_days(day - timedelta(days=1), 1)


def iso(day: date) -> str:
    """A date as the workflows' data holds it."""
    return day.isoformat()
