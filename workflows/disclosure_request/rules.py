"""Guards and actions of the disclosure request workflow: the law's rules, each cited.

Guards return ``None`` to allow or the reason for refusing; actions return data updates. They are
registered under the workflow's name (``disclosure_request.correction_once``), as the definition
names them, so that other workflows may use the same bare names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import GuardRejected, Registry, TransitionContext
from workflows.common.numbering import next_number
from workflows.disclosure_request.consultation_record import standing_objections
from workflows.disclosure_request.definition import NAME
from workflows.disclosure_request.outcomes import OutcomeGroup, outcome
from workflows.disclosure_request.register_number import DEFAULT_TEMPLATE, RegisterNumberFormat

rules = Registry(prefix=NAME)
guard, action = rules.guard, rules.action

LAPSE_OUTCOMES = {
    "correction_lapsed": "other.no_correction",
    "fee_lapsed": "other.fee_unpaid",
    "withdraw": "other.other",
}
DISCLOSING = (OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIALLY_DISCLOSED)
FINAL_OUTCOME = f"{NAME}.set_outcome"
"""The rule a :class:`GuardRejected` names when something would rewrite a replied outcome."""


@guard("correction_once")
def correction_once(ctx: TransitionContext) -> str | None:
    """条例 30: the applicant is told once, in one notice, what to correct (一次性告知)."""
    if "correction" in ctx.instance_data:
        return "a correction may be requested once only (一次性告知, 条例 30)"
    return None


@guard("unclear_only_after_correction")
def unclear_only_after_correction(ctx: TransitionContext) -> str | None:
    """'Still unclear after correction' presupposes a correction (条例 30, 36(6))."""
    chosen = outcome(ctx.data["outcome"])
    if chosen.requires_prior_correction and "corrected" not in ctx.instance_data:
        return f"{chosen.code} is only possible after the applicant corrected the request"
    return None


def _objections(ctx: TransitionContext) -> list[str]:
    return standing_objections(ctx.instance_data)


@guard("third_party_objection")
def third_party_objection(ctx: TransitionContext) -> str | None:
    """条例 32: a well-founded third-party objection blocks disclosure, unless the agency
    records that withholding would seriously harm the public interest."""
    if outcome(ctx.data["outcome"]).group not in DISCLOSING:
        return None
    objecting = _objections(ctx)
    if objecting and not ctx.data.get("public_interest"):
        return (f"third parties {', '.join(objecting)} objected with good reason; disclosing "
                "needs a recorded public-interest finding (条例 32)")
    return None


@guard("excessive_only_after_reasons")
def excessive_only_after_reasons(ctx: TransitionContext) -> str | None:
    """条例 35: a request clearly beyond a reasonable volume or frequency is not processed only
    after the applicant was asked for reasons and they were found unreasonable."""
    if ctx.data["outcome"] != "not_processed.excessive":
        return None
    reasons = ctx.instance_data.get("reasons")
    if not reasons or reasons.get("reasonable"):
        return ("not_processed.excessive needs the applicant's reasons asked for and found "
                "unreasonable first (条例 35)")
    return None


@guard("reasons_found_reasonable")
def reasons_found_reasonable(ctx: TransitionContext) -> str | None:
    """条例 35: a longer reply period is set only when the reasons were found reasonable."""
    if not (ctx.instance_data.get("reasons") or {}).get("reasonable"):
        return "a longer reply period needs the applicant's reasons found reasonable (条例 35)"
    if "longer_period" in ctx.instance_data:
        return "a longer reply period under 条例 35 has already been set"
    return None


@guard("extend_once_before_deadline")
def extend_once_before_deadline(ctx: TransitionContext) -> str | None:
    """条例 33: the reply period may be extended once, before it runs out.

    Once per reply period: the reply clock's record counts the extensions of the period it
    holds, and a correction that restarts the period (条例 30) starts a fresh record, so one
    extension is allowed again and an earlier one no longer counts.
    """
    record = ctx.clock_records.get("reply")
    if record is not None and record.extensions:
        return "the reply period has already been extended once (条例 33)"
    reply = ctx.deadlines.get("reply")
    told = date.fromisoformat(ctx.data["notified_on"])
    if reply is None or reply.due_date is None:
        return None
    if reply.overdue or told > reply.due_date:
        return f"the reply period ended on {reply.due_date}; it can no longer be extended (条例 33)"
    return None


@action("assign_register_number")
def assign_register_number(ctx: TransitionContext) -> dict[str, Any]:
    """登记制: every application gets a number, counted per year of receipt."""
    year = date.fromisoformat(ctx.data["received_on"]).year
    template = ctx.definition.settings.get("register_number_template", DEFAULT_TEMPLATE)
    number = next_number(ctx, ctx.definition.name, year, RegisterNumberFormat(template))
    return {"register_number": number}


@action("note_correction_timing")
def note_correction_timing(ctx: TransitionContext) -> dict[str, Any]:
    """条例 30: a correction notice after the 7th working day is allowed but recorded as late."""
    limit = ctx.deadlines.get("correction_notice")
    told = date.fromisoformat(ctx.data["notified_on"])
    late = bool(limit and limit.due_date and told > limit.due_date)
    return {"correction_notice_late": late}


@action("set_outcome")
def set_outcome(ctx: TransitionContext) -> dict[str, Any]:
    """The request's outcome: given with the reply, approved from the proposal, or set by a
    lapse or a withdrawal.

    Once the reply is made its outcome is the request's final result, the one table 三 of the
    annual report counts: whatever comes later never rewrites it (:class:`GuardRejected`,
    nothing written).
    """
    if "reply" in ctx.instance_data and "outcome" in ctx.instance_data:
        raise GuardRejected(ctx.instance_id, ctx.state or "-", ctx.trigger, FINAL_OUTCOME,
                            f"the request was replied with {ctx.instance_data['outcome']}, its "
                            "final result (table 三); it cannot be rewritten")
    if ctx.trigger in LAPSE_OUTCOMES:
        return {"outcome": LAPSE_OUTCOMES[ctx.trigger]}
    if "outcome" in ctx.data:
        return {"outcome": ctx.data["outcome"]}
    return {"outcome": ctx.instance_data["proposal"]["outcome"]}
