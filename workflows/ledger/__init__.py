"""The document ledger (台账): documents, their disclosure attributes, publications,
interpretations, re-reviews and the disclosure requests that named them.

Read with :func:`get_document` and :func:`documents` (snapshots, :class:`Document`); requests are
recorded with :func:`record_requests` and counted with :func:`request_counts` (条例 44).
"""

from workflows.ledger.documents import Document, documents, get_document
from workflows.ledger.entries import insert_document
from workflows.ledger.requests import (
    applicant_key,
    record_requests,
    request_counts,
    sync_counts,
)
from workflows.ledger.tables import (
    ATTRIBUTES,
    KINDS,
    REVIEW_LEVELS,
    STATUSES,
    DocumentRequestRow,
    DocumentRow,
    register_tables,
)

__all__ = ["ATTRIBUTES", "KINDS", "REVIEW_LEVELS", "STATUSES", "Document", "DocumentRequestRow",
           "DocumentRow", "applicant_key", "documents", "get_document", "insert_document",
           "record_requests", "register_tables", "request_counts", "sync_counts"]
