"""The document ledger (台账) as tables the workflows own (source document 一(四), 条例 18, 44).

One row per document an agency issues, written only by the workflows' transitions through
``ctx.tables`` (so a ledger change commits with the event that made it), and one row per
disclosure request that named a document, from which the request and applicant counts and the
re-review threshold are derived. Field names are fixed: agency systems read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflows.ledger.vocabulary import ATTRIBUTES, KINDS, REVIEW_LEVELS, STATUSES

__all__ = ["ATTRIBUTES", "KINDS", "REVIEW_LEVELS", "STATUSES", "TABLES", "DocumentRequestRow",
           "DocumentRow", "register_tables"]

PACKAGE = "ledger"
VERSION = 2


class DocumentRow(SQLModel, table=True):
    """A document and its disclosure attribute (公开属性).

    ``doc_id`` is the ledger's own key (the drafting instance's id, or any id for a document
    entered otherwise); ``doc_number`` (文号) is unique per agency once issued. ``publications``,
    ``interpretations`` and ``reviews`` are lists of dicts (channel, date, address; forms,
    channels, date; round, reason, result, date).
    """

    __tablename__ = "ledger_documents"
    __table_args__ = (UniqueConstraint("agency", "doc_number", name="uq_ledger_doc_number"),)
    agency: str = Field(primary_key=True, max_length=64)
    doc_id: str = Field(primary_key=True, max_length=64)
    doc_number: str | None = Field(default=None, max_length=255)
    title: str = Field(max_length=500)
    drafting_division: str = Field(max_length=255)
    kind: str = Field(max_length=32)
    review_level: str = Field(max_length=16)
    attribute: str = Field(max_length=16)
    attribute_basis: str | None = Field(default=None, max_length=255)
    attribute_reasons: str | None = Field(default=None, max_length=2000)
    formed_on: dt.date | None = None
    repealed_on: dt.date | None = None
    status: str = Field(default="drafting", max_length=16)
    classified: bool = False
    publications: list[dict[str, Any]] = Field(default_factory=list,
                                               sa_column=Column(JSON, nullable=False))
    interpretations: list[dict[str, Any]] = Field(default_factory=list,
                                                  sa_column=Column(JSON, nullable=False))
    requests: int = 0
    applicants: int = 0
    reviews: list[dict[str, Any]] = Field(default_factory=list,
                                          sa_column=Column(JSON, nullable=False))


class DocumentRequestRow(SQLModel, table=True):
    """A disclosure request that named a document (by 文号): the source of the ledger's
    ``requests`` and ``applicants`` counts and of the re-review threshold (条例 44)."""

    __tablename__ = "ledger_document_requests"
    agency: str = Field(primary_key=True, max_length=64)
    doc_number: str = Field(primary_key=True, max_length=255)
    request_id: str = Field(primary_key=True, max_length=36)
    applicant_key: str = Field(max_length=500)
    requested_on: dt.date


TABLES: tuple[type[SQLModel], ...] = (DocumentRow, DocumentRequestRow)


def register_tables(engine: Any) -> None:
    """Register the ledger's tables with ``engine`` (every fresh engine, before the workflows)."""
    engine.register_tables(PACKAGE, VERSION, TABLES)
