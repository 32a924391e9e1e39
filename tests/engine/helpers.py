"""Shared helpers for the engine tests: a small calendar, engines, actors and table dumps.

The tests use their own Monday–Friday calendar (with optional holidays) rather than the Chinese
one, so the engine is tested apart from the calendar data and the expected dates can be worked
out by hand.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import engine.store.tables  # noqa: F401  (the tables)
from engine import Actor, Engine, Registry
from engine.store.dump import ENGINE_TABLE_NAMES
from engine.testing import ManualClock, postgres_schema
from engine.testing import dump as testing_dump
from tests.engine import sample

GONGKAI_TABLES = ENGINE_TABLE_NAMES
"""Every table of the engine but its schema record: instances, events, outbox, timers, counters,
definitions, links and schedules."""

CLERK = Actor("clerk-1", {"clerk"})
MANAGER = Actor("manager-1", {"manager"})
DIRECTOR = Actor("director-1", {"director"})
OUTSIDER = Actor("visitor-1", {"visitor"})

# Monday 2025-03-03, 10:00 in Beijing.
START = datetime(2025, 3, 3, 10, 0)


class WeekdayCalendar:
    """Monday to Friday are working days, except the given holidays; never provisional."""

    def __init__(self, holidays: Iterable[date] = ()) -> None:
        self.holidays = frozenset(holidays)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, day: date, delta: int) -> date:
        while delta > 0:
            day += timedelta(days=1)
            delta -= self.is_working_day(day)
        return day

    def sub_working_days(self, day: date, delta: int) -> date:
        while delta > 0:
            day -= timedelta(days=1)
            delta -= self.is_working_day(day)
        return day

    def get_working_days_delta(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count = 0
        while start < end:
            start += timedelta(days=1)
            count += self.is_working_day(start)
        return count

    def span_is_provisional(self, start: date, end: date) -> bool:
        return False


def make_engine(url: str, clock: Any = None, registry: Registry | None = None,
                register: bool = True) -> Engine:
    """An engine on ``url`` with the sample registry and (unless told not to) its definition."""
    engine = Engine(url, clock=clock or ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry or sample.make_registry())
    if register:
        engine.register(sample.definition())
    return engine


def dump(engine: Engine, tables: Iterable[str] = GONGKAI_TABLES) -> dict[str, list[dict[str, Any]]]:
    """Every row of every gongkai table, in a stable order."""
    return testing_dump(engine, tables)


def normalise_ids(value: Any, ids: Mapping[str, str]) -> Any:
    """Replace instance ids (anywhere in nested data) with stable placeholders."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, Mapping):
        return {k: normalise_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise_ids(v, ids) for v in value]
    return value


@contextmanager
def other_database(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same back end as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'other-{uuid.uuid4().hex[:8]}.db'}"
        return
    with postgres_schema(os.environ["GONGKAI_TEST_PG_URL"]) as url:
        yield url
