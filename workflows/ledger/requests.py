"""Disclosure requests that named a document (条例 44): recording them and counting them.

A disclosure request's ``register`` and ``propose`` may name documents by 文号. Each (request,
document) pair is recorded once in ``ledger_document_requests``, with the applicant told apart by
name and contact, normalised (:func:`applicant_key`), and the request's receipt date (条例 31).
The ledger row of a named document then carries ``requests`` (how many requests named it) and
``applicants`` (how many distinct applicants), recomputed from those rows, so the counts always
equal the requests on record.

A 文号 that is not (yet) in the agency's ledger is recorded all the same: a request may name a
document before it is entered (or under the number it will be issued with). Whoever gives a
ledger row its ``doc_number`` later calls :func:`sync_counts` in the same transition, so the row
starts with the requests that already named it. 文号 are compared exactly, after stripping.

Writes happen only inside a transition, through ``ctx.tables``; they commit with its event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from engine import Engine
from engine.transition.context import TransitionContext, WorkflowTables
from workflows.ledger.tables import DocumentRequestRow, DocumentRow

__all__ = ["applicant_key", "record_requests", "request_counts", "sync_counts"]

KEY_LENGTH = 500
"""The width of ``applicant_key``; a longer key is stored as its SHA-256 digest."""

_SPACE = re.compile(r"\s+")
_PHONE = re.compile(r"[\d\s+()\-.]+")
_MIN_PHONE_DIGITS = 5


def _text(value: str) -> str:
    """NFKC, whitespace collapsed to one space, stripped, casefolded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()


_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff]) | (?=[\u3400-\u9fff\uf900-\ufaff])")


def _name(value: str) -> str:
    """A name as :func:`_text`, without the spaces beside CJK characters."""
    return _CJK_SPACE.sub("", _text(value))


def _contact(value: str) -> str:
    """A phone number as its digits only (a mainland mobile without the +86/0086 prefix);
    anything else (an e-mail or postal address) as normalised text."""
    text = _text(value)
    if not _PHONE.fullmatch(text):
        return text
    digits = re.sub(r"\D", "", text)
    if len(digits) < _MIN_PHONE_DIGITS:
        return text
    for prefix in ("0086", "86"):
        rest = digits.removeprefix(prefix)
        if rest != digits and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


def applicant_key(name: str, contact: str) -> str:
    """The key that tells applicants apart (条例 44 "申请人数"): name and contact, normalised.

    Both are NFKC-normalised, whitespace-collapsed, stripped and casefolded; a space next to a
    CJK character in a name is dropped (Chinese names are written without spaces: "张 三" is
    张三); a contact that is a phone number keeps its digits only. So "张 三 " with
    "138 0000 0000" and "张三" with "13800000000" are one applicant. At most
    :data:`KEY_LENGTH` characters.
    """
    key = f"{_name(name)}\t{_contact(contact)}"
    if len(key) > KEY_LENGTH:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def record_requests(ctx: TransitionContext, doc_numbers: Iterable[str],
                    applicant: Mapping[str, Any], on: dt.date) -> list[str]:
    """Record that this instance's request named each of ``doc_numbers`` (文号), received on
    ``on`` (a Beijing date), by ``applicant`` (a mapping with ``name`` and ``contact``), and
    bring the named documents' counts up to date. A document the request already named is left
    as it was (naming it again on ``propose`` does not count twice). Returns the 文号 newly
    recorded, in the order given.
    """
    key = applicant_key(str(applicant["name"]), str(applicant["contact"]))
    tables = ctx.tables
    added: list[str] = []
    for number in dict.fromkeys(n.strip() for n in doc_numbers):
        if not number or tables.get(DocumentRequestRow, doc_number=number,
                                    request_id=ctx.instance_id) is not None:
            continue
        tables.insert(DocumentRequestRow, doc_number=number, request_id=ctx.instance_id,
                      applicant_key=key, requested_on=on)
        sync_counts(tables, number)
        added.append(number)
    return added


def sync_counts(tables: WorkflowTables, doc_number: str) -> int:
    """Set ``requests`` and ``applicants`` on the agency's ledger row with ``doc_number`` from
    the requests on record for it (all time); how many rows were updated (0 if the 文号 is not
    in the ledger). Call inside a transition (``ctx.tables``), e.g. when a document gets its
    文号.

    The document's row is locked first (an update), so that a concurrent request naming the
    same document, once committed, is among the requests counted here (PostgreSQL reads each
    statement under READ COMMITTED; counts computed before the lock could lose one).
    """
    if not tables.update(DocumentRow, {"doc_number": doc_number}, requests=0):
        return 0
    found = tables.select(DocumentRequestRow, doc_number=doc_number)
    return tables.update(DocumentRow, {"doc_number": doc_number}, requests=len(found),
                         applicants=len({r["applicant_key"] for r in found}))


def request_counts(source: Engine | WorkflowTables | Iterable[Mapping[str, Any]],
                   doc_number: str, since: dt.date, until: dt.date | None = None
                   ) -> tuple[int, int]:
    """(requests, distinct applicants) that named ``doc_number`` with a receipt date from
    ``since`` to ``until`` (Beijing dates, both included; no end if ``None``): the figures the
    re-review threshold compares (条例 44; defaults 5 requests or 3 applicants within 365
    calendar days, the attribute_review workflow's settings).

    ``source`` is an ``Engine`` (committed rows of its agency), a transition's ``ctx.tables``,
    or ``ledger_document_requests`` rows already read.
    """
    number = doc_number.strip()
    if isinstance(source, Engine):
        found: Iterable[Mapping[str, Any]] = source.rows(DocumentRequestRow, doc_number=number)
    elif hasattr(source, "select"):
        found = source.select(DocumentRequestRow, doc_number=number)
    else:
        found = (r for r in source if r["doc_number"] == number)
    window = [r for r in found if r["requested_on"] >= since
              and (until is None or r["requested_on"] <= until)]
    return len(window), len({r["applicant_key"] for r in window})
