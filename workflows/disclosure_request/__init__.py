"""The disclosure request workflow (依申请公开): definition, rules, data models, fees, outcomes.

``register(engine)`` makes the workflow available on an engine: its guards, actions and data
models go into the engine's registry, under names qualified with ``disclosure_request.``, and its
definition is registered (and stored).
"""

from __future__ import annotations

from engine import Engine, Registry, WorkflowDefinition
from engine.definition.validate import SETTINGS_MODEL
from workflows import ledger
from workflows.common.build import workflow_registry
from workflows.disclosure_request import confidentiality, documents, limits
from workflows.disclosure_request.definition import NAME, definition
from workflows.disclosure_request.models import CONVENIENCE_OPTIONAL_MODELS, MODELS
from workflows.disclosure_request.notice_rules import notice_rules
from workflows.disclosure_request.rules import rules
from workflows.disclosure_request.settings import DisclosureSettings


def registry() -> Registry:
    """The guards, actions and models the definition names."""
    return workflow_registry(
        NAME, (rules, notice_rules, confidentiality.rules, limits.rules, documents.rules),
        {**MODELS, **CONVENIENCE_OPTIONAL_MODELS, SETTINGS_MODEL: DisclosureSettings})


def register(engine: Engine, version: WorkflowDefinition | None = None) -> WorkflowDefinition:
    """Add the workflow's callables to ``engine.registry`` and register its definition, with
    the ledger's tables its ``documents`` are recorded in (a no-op if already registered)."""
    ledger.register_tables(engine)
    engine.registry.update(registry())
    return engine.register(version or definition())


__all__ = ["NAME", "definition", "register", "registry"]
