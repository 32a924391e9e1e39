"""The attribute re-review (公开属性复核, 条例 18, 44; source document 一(四)).

``register(engine)`` registers the ledger's tables, then both definitions — ``attribute_review``
(one document, one round) and ``attribute_review_round`` (the yearly round's opener) — with their
guards, actions and models (names qualified with the workflow's name). The yearly round is
scheduled with :func:`schedule_yearly_round`; the disclosure request's counting calls
:func:`maybe_open_threshold_round` inside its transition. A conversion starts the document's
publication (:data:`PUBLICATION_WORKFLOW`, which must be registered too).
"""

from __future__ import annotations

from engine import Engine, Registry, WorkflowDefinition
from workflows import ledger
from workflows.attribute_review.conversion import (
    CONVERSION_ACTOR,
    LINK_KIND,
    PUBLICATION_WORKFLOW,
    conversion_data,
)
from workflows.attribute_review.definition import NAME, ROUND_NAME, definition, round_definition
from workflows.attribute_review.documents import ACTIVE_BY_LAW_KINDS, basis_article
from workflows.attribute_review.models import MODELS, ROUND_MODELS
from workflows.attribute_review.rounds import (
    DEFAULT_THRESHOLD,
    YEARLY_SCHEDULE,
    Threshold,
    maybe_open_threshold_round,
    round_rules,
    schedule_yearly_round,
    window_counts,
)
from workflows.attribute_review.rules import rules
from workflows.common.build import workflow_registry


def registry() -> Registry:
    """The re-review's guards, actions and models."""
    return workflow_registry(NAME, (rules,), MODELS)


def round_registry() -> Registry:
    """The yearly round opener's action and models."""
    return workflow_registry(ROUND_NAME, (round_rules,), ROUND_MODELS)


def definitions() -> list[WorkflowDefinition]:
    """Both definitions, for diagrams and inspection."""
    return [definition(), round_definition()]


def register(engine: Engine, version: WorkflowDefinition | None = None,
             round_version: WorkflowDefinition | None = None) -> WorkflowDefinition:
    """Register the ledger's tables, then both workflows on ``engine``; the re-review's
    definition."""
    ledger.register_tables(engine)
    engine.registry.update(registry())
    engine.registry.update(round_registry())
    engine.register(round_version or round_definition())
    return engine.register(version or definition())


__all__ = ["ACTIVE_BY_LAW_KINDS", "CONVERSION_ACTOR", "DEFAULT_THRESHOLD", "LINK_KIND", "NAME",
           "PUBLICATION_WORKFLOW", "ROUND_NAME", "YEARLY_SCHEDULE", "Threshold", "basis_article",
           "conversion_data", "definition", "definitions", "maybe_open_threshold_round",
           "register", "registry", "round_definition", "round_registry",
           "schedule_yearly_round", "window_counts"]
