"""Helpers for tests and simulations, wrapping the product (the product never imports them): a
clock you set by hand, simulated time, throw-away PostgreSQL schemas, table dumps, a dated story
driver and a context for guard tests without a database."""

from __future__ import annotations

from datetime import datetime

from engine.runtime.engine import Engine
from engine.store.schemas import postgres_schema
from engine.testing.clock import ManualClock
from engine.testing.guards import guard_context
from engine.testing.story import Story
from engine.testing.tables import dump, unchanged
from engine.timesource import beijing_aware

__all__ = ["ManualClock", "Story", "advance", "dump", "guard_context", "postgres_schema",
           "unchanged"]


def advance(engine: Engine, to: datetime) -> int:
    """Walk the engine's :class:`ManualClock` to ``to`` (naive = Beijing time), firing every
    timer in due order; how many fired. Same as ``engine.advance(to)``."""
    if not isinstance(engine.clock, ManualClock):
        raise TypeError("advance() needs an engine running on a ManualClock")
    return engine.advance(beijing_aware(to))
