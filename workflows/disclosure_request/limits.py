"""Limits of the law on replying: on-the-spot replies, extensions (条例 33), the applicant's period
for reasons (条例 35), and the final outcome (table 三 counts the final result).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import Registry, TransitionContext
from workflows.common.periods import not_over
from workflows.disclosure_request.definition import NAME
from workflows.disclosure_request.outcomes import OutcomeGroup, outcome

rules = Registry(prefix=NAME)
guard, action = rules.guard, rules.action

NO_REASONS = "no reasons given"
"""What a lapsed period for reasons records (条例 35)."""


@guard("on_the_spot_on_receipt_day")
def on_the_spot_on_receipt_day(ctx: TransitionContext) -> str | None:
    """条例 33 first paragraph: a reply on the spot (当场答复) is given the day the request is
    received; any later reply is a written reply within the reply period."""
    received = ctx.instance_data["received_on"]
    if ctx.data["replied_on"] != received:
        return (f"a reply on the spot is dated on the day of receipt, {received}, not "
                f"{ctx.data['replied_on']} (当场答复, 条例 33)")
    return None


@guard("on_the_spot_not_disclosing")
def on_the_spot_not_disclosing(ctx: TransitionContext) -> str | None:
    """条例 17 (保密审查, 先审查后公开): what is disclosed on request is reviewed for secrets
    first, and a review is only possible once the request is ``assigned``; a reply on the spot,
    given in ``registered``, therefore cannot disclose anything new (``partially_disclosed``, or
    ``disclosed`` of information not yet public). Information the agency has already made public
    was reviewed before its release: the reply on the spot tells where to find it (条例 36(1)),
    with ``already_public`` and ``where_published``. Every other outcome stays open: not held
    (条例 36(4), 36(5)), not processed (条例 36(6), 39), and so on."""
    chosen = outcome(ctx.data["outcome"])
    if chosen.group == OutcomeGroup.DISCLOSED and ctx.data.get("already_public"):
        if not ctx.data.get("where_published"):
            return ("information already made public is answered with where to find it "
                    "(where_published, 条例 36(1))")
        return None
    if chosen.group in (OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIALLY_DISCLOSED):
        return (f"a reply on the spot cannot be {chosen.code} of information not yet public: "
                "disclosing needs a confidentiality review first, made after assignment "
                "(条例 17: 先审查、后公开); information already public is answered with "
                "already_public and where_published (条例 36(1))")
    return None


@guard("served_after_reply")
def served_after_reply(ctx: TransitionContext) -> str | None:
    """Service (送达) delivers the reply made: it is dated neither before the reply's
    ``replied_on`` nor after today (source document 四(一); 条例 36 书面答复)."""
    served = date.fromisoformat(ctx.data["served_on"])
    replied = date.fromisoformat(ctx.instance_data["reply"]["replied_on"])
    if served > ctx.today:
        return f"served_on {served} is after today ({ctx.today})"
    if served < replied:
        return f"served_on {served} is before the reply it delivers, replied on {replied}"
    return None


@guard("withdrawn_after_receipt")
def withdrawn_after_receipt(ctx: TransitionContext) -> str | None:
    """A withdrawal (撤回申请) withdraws a request that exists: it is not dated before the
    request was received (条例 31), which would also take the request out of every year's
    annual report (its 收到 and 办结 years would disagree)."""
    withdrawn = date.fromisoformat(ctx.data["withdrawn_on"])
    received = ctx.instance_data.get("received_on")
    if received and withdrawn < date.fromisoformat(received):
        return f"withdrawn_on {withdrawn} is before the request was received ({received}, 条例 31)"
    return None


@guard("reasons_period_over")
def reasons_period_over(ctx: TransitionContext) -> str | None:
    """条例 35: no reasons given is recorded only once the period for them has run out."""
    return not_over(ctx, "reasons", "period for reasons", "条例 35")


@action("note_no_reasons")
def note_no_reasons(ctx: TransitionContext) -> dict[str, Any]:
    """条例 35: no reasons within the period counts as no good reason: on record, it allows
    ``not_processed.excessive`` (and no longer period under 条例 35)."""
    on = ctx.data.get("on") or ctx.today.isoformat()
    return {"reasons": {"given": False, "reasonable": False, "lapsed_on": on,
                        "explanation": NO_REASONS}}


@action("record_extension")
def record_extension(ctx: TransitionContext) -> dict[str, Any]:
    """条例 33: every extension stays on record (``extensions``), with the start of the reply
    period it extended; after a correction restarts the period (条例 30) an earlier extension no
    longer counts, and the reply clock's record no longer holds it."""
    reply = ctx.clock_records.get("reply")
    started = reply.started_on.isoformat() if reply and reply.started_on else None
    entry = {**ctx.data, "reply_period_started_on": started}
    return {"extensions": [*ctx.instance_data.get("extensions", ()), entry]}
