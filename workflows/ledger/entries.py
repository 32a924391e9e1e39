"""Entering a document in the ledger (台账) inside a transition.

The JSON list columns (``publications``, ``interpretations``, ``reviews``) have no database
default, and ``ctx.tables.insert`` does not apply the model's Python defaults: a row inserted
without them is refused (:class:`InvalidRow`). :func:`insert_document` fills them with empty
lists and brings the request counts up to date for a document that already has its 文号.
"""

from __future__ import annotations

from typing import Any

from engine.transition.context import WorkflowTables
from workflows.ledger.requests import sync_counts
from workflows.ledger.tables import DocumentRow

__all__ = ["LIST_COLUMNS", "insert_document"]

LIST_COLUMNS = ("publications", "interpretations", "reviews")


def insert_document(tables: WorkflowTables, /, **values: Any) -> None:
    """Insert one ``ledger_documents`` row (``doc_id``, ``title``, ``drafting_division``,
    ``kind``, ``review_level``, ``attribute`` required; the list columns default to empty), and,
    if it has a ``doc_number``, set its ``requests`` and ``applicants`` from the requests that
    already named it (条例 44). Raises :class:`DuplicateRow` for a ``doc_id`` or 文号 the agency
    already has, :class:`InvalidRow` for a value that does not fit."""
    row = {**{name: [] for name in LIST_COLUMNS}, **values}
    tables.insert(DocumentRow, **row)
    if row.get("doc_number"):
        sync_counts(tables, row["doc_number"])
