"""Reading the document ledger (台账): one document by its 文号, or the documents of a kind.

Snapshots (:class:`Document`) are read outside any transition through ``Engine.rows``, so they
show what has committed, for the engine's agency only (another agency's documents are not seen).
The tables (SQLModel) are imported when a function reads them: ``workflows.ledger`` publishes
:func:`documents` without loading the database libraries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from engine.errors import InvalidData, NotFound
from workflows.ledger.vocabulary import ATTRIBUTES, KINDS, STATUSES

if TYPE_CHECKING:
    from engine import Engine

__all__ = ["Document", "documents", "get_document"]


@dataclass(frozen=True)
class Document:
    """A document of the ledger as it stood when read (source document 一(四), 条例 18, 44).

    ``attribute_basis`` and ``attribute_reasons`` are set for a non-public attribute;
    ``requests`` counts the disclosure requests that named the document and ``applicants`` the
    distinct applicants among them (条例 44); ``publications``, ``interpretations`` and
    ``reviews`` are read-only mappings, oldest first.
    """

    doc_id: str
    doc_number: str | None
    title: str
    drafting_division: str
    kind: str
    review_level: str
    attribute: str
    attribute_basis: str | None
    attribute_reasons: str | None
    formed_on: dt.date | None
    status: str
    classified: bool
    publications: tuple[Mapping[str, Any], ...]
    interpretations: tuple[Mapping[str, Any], ...]
    requests: int
    applicants: int
    reviews: tuple[Mapping[str, Any], ...]
    repealed_on: dt.date | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Document:
        """The snapshot of one ``ledger_documents`` row (as ``Engine.rows`` returns it)."""
        return cls(
            doc_id=row["doc_id"], doc_number=row["doc_number"], title=row["title"],
            drafting_division=row["drafting_division"], kind=row["kind"],
            review_level=row["review_level"], attribute=row["attribute"],
            attribute_basis=row["attribute_basis"], attribute_reasons=row["attribute_reasons"],
            formed_on=row["formed_on"], status=row["status"],
            classified=bool(row["classified"]),
            publications=_frozen(row["publications"]),
            interpretations=_frozen(row["interpretations"]),
            repealed_on=row.get("repealed_on"),
            requests=int(row["requests"]), applicants=int(row["applicants"]),
            reviews=_frozen(row["reviews"]))


def _frozen(items: Sequence[Mapping[str, Any]] | None) -> tuple[Mapping[str, Any], ...]:
    return tuple(MappingProxyType(dict(item)) for item in items or ())


def get_document(engine: Engine, doc_number: str) -> Document:
    """The engine's agency's document with this 文号 (compared exactly, after stripping).

    Raises :class:`NotFound` if the agency's ledger has no document with it (a 文号 is unique
    per agency once issued; a document still being drafted may have none yet).
    """
    from workflows.ledger.tables import DocumentRow

    number = doc_number.strip() if isinstance(doc_number, str) else ""
    found = engine.rows(DocumentRow, doc_number=number) if number else []
    if not found:
        raise NotFound("document", doc_number)
    return Document.from_row(found[0])


_FILTERS: dict[str, tuple[str, ...]] = {"attribute": ATTRIBUTES, "status": STATUSES,
                                        "kind": KINDS}


def documents(engine: Engine, attribute: str | None = None, status: str | None = None,
              kind: str | None = None) -> list[Document]:
    """The engine's agency's documents with the given ``attribute`` (active, on_request,
    withheld), ``status`` (drafting, issued, published, retracted, repealed) and ``kind``
    (policy, normative, regulation, work_information, other); ``None`` means any. In the order
    of the ledger's key (``doc_id``).

    Raises :class:`InvalidData` (one entry per bad filter) for a value outside those lists.
    """
    given = {"attribute": attribute, "status": status, "kind": kind}
    errors = [{"field": name, "message": f"{value!r} is not one of {', '.join(_FILTERS[name])}"}
              for name, value in given.items()
              if value is not None and value not in _FILTERS[name]]
    if errors:
        raise InvalidData("ledger.documents", errors)
    from workflows.ledger.tables import DocumentRow

    filters = {name: value for name, value in given.items() if value is not None}
    return [Document.from_row(row) for row in engine.rows(DocumentRow, **filters)]
