"""The publication approval workflow (先审后发): a document's disclosure attribute, graded review,
confidentiality review, publication and its interpretation, written to the document ledger.

``register(engine)`` registers the ledger's tables, then the workflow's guards, actions and
models (qualified with ``publication_approval.``) and its definition.
"""

from __future__ import annotations

from engine import Engine, Registry, WorkflowDefinition
from workflows import ledger
from workflows.common.build import workflow_registry
from workflows.publication_approval.definition import NAME, definition
from workflows.publication_approval.models import MODELS
from workflows.publication_approval.rules import rules


def registry() -> Registry:
    """The guards, actions and models the definition names."""
    return workflow_registry(NAME, (rules,), MODELS)


def register(engine: Engine, version: WorkflowDefinition | None = None) -> WorkflowDefinition:
    """Register the ledger's tables, the workflow's callables and its definition on ``engine``."""
    ledger.register_tables(engine)
    engine.registry.update(registry())
    return engine.register(version or definition())


__all__ = ["NAME", "definition", "register", "registry"]
