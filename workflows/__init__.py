"""gongkai's workflows: the procedures of government information disclosure, as definitions.

``register_all(engine)`` registers every workflow on an engine; ``definitions()`` lists them as
data (for diagrams and inspection). The workflow packages (``workflows.disclosure_request`` and
the others) are imported when first used, not with this package, so that a command line that
only shows its help loads neither the workflows' models nor the database libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.lazy import LazyNames

if TYPE_CHECKING:
    from engine import Engine, WorkflowDefinition
    from workflows import (
        attribute_review,
        challenge,
        disclosure_request,
        ledger,
        publication_approval,
    )

__all__ = ["attribute_review", "challenge", "definitions", "disclosure_request", "ledger",
           "publication_approval", "register_all"]

_LAZY = LazyNames(__name__, {name: f"{__name__}.{name}" for name in (
    "attribute_review", "challenge", "disclosure_request", "ledger", "publication_approval")})


def definitions() -> list[WorkflowDefinition]:
    """Every workflow's current definition: disclosure requests (依申请公开), publication approval
    (先审后发), the attribute re-review (公开属性复核) with its yearly round, and challenges
    (行政复议和行政诉讼)."""
    from workflows import attribute_review, challenge, disclosure_request, publication_approval

    return [disclosure_request.definition(), publication_approval.definition(),
            *attribute_review.definitions(), challenge.definition()]


def register_all(engine: Engine) -> list[WorkflowDefinition]:
    """Register the ledger's tables and every workflow's callables and definition on
    ``engine``."""
    from workflows import (
        attribute_review,
        challenge,
        disclosure_request,
        ledger,
        publication_approval,
    )

    ledger.register_tables(engine)
    return [disclosure_request.register(engine), publication_approval.register(engine),
            attribute_review.register(engine), challenge.register(engine)]


def __getattr__(name: str) -> Any:
    return _LAZY.load(name)


def __dir__() -> list[str]:
    return _LAZY.names()
