"""The document ledger (台账): documents, their disclosure attributes, publications,
interpretations, re-reviews and the disclosure requests that named them."""

from workflows.ledger.tables import (
    ATTRIBUTES,
    KINDS,
    REVIEW_LEVELS,
    STATUSES,
    DocumentRequestRow,
    DocumentRow,
    register_tables,
)

__all__ = ["ATTRIBUTES", "KINDS", "REVIEW_LEVELS", "STATUSES", "DocumentRequestRow",
           "DocumentRow", "register_tables"]
