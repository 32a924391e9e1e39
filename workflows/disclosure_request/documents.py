"""The documents a disclosure request names (by 文号), counted in the ledger (台账, 条例 44).

``register`` and ``propose`` may carry ``documents``; the ``record_documents`` action records
each (request, document) once with the applicant and the receipt date (条例 31), so the
documents' request and applicant counts, and the re-review threshold, follow the requests.
"""

from __future__ import annotations

from typing import Any

from engine import NotFound, Registry, TransitionContext
from workflows.attribute_review.rounds import Threshold, maybe_open_threshold_round
from workflows.common.fields import parse_day
from workflows.disclosure_request.definition import NAME
from workflows.ledger.requests import record_requests

rules = Registry(prefix=NAME)


@rules.action("record_documents")
def record_documents(ctx: TransitionContext) -> dict[str, Any]:
    """Record the 文号 the request names (条例 44): on ``register`` with the applicant and
    receipt date just given, on ``propose`` with those registered; a document named again by
    the same request is not counted twice."""
    named = ctx.data.get("documents") or ()
    if named:
        request = ctx.data if ctx.trigger == "register" else ctx.instance_data
        for doc_number in record_requests(ctx, named, request["applicant"],
                                          parse_day(request["received_on"])):
            threshold_round(ctx, doc_number)
    return {}


def threshold_round(ctx: TransitionContext, doc_number: str) -> None:
    """条例 44: requests for a non-public document reaching the threshold open a re-review round
    at once, in this transaction; without the re-review workflow registered nothing opens."""
    applicants, requests, window = ctx.definition.settings.get("review_threshold", (3, 5, 365))
    try:
        maybe_open_threshold_round(ctx, doc_number, Threshold(applicants, requests, window))
    except NotFound as exc:
        if exc.what != "workflow":
            raise
