"""The re-review's view of the document ledger (台账), read and written through ``ctx.tables``.

A round is recorded on the document's ``reviews`` list when it opens (``result`` ``None``: the
document is *under review*) and completed when it ends, so "not already under review" and "once
per threshold window" are read from the ledger, in the transition's own transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import TransitionContext
from workflows.common.legal_basis import ARTICLES, cited_article
from workflows.ledger import DocumentRow

NON_PUBLIC = ("on_request", "withheld")
"""依申请公开 and 不予公开: the attributes a round re-reviews (条例 18)."""
ACTIVE_BY_LAW_KINDS = ("regulation", "normative", "policy")
"""Kinds of document in the 条例 20 active-disclosure categories: 规章 and 行政规范性文件
(条例 20(1)) and policy documents (政策文件, 条例 20(1)(3)). The ledger's ``kind`` is the marker:
a document of these kinds is active by law, so it is never classified by a re-review (保守国家
秘密法实施条例 2024 第五条: what the law requires to be public is not a state secret)."""
BASIS_ARTICLES = ARTICLES
"""条例 14 (state secrets, prohibited by law, three securities and one stability), 15 (trade
secrets, privacy), 16 (internal affairs, process information, law-enforcement files)."""


def basis_article(basis: str) -> int | None:
    """The article of 条例 a basis names (``"条例第十四条"``, ``"第15条"``, ``"条例 16"``), if any
    (one reader with drafting: ``workflows.common.legal_basis``)."""
    return cited_article(basis)


def document(ctx: TransitionContext, doc_number: str) -> dict[str, Any] | None:
    """The ledger row of the agency's document ``doc_number``, or ``None``."""
    rows = ctx.tables.select(DocumentRow, doc_number=doc_number)
    return rows[0] if rows else None


def under_review(row: dict[str, Any]) -> bool:
    """Whether a round on the document is still open (a review entry without a result)."""
    return any(entry.get("result") is None for entry in row["reviews"] or ())


def reviewable(row: dict[str, Any] | None) -> str | None:
    """Why the document cannot be re-reviewed, or ``None``: it must be in the ledger, issued,
    non-public and not classified (a classified document follows the secrecy law instead)."""
    if row is None:
        return "the document is not in the ledger"
    if row["status"] != "issued":
        return f"only an issued document is re-reviewed; this one is {row['status']!r}"
    if row["attribute"] not in NON_PUBLIC:
        return (f"only non-public documents are re-reviewed (条例 18); this one is "
                f"{row['attribute']!r}")
    if row["classified"]:
        return "the document is classified; it is reviewed under the secrecy law, not here"
    return None


def open_entry(ctx: TransitionContext, row: dict[str, Any], round_: str, reason: str) -> None:
    """Record the round as open on the document's ``reviews``."""
    entry = {"round": round_, "reason": reason, "instance": ctx.instance_id,
             "opened_on": ctx.today.isoformat(), "result": None, "decided_on": None}
    _save_reviews(ctx, row, [*row["reviews"], entry])


def close_entry(ctx: TransitionContext, doc_number: str, result: str,
                proposal: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Complete this instance's review entry with ``result`` and the approved ``proposal`` and
    set ``changes`` on the row; the row as it was."""
    row = document(ctx, doc_number)
    assert row is not None, f"document {doc_number!r} left the ledger during its review"
    detail = {k: v for k, v in proposal.items() if k not in ("kind", "proposed_on")}
    reviews = [dict(entry, result=result, decided_on=ctx.today.isoformat(), **detail)
               if entry.get("instance") == ctx.instance_id else entry
               for entry in row["reviews"]]
    ctx.tables.update(DocumentRow, {"doc_id": row["doc_id"]}, reviews=reviews, **changes)
    return row


def _save_reviews(ctx: TransitionContext, row: dict[str, Any],
                  reviews: list[dict[str, Any]]) -> None:
    ctx.tables.update(DocumentRow, {"doc_id": row["doc_id"]}, reviews=reviews)


def opened_since(row: dict[str, Any], reason: str, since: date) -> bool:
    """Whether a round for ``reason`` opened on the document after ``since``."""
    return any(entry.get("reason") == reason
               and date.fromisoformat(entry["opened_on"]) > since
               for entry in row["reviews"] or ())
