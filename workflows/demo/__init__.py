"""``gongkai demo``: a provincial department's year of disclosure work, simulated end to end.

:mod:`scenario` generates the year as data (requests, documents, re-reviews, challenges: dated
steps, deterministic for a seed), :mod:`year` drives the real workflows through it on a manual
clock, and :mod:`cli` is the ``demo`` command that prints table 三 and the metrics and writes the
report and the diagrams. The names below are imported when first used, so ``gongkai demo --help``
loads no workflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.lazy import LazyNames

if TYPE_CHECKING:
    from workflows.demo.scenario import Scenario, generate
    from workflows.demo.steps import Locate, Step

__all__ = ["Locate", "Scenario", "Step", "generate"]

_LAZY = LazyNames(__name__, {
    "Locate": "workflows.demo.steps",
    "Scenario": "workflows.demo.scenario",
    "Step": "workflows.demo.steps",
    "generate": "workflows.demo.scenario",
})


def __getattr__(name: str) -> Any:
    return _LAZY.load(name)


def __dir__() -> list[str]:
    return _LAZY.names()
