"""The challenge workflow (行政复议和行政诉讼): an administrative reconsideration or lawsuit
about one of the agency's disclosure requests, filed and decided by the legal officer, for
table 四 of the annual report.

``register(engine)`` registers the workflow's guards, actions and models (qualified with
``challenge.``) and its definition. A case is linked to its request: ``engine.find(linked=
(REQUEST_LINK, request_id))`` lists the request's challenges.
"""

from __future__ import annotations

from engine import Engine, Registry, WorkflowDefinition
from workflows.challenge.definition import LEGAL_OFFICER, NAME, REQUEST_LINK, definition
from workflows.challenge.models import MODELS
from workflows.challenge.rules import rules
from workflows.common.build import workflow_registry


def registry() -> Registry:
    """The guards, actions and models the definition names."""
    return workflow_registry(NAME, (rules,), MODELS)


def register(engine: Engine, version: WorkflowDefinition | None = None) -> WorkflowDefinition:
    """Register the workflow's callables and its definition on ``engine``."""
    engine.registry.update(registry())
    return engine.register(version or definition())


__all__ = ["LEGAL_OFFICER", "NAME", "REQUEST_LINK", "definition", "register", "registry"]
