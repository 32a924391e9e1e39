"""gongkai's workflows: the procedures of government information disclosure, as definitions.

``register_all(engine)`` registers every workflow on an engine; ``definitions()`` lists them as
data (for diagrams and inspection).
"""

from __future__ import annotations

from engine import Engine, WorkflowDefinition
from workflows import attribute_review, challenge, disclosure_request, ledger, publication_approval


def definitions() -> list[WorkflowDefinition]:
    """Every workflow's current definition: disclosure requests (依申请公开), publication approval
    (先审后发), the attribute re-review (公开属性复核) with its yearly round, and challenges
    (行政复议和行政诉讼)."""
    return [disclosure_request.definition(), publication_approval.definition(),
            *attribute_review.definitions(), challenge.definition()]


def register_all(engine: Engine) -> list[WorkflowDefinition]:
    """Register the ledger's tables and every workflow's callables and definition on
    ``engine``."""
    ledger.register_tables(engine)
    return [disclosure_request.register(engine), publication_approval.register(engine),
            attribute_review.register(engine), challenge.register(engine)]
