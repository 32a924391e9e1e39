"""The document ledger (台账): documents, their disclosure attributes, publications,
interpretations, re-reviews and the disclosure requests that named them.

Read with :func:`get_document` and :func:`documents` (snapshots, :class:`Document`); requests are
recorded with :func:`record_requests` and counted with :func:`request_counts` (条例 44).

The tables and the writing functions are imported when first used (they load SQLModel); the
readers and the lists of values are not, so ``gongkai ledger --help`` starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.lazy import LazyNames
from workflows.ledger.documents import Document, documents, get_document
from workflows.ledger.vocabulary import ATTRIBUTES, KINDS, REVIEW_LEVELS, STATUSES

if TYPE_CHECKING:
    from workflows.ledger.entries import insert_document
    from workflows.ledger.requests import (
        applicant_key,
        record_requests,
        request_counts,
        sync_counts,
    )
    from workflows.ledger.tables import DocumentRequestRow, DocumentRow, register_tables

__all__ = ["ATTRIBUTES", "KINDS", "REVIEW_LEVELS", "STATUSES", "Document", "DocumentRequestRow",
           "DocumentRow", "applicant_key", "documents", "get_document", "insert_document",
           "record_requests", "register_tables", "request_counts", "sync_counts"]

_LAZY = LazyNames(__name__, {
    "DocumentRequestRow": "workflows.ledger.tables",
    "DocumentRow": "workflows.ledger.tables",
    "applicant_key": "workflows.ledger.requests",
    "insert_document": "workflows.ledger.entries",
    "record_requests": "workflows.ledger.requests",
    "register_tables": "workflows.ledger.tables",
    "request_counts": "workflows.ledger.requests",
    "sync_counts": "workflows.ledger.requests",
})


def __getattr__(name: str) -> Any:
    return _LAZY.load(name)


def __dir__() -> list[str]:
    return _LAZY.names()
