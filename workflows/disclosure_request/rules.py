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


@guard("correction_period_over")
def correction_period_over(ctx: TransitionContext) -> str | None:
    """条例 30: the request is deemed abandoned only once the correction period has run out (it
    ends at the end of its last day); before that the applicant may still correct."""
    period = ctx.deadlines.get("correction")
    if period is not None and period.due_date is not None and not period.overdue:
        return (f"the applicant may correct until {period.due_date}; the request is deemed "
                "abandoned only after that (条例 30)")
    return None


@guard("all_parties_answered")
def all_parties_answered(ctx: TransitionContext) -> str | None:
    """Opinions are received when every consulted party has answered (条例 32, 34)."""
    consulted = [p["name"] for p in ctx.instance_data["consultation"]["parties"]]
    answered = {o["party"] for o in ctx.data["opinions"]}
    unknown = sorted(answered - set(consulted))
    if unknown:
        return f"opinions from parties that were not consulted: {', '.join(unknown)}"
    missing = [name for name in consulted if name not in answered]
    if missing:
        return (f"still waiting for {', '.join(missing)}; a silent party is handled when the "
                "15 working days lapse (条例 32, 34)")
    return None


@guard("unclear_only_after_correction")
def unclear_only_after_correction(ctx: TransitionContext) -> str | None:
    """'Still unclear after correction' presupposes a correction (条例 30, 36(6))."""
    chosen = outcome(ctx.data["outcome"])
    if chosen.requires_prior_correction and "corrected" not in ctx.instance_data:
        return f"{chosen.code} is only possible after the applicant corrected the request"
    return None


def _objections(ctx: TransitionContext) -> list[str]:
    opinions = (ctx.instance_data.get("opinions") or {}).get("opinions", ())
    parties = {p["name"]: p["kind"] for p in
               ctx.instance_data.get("consultation", {}).get("parties", ())}
    return [o["party"] for o in opinions if parties.get(o["party"]) == "third_party"
            and not o["agrees"] and o.get("good_reason")]


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


@action("open_consultation")
def open_consultation(ctx: TransitionContext) -> dict[str, Any]:
    """A new consultation starts without the answers of an earlier one: only the current
    round's opinions decide whether a third party blocks disclosure (条例 32)."""
    return {"opinions": None, "consultation_lapse": None}


@action("note_correction_timing")
def note_correction_timing(ctx: TransitionContext) -> dict[str, Any]:
    """条例 30: a correction notice after the 7th working day is allowed but recorded as late."""
    limit = ctx.deadlines.get("correction_notice")
    told = date.fromisoformat(ctx.data["notified_on"])
    late = bool(limit and limit.due_date and told > limit.due_date)
    return {"correction_notice_late": late}


@action("note_lapsed_consultation")
def note_lapsed_consultation(ctx: TransitionContext) -> dict[str, Any]:
    """条例 32, 34: a silent third party leaves the decision to the agency; a silent
    co-producing agency is deemed to agree.

    Opinions are taken in all at once (``receive_opinions``), which ends the consultation; so when
    it lapses, no party consulted in it has answered. Opinions on record are from an earlier
    consultation and say nothing about this one.
    """
    silent = {p["name"]: ("deemed_to_agree" if p["kind"] == "agency" else "agency_decides")
              for p in ctx.instance_data["consultation"]["parties"]}
    return {"consultation_lapse": silent}


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
