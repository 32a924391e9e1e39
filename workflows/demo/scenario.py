"""The simulated year as data: every step of every case, dated, from a seed.

:func:`generate` is deterministic for ``(year, requests, seed)`` (one ``random.Random(seed)``
draws everything, in a fixed order) and needs no engine, so the mix can be inspected and tested
on its own. Steps falling after 31 December are left out: those cases are still open at year end
(结转下年度继续办理), challenges still pending (尚未审结).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from calendars import ChinaCalendar
from engine.clocks.deadline import WorkingCalendar
from workflows.demo.documents import (
    Filed,
    active_documents,
    non_public_documents,
    threshold_review,
    yearly_round,
)
from workflows.demo.people import applicant
from workflows.demo.requests import challenge_steps, draw_result, profile, request_steps
from workflows.demo.steps import Plan, Step

THRESHOLD_APPLICANTS = 3
"""Distinct applicants naming the same withheld document: the default threshold (条例 44)."""
CARRIED_SHARE = 0.03
"""The share of requests received in the December before the year (上年结转)."""


@dataclass(frozen=True)
class Scenario:
    """A generated year: ``steps`` in firing order; ``results`` each request's planned result
    (an outcome code or ``withdrawn``) by case key, whether or not it ends within the year."""

    year: int
    seed: int
    steps: tuple[Step, ...]
    results: Mapping[str, str]

    @property
    def start(self) -> date:
        """The first step's day (the manual clock starts there)."""
        return self.steps[0].day

    @property
    def end(self) -> date:
        """The day the simulation stops: 1 January after the year, when the year's report is
        final."""
        return date(self.year + 1, 1, 1)


def generate(year: int = 2025, requests: int = 300, seed: int = 1,
             calendar: WorkingCalendar | None = None) -> Scenario:
    """The year ``year`` of a provincial department with ``requests`` disclosure requests.
    Raises ``ValueError`` for fewer than one request."""
    if requests < 1:
        raise ValueError(f"a year needs at least one request, got {requests}")
    rng = random.Random(seed)
    plan = Plan(calendar or ChinaCalendar(provisional=True))
    active_documents(plan, rng, year, max(8, requests // 12))
    filed = non_public_documents(plan, rng, year, max(4, requests // 50))
    results = _requests(plan, rng, year, requests, filed[0])
    yearly_round(plan, rng, year, filed)
    last = date(year, 12, 31)
    steps = sorted((s for s in plan.steps if s.day <= last), key=lambda s: (s.day, s.order))
    return Scenario(year, seed, tuple(steps), MappingProxyType(results))


def _requests(plan: Plan, rng: random.Random, year: int, count: int, named: Filed
              ) -> dict[str, str]:
    """Every request's steps, by receipt day; the threshold requests name ``named``."""
    drawn: list[tuple[date, str, tuple[str, ...]]] = [
        (_received(plan, rng, year, i < count * CARRIED_SHARE), draw_result(rng), ())
        for i in range(count)]
    if count >= THRESHOLD_APPLICANTS + 2:
        days = sorted(plan.wd(named.filed, rng.randint(10, 120))
                      for _ in range(THRESHOLD_APPLICANTS))
        for i, day in zip(rng.sample(range(count - 1), THRESHOLD_APPLICANTS), days, strict=True):
            drawn[i + 1] = (day, "withheld.process_information", (named.number,))
    results: dict[str, str] = {}
    opened: date | None = None
    for n, (day, result, documents) in enumerate(sorted(drawn, key=lambda d: d[0]), start=1):
        key = f"R{n:04d}"
        kind = "natural_person" if documents else None
        p = profile(rng, key, day, applicant(rng, n, kind), result, documents)
        replied = request_steps(plan, rng, p, n)
        if replied is not None:
            challenge_steps(plan, rng, p, replied)
        results[key] = result
        opened = day if documents else opened
    if opened is not None:
        threshold_review(plan, rng, named, opened)
    return results


def _received(plan: Plan, rng: random.Random, year: int, carried: bool) -> date:
    """A receipt day: a working day of the year, or of the December before for a carried
    request."""
    first = date(year - 1, 12, 1) if carried else date(year, 1, 1)
    span = 28 if carried else 364
    return plan.working(first + timedelta(days=rng.randint(0, span)))
