"""Helpers for tests and simulations, wrapping the product (the product never imports them): a
clock you set by hand, simulated time, throw-away engines and PostgreSQL schemas, table dumps, a
dated story driver, a context for guard tests without a database, and property-based testing:
invariants every instance keeps, hypothesis strategies and a state machine for any workflow.

The hypothesis-based parts (``actors``, ``trigger_data``, ``event_sequences``,
``invalid_steps``, ``workflow_state_machine``, ``explore``) load on first use, so this package
imports without hypothesis installed; the invariants need nothing beyond the engine.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from engine.testing.clock import ManualClock
from engine.timesource import beijing_aware

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.store.schemas import postgres_schema
    from engine.testing.guards import guard_context
    from engine.testing.story import Story
    from engine.testing.tables import dump, unchanged
    from engine.testing.temp import temp_engine

_LAZY = {
    "engine.store.schemas": ("postgres_schema",),
    "engine.testing.guards": ("guard_context",),
    "engine.testing.story": ("Story",),
    "engine.testing.tables": ("dump", "unchanged"),
    "engine.testing.temp": ("temp_engine",),
    "engine.testing.invariants": (
        "BUILTIN_INVARIANTS", "Invariant", "check_all", "closed_accepts_nothing",
        "deadlines_on_working_days", "history_verifies_and_replays",
        "no_clock_runs_in_a_pausing_state", "no_stale_pending_timer",
        "refused_call_left_no_trace", "state_is_declared", "timers_fire_once"),
    "engine.testing.strategies": (
        "InvalidStep", "Step", "actors", "event_sequences", "invalid_steps", "trigger_data"),
    "engine.testing.machine": ("workflow_state_machine",),
    "engine.testing.exploration": ("Exploration", "explore"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}
_NEEDS_HYPOTHESIS = ("engine.testing.strategies", "engine.testing.machine",
                     "engine.testing.exploration")
_LOADABLE = sorted(name for name, module in _HOME.items()
                   if module not in _NEEDS_HYPOTHESIS or find_spec("hypothesis") is not None)

__all__ = ["ManualClock", "Story", "advance", "dump", "guard_context", "postgres_schema",
           "temp_engine", "unchanged", *_LOADABLE]


def __getattr__(name: str) -> Any:
    """Load the invariants, strategies and state machine on first use (hypothesis is a test
    dependency; ``import engine.testing`` must work without it, and a part that needs it says
    what to install)."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != "hypothesis":
            raise
        raise ImportError(f"engine.testing.{name} needs hypothesis: pip install "
                          "'gongkai[testing]'", name="hypothesis") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


def advance(engine: Engine, to: datetime) -> int:
    """Walk the engine's :class:`ManualClock` to ``to`` (naive = Beijing time), firing every
    timer in due order; how many fired. Same as ``engine.advance(to)``."""
    if not isinstance(engine.clock, ManualClock):
        raise TypeError("advance() needs an engine running on a ManualClock")
    return engine.advance(beijing_aware(to))
