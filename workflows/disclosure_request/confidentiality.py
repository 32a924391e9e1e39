"""保密审查 (条例 17; 保守国家秘密法实施条例 第四十二条 "先审查、后公开"): what is to be disclosed
on request is checked for secrets first.

A proposal to disclose (``disclosed``, ``partially_disclosed``) needs a review on record that
found the information clear, made after the proposal was last returned for revision and after
the applicant's latest correction: either may change what is disclosed, so a review of the
earlier text no longer covers it. Where the agency cannot decide, it refers the question to the
competent department or the secrecy authority and waits; the answer is the review from then
on. Earlier reviews stay in the request's history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import Registry, TransitionContext
from workflows.disclosure_request.definition import NAME
from workflows.disclosure_request.outcomes import OutcomeGroup, outcome

rules = Registry(prefix=NAME)
guard, action = rules.guard, rules.action

DISCLOSING = (OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIALLY_DISCLOSED)
REVIEW = "confidentiality_review"
"""The instance-data key of the review in force: ``result``, ``reviewed_on``, ``notes``, ``by``
(``reviewer`` or ``determination``) and ``after_revision`` (the revisions it follows)."""
REVISIONS = "revisions"
"""The instance-data key counting the revisions: the proposal's returns for revision and the
applicant's corrections received (条例 30), each of which may change what is disclosed."""


@guard("confidentiality_reviewed")
def confidentiality_reviewed(ctx: TransitionContext) -> str | None:
    """条例 17: a proposal to disclose needs a confidentiality review on record that found the
    information clear, made after the latest revision or correction (先审查、后公开)."""
    chosen = outcome(ctx.data["outcome"])
    if chosen.group not in DISCLOSING:
        return None
    review = ctx.instance_data.get(REVIEW)
    if not review:
        return (f"proposing {chosen.code} needs a confidentiality review on record first "
                "(保密审查, 条例 17: 先审查、后公开)")
    if review["after_revision"] != ctx.instance_data.get(REVISIONS, 0):
        return (f"the confidentiality review of {review['reviewed_on']} was made before the "
                "latest revision or correction; the revised request needs a new review "
                "(条例 17)")
    if review["result"] != "clear":
        return (f"the confidentiality review of {review['reviewed_on']} found that the "
                f"information must be withheld; {chosen.code} cannot be proposed (条例 17)")
    return None


@guard("review_dated")
def review_dated(ctx: TransitionContext) -> str | None:
    """A review or a referral is dated between the request's receipt (条例 31) and today: it
    records what happened, and a review cannot come before what it reviews. A determination is
    not received before the referral it answers was made (条例 17)."""
    field = next(f for f in ("reviewed_on", "referred_on", "received_on") if f in ctx.data)
    day = date.fromisoformat(ctx.data[field])
    received = date.fromisoformat(ctx.instance_data["received_on"])
    if day > ctx.today:
        return f"{field} {day} is after today ({ctx.today})"
    if day < received:
        return f"{field} {day} is before the request was received ({received})"
    referral = ctx.instance_data.get("determination_referral") if ctx.state == (
        "awaiting_determination") else None
    if referral and day < date.fromisoformat(referral["referred_on"]):
        return (f"{field} {day} is before the referral it answers, made on "
                f"{referral['referred_on']} (条例 17)")
    return None


def _review(ctx: TransitionContext, day_field: str, by: str) -> dict[str, Any]:
    return {"result": ctx.data["result"], "reviewed_on": ctx.data[day_field],
            "notes": ctx.data.get("notes"), "by": by,
            "after_revision": ctx.instance_data.get(REVISIONS, 0)}


@action("record_confidentiality_review")
def record_confidentiality_review(ctx: TransitionContext) -> dict[str, Any]:
    """The secrecy reviewer's review becomes the one in force (条例 17)."""
    return {REVIEW: _review(ctx, "reviewed_on", "reviewer")}


@action("record_determination")
def record_determination(ctx: TransitionContext) -> dict[str, Any]:
    """The competent department's or secrecy authority's answer becomes the review in force, and
    is kept with the referral it answers (条例 17)."""
    referral = ctx.instance_data.get("determination_referral") or {}
    return {REVIEW: {**_review(ctx, "received_on", "determination"),
                     "authority": referral.get("authority")},
            "determination": dict(ctx.data)}


@action("count_revision")
def count_revision(ctx: TransitionContext) -> dict[str, Any]:
    """A return for revision, or a correction received from the applicant (条例 30), may change
    what is disclosed: reviews before it no longer cover the proposal (条例 17)."""
    return {REVISIONS: ctx.instance_data.get(REVISIONS, 0) + 1}
