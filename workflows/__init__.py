"""gongkai's workflows: the procedures of government information disclosure, as definitions.

``register_all(engine)`` registers every workflow on an engine; ``definitions()`` lists them as
data (for diagrams and inspection).
"""

from __future__ import annotations

from engine import Engine, WorkflowDefinition
from workflows import disclosure_request, ledger


def definitions() -> list[WorkflowDefinition]:
    return [disclosure_request.definition()]


def register_all(engine: Engine) -> list[WorkflowDefinition]:
    """Register the ledger's tables and every workflow's callables and definition on
    ``engine``."""
    ledger.register_tables(engine)
    return [disclosure_request.register(engine)]
