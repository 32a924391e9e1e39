"""``gongkai demo``: a provincial department's year of disclosure work, simulated end to end.

:mod:`scenario` generates the year as data (requests, documents, re-reviews, challenges: dated
steps, deterministic for a seed), :mod:`year` drives the real workflows through it on a manual
clock, and :mod:`cli` is the ``demo`` command that prints table 三 and the metrics and writes the
report and the diagrams.
"""

from __future__ import annotations

from workflows.demo.scenario import Scenario, generate
from workflows.demo.steps import Locate, Step

__all__ = ["Locate", "Scenario", "Step", "generate"]
