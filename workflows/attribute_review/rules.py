"""Guards and actions of the attribute re-review, each with the rule it applies.

Guards return ``None`` to allow or the reason for refusing (the engine raises
:class:`engine.GuardRejected` and writes nothing); actions write the ledger through
``ctx.tables`` and return data updates, so the ledger changes with the event or not at all.
"""

from __future__ import annotations

from typing import Any

from engine import Registry, TransitionContext
from workflows.attribute_review import documents
from workflows.attribute_review.conversion import (
    CONVERSION_ACTOR,
    LINK_KIND,
    PUBLICATION_WORKFLOW,
    conversion_data,
)
from workflows.attribute_review.definition import MIN_REASONS_CHARS, NAME, OFFICE

rules = Registry(prefix=NAME)
guard, action = rules.guard, rules.action
PROPOSALS = {"propose_retain": "retain", "propose_conversion": "conversion",
             "propose_classification": "classification"}


def _doc_number(ctx: TransitionContext) -> str:
    return str(ctx.data.get("doc_number") or ctx.instance_data["doc_number"])


@guard("reason_fits_opener")
def reason_fits_opener(ctx: TransitionContext) -> str | None:
    """The yearly and threshold rounds are opened by the system (the schedule, the request
    count); the office opens a round when circumstances changed (条例 18)."""
    if ctx.data["reason"] != "circumstances_changed" and "system" not in ctx.actor.roles:
        return (f"a {ctx.data['reason']!r} round is opened by the system; the office opens "
                "rounds for 'circumstances_changed' (条例 18)")
    return None


@guard("document_reviewable")
def document_reviewable(ctx: TransitionContext) -> str | None:
    """Only an issued, non-public, unclassified document of the agency's ledger is re-reviewed."""
    return documents.reviewable(documents.document(ctx, _doc_number(ctx)))


@guard("not_under_review")
def not_under_review(ctx: TransitionContext) -> str | None:
    """One round at a time per document: a second would decide the same attribute twice."""
    row = documents.document(ctx, _doc_number(ctx))
    if row is not None and documents.under_review(row):
        return f"document {_doc_number(ctx)!r} is already under review"
    return None


@guard("basis_in_articles_14_16")
def basis_in_articles_14_16(ctx: TransitionContext) -> str | None:
    """A non-public attribute rests on 条例 14, 15 or 16 (source document 一(四))."""
    article = documents.basis_article(ctx.data["attribute_basis"])
    if article not in documents.BASIS_ARTICLES:
        return (f"basis {ctx.data['attribute_basis']!r} is not an article of 条例 14–16; a "
                "non-public attribute needs one (source document 一(四))")
    return None


@guard("reasons_given")
def reasons_given(ctx: TransitionContext) -> str | None:
    """Reasons shorter than the definition's ``min_reasons_chars`` count as missing."""
    least = int(ctx.definition.settings.get("min_reasons_chars", MIN_REASONS_CHARS))
    if len(ctx.data["attribute_reasons"]) < least:
        return (f"reasons of {len(ctx.data['attribute_reasons'])} characters count as missing "
                f"(at least {least}; source document 一(四))")
    return None


@guard("not_active_by_law")
def not_active_by_law(ctx: TransitionContext) -> str | None:
    """A document of the 条例 20 categories is public by law and is never classified
    (保守国家秘密法实施条例 2024 第五条); the ledger's ``kind`` marks it
    (:data:`documents.ACTIVE_BY_LAW_KINDS`)."""
    row = documents.document(ctx, _doc_number(ctx))
    if row is not None and row["kind"] in documents.ACTIVE_BY_LAW_KINDS:
        return (f"a {row['kind']!r} document is in the 条例 20 active-disclosure categories and "
                "cannot be classified (保守国家秘密法实施条例 第五条)")
    return None


def _proposal_is(kind: str) -> Any:
    def check(ctx: TransitionContext) -> str | None:
        proposed = (ctx.instance_data.get("proposal") or {}).get("kind")
        if proposed != kind:
            return f"the proposal under audit is {proposed!r}, not {kind!r}"
        return None
    check.__doc__ = f"The proposal under audit is to {kind}."
    return check


for _kind in ("retain", "conversion", "classification"):
    guard(f"proposal_is_{_kind}")(_proposal_is(_kind))


@action("open_in_ledger")
def open_in_ledger(ctx: TransitionContext) -> dict[str, Any]:
    """Record the open round on the document and link the instance to it."""
    row = documents.document(ctx, _doc_number(ctx))
    assert row is not None
    documents.open_entry(ctx, row, ctx.data["round"], ctx.data["reason"])
    ctx.link(LINK_KIND, row["doc_number"])
    return {"doc_id": row["doc_id"]}


@action("record_proposal")
def record_proposal(ctx: TransitionContext) -> dict[str, Any]:
    """Keep the proposal under audit (the event history keeps every earlier one)."""
    return {"proposal": {"kind": PROPOSALS[ctx.trigger], **ctx.data,
                         "proposed_on": ctx.today.isoformat()}}


@action("record_return")
def record_return(ctx: TransitionContext) -> dict[str, Any]:
    """The office returned the proposal: it is no longer under audit."""
    returns = [*ctx.instance_data.get("returns", ()), {**ctx.data, "on": ctx.today.isoformat()}]
    return {"proposal": None, "returns": returns}


def _proposal(ctx: TransitionContext) -> dict[str, Any]:
    return dict(ctx.instance_data["proposal"])


@action("apply_retain")
def apply_retain(ctx: TransitionContext) -> dict[str, Any]:
    """维持: the ledger gets the new basis and reasons and the review's date."""
    proposal = _proposal(ctx)
    documents.close_entry(ctx, _doc_number(ctx), "retained", proposal,
                          attribute_basis=proposal["attribute_basis"],
                          attribute_reasons=proposal["attribute_reasons"])
    return {"decided_on": ctx.today.isoformat()}


@action("apply_conversion")
def apply_conversion(ctx: TransitionContext) -> dict[str, Any]:
    """转为主动公开: the ledger attribute becomes ``active`` and the document's publication starts
    in this transaction, its 20 working days running from today, the change (条例 26)."""
    row = documents.close_entry(ctx, _doc_number(ctx), "converted", _proposal(ctx),
                                attribute="active",
                                attribute_basis=None, attribute_reasons=None)
    child = ctx.start(PUBLICATION_WORKFLOW, conversion_data(row, ctx.instance_id),
                      link=(LINK_KIND, row["doc_number"]), actor=CONVERSION_ACTOR)
    return {"decided_on": ctx.today.isoformat(), "publication": child}


@action("apply_classification")
def apply_classification(ctx: TransitionContext) -> dict[str, Any]:
    """转为涉密: the 定密责任人 decided level, period and scope; the ledger marks it classified."""
    documents.close_entry(ctx, _doc_number(ctx), "classified", _proposal(ctx),
                          classified=True)
    return {"decided_on": ctx.today.isoformat()}


__all__ = ["OFFICE", "rules"]
