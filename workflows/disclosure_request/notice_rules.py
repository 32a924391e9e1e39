"""Guards and actions of the notices whose period runs from the recipient's receipt.

- Consultation letters (条例 32, 34): each party has 15 working days from the day it received
  its letter; opinions may come party by party; the consultation ends when every party has
  answered or its period ended (:mod:`consultation_record` keeps every answer).
- The fee notice (国办函〔2020〕109号): sent within the reply period; the applicant pays within 20
  working days counted from the day after receiving it.
- The correction notice (条例 30): a reasonable period (national guidance: at most 15 working
  days; the definition's ``max_correction_days``), counted from the applicant's receipt.

A notice sent without a known receipt day starts its period held at the sending day, so no day
counts and nothing can lapse; ``record_receipt`` lets it run from the receipt day. While any
receipt is awaited, the instance's ``awaiting_receipt`` lists it (see :func:`awaited`), for the
worklist to show ("consultation: waiting for receipt (甲公司)").

Registered under the workflow's name, like :mod:`rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine import Registry, TransitionContext
from workflows.common.periods import not_over
from workflows.disclosure_request.consultation_record import (
    RECORD,
    current_round,
    new_round,
    open_parties,
    party_entry,
    recorded_kinds,
    standing_objections,
    with_answers,
    with_receipt,
    with_silence,
)
from workflows.disclosure_request.definition import NAME

notice_rules = Registry(prefix=NAME)
guard, action = notice_rules.guard, notice_rules.action

AWAITING = "awaiting_receipt"
"""The instance data field listing the notices whose receipt is awaited (the definition's
``waiting_field`` setting names it)."""

DEFAULT_MAX_CORRECTION_DAYS = 15
"""National guidance: the correction period is generally at most 15 working days (条例 30)."""

NOTICE_OF_STATE = {"consulting": "consultation", "awaiting_fee": "fee",
                   "awaiting_correction": "correction"}
"""The notice whose receipt may be recorded in each state."""


# -- what is awaited ----------

def awaited(data: Mapping[str, Any], state: str | None) -> list[dict[str, Any]]:
    """The notices of ``state`` whose receipt is not yet recorded: one entry per consulted party
    still open without a receipt, or the fee or correction notice; each with a ``note`` for
    people, e.g. ``consultation: waiting for receipt (甲公司)``."""
    found: list[dict[str, Any]] = []
    notice = NOTICE_OF_STATE.get(state or "")
    if notice == "consultation":
        round_ = current_round(data) or {"sent_on": None, "parties": []}
        for name in open_parties(round_):
            entry = party_entry(round_, name)
            if entry is not None and "received_on" not in entry:
                found.append({"notice": notice, "party": name, "sent_on": round_["sent_on"],
                              "note": f"consultation: waiting for receipt ({name})"})
    elif notice is not None:
        sent = data.get(notice) or {}
        if sent and "received_on" not in sent:
            found.append({"notice": notice, "sent_on": sent["notified_on"],
                          "note": f"{notice}: waiting for receipt"})
    return found


def _after(ctx: TransitionContext, updates: Mapping[str, Any]) -> dict[str, Any]:
    """The instance's data as this event leaves it (its data stored as the transition says),
    with the awaited receipts recomputed for the state it ends in, when they change."""
    t = ctx.transition
    assert t is not None
    view = dict(ctx.instance_data)
    if t.merge_data:
        if t.data_key:
            view[t.data_key] = ctx.data
        else:
            view.update(ctx.data)
    view.update(updates)
    state = t.dest or ctx.state
    now = awaited(view, None if state in ctx.definition.terminal_states else state)
    out = dict(updates)
    if now != (ctx.instance_data.get(AWAITING) or []):
        out[AWAITING] = now
    return out


@action("note_awaited_receipts")
def note_awaited_receipts(ctx: TransitionContext) -> dict[str, Any]:
    """Keep ``awaiting_receipt`` in step with the notices sent, received, answered or closed."""
    return _after(ctx, {})


# -- receipt given or not ----------

@guard("receipt_known")
def receipt_known(ctx: TransitionContext) -> str | None:
    """Chooses the transition that starts the period at once: the receipt day is given."""
    return None if ctx.data.get("received_on") else "the receipt day is not given"


@guard("receipt_not_known")
def receipt_not_known(ctx: TransitionContext) -> str | None:
    """Chooses the transition that holds the period until ``record_receipt``."""
    return "the receipt day is given" if ctx.data.get("received_on") else None


@guard("receipt_awaited")
def receipt_awaited(ctx: TransitionContext) -> str | None:
    """送达回证: a receipt is recorded once, for a notice of the current step still awaiting it
    (a consultation letter to a party of the current round that has not answered)."""
    expected = NOTICE_OF_STATE.get(ctx.state or "")
    notice = ctx.data["notice"]
    if notice != expected:
        return f"no {notice} notice is out in state {ctx.state}; this step sent a {expected} notice"
    if notice != "consultation":
        sent = ctx.instance_data.get(notice) or {}
        if "received_on" in sent:
            return f"the {notice} notice's receipt is already recorded: {sent['received_on']}"
        return None
    round_ = current_round(ctx.instance_data)
    party = ctx.data["party"]
    entry = party_entry(round_, party) if round_ else None
    if entry is None:
        return f"{party} was not consulted in the current consultation (条例 32, 34)"
    if "received_on" in entry:
        return f"{party}'s receipt is already recorded: {entry['received_on']}"
    if party not in open_parties(round_ or {"parties": []}):
        return f"{party} has already answered; its period no longer runs (条例 32, 34)"
    return None


@action("record_receipt")
def record_receipt(ctx: TransitionContext) -> dict[str, Any]:
    """Record the receipt day on the notice (``fee`` or ``correction``) or on the party's entry
    in the current consultation round."""
    notice, day = ctx.data["notice"], ctx.data["received_on"]
    updates: dict[str, Any]
    if notice == "consultation":
        updates = {RECORD: with_receipt(ctx.instance_data, ctx.data["party"], day)}
    else:
        updates = {notice: {**ctx.instance_data[notice], "received_on": day}}
    return _after(ctx, updates)


# -- consultation (条例 32, 34) ----------

@guard("party_kinds_unchanged")
def party_kinds_unchanged(ctx: TransitionContext) -> str | None:
    """条例 32 and 34 give a third party and a co-producing agency different rights (an objection
    that blocks disclosure, or silence deemed consent): a party consulted again keeps the kind
    it was first consulted as, so its earlier answers keep their meaning (条例 15, 32)."""
    known = recorded_kinds(ctx.instance_data)
    changed = [f"{p['name']} ({known[p['name']]}, not {p['kind']})" for p in ctx.data["parties"]
               if p["name"] in known and known[p["name"]] != p["kind"]]
    if changed:
        return (f"already consulted as another kind: {', '.join(changed)}; a party keeps its "
                "kind across rounds (条例 15, 32, 34)")
    return None


@action("open_consultation")
def open_consultation(ctx: TransitionContext) -> dict[str, Any]:
    """A new round joins the record; earlier rounds and their answers stay (条例 32)."""
    rounds = [*(ctx.instance_data.get(RECORD) or ()), new_round(ctx.data)]
    return _after(ctx, {RECORD: rounds})


def _settled_now(ctx: TransitionContext) -> list[str]:
    if ctx.trigger == "consultation_lapsed":
        return [ctx.data["party"]]
    return [o["party"] for o in ctx.data["opinions"]]


@guard("opinions_from_open_parties")
def opinions_from_open_parties(ctx: TransitionContext) -> str | None:
    """条例 32, 34: answers come from parties consulted in the current round, once each; an
    answer already on record is never replaced by another."""
    round_ = current_round(ctx.instance_data)
    if round_ is None:
        return "no consultation is on record"
    names = _settled_now(ctx)
    unknown = [n for n in names if party_entry(round_, n) is None]
    if unknown:
        return f"opinions from parties that were not consulted: {', '.join(unknown)}"
    still = open_parties(round_)
    settled = [n for n in names if n not in still]
    if settled:
        return (f"{', '.join(settled)} already answered or its period ended in this "
                "consultation; an answer on record is never replaced")
    return None


@guard("lapse_of_an_open_period")
def lapse_of_an_open_period(ctx: TransitionContext) -> str | None:
    """条例 32, 34: only a party of the current round that has not answered can fall silent."""
    round_ = current_round(ctx.instance_data)
    party = ctx.data["party"]
    if round_ is None or party not in open_parties(round_):
        return f"{party} has no open consultation period to lapse"
    return None


@guard("consultation_period_over")
def consultation_period_over(ctx: TransitionContext) -> str | None:
    """条例 32 (and 34): a consulted party is silent only once its 15 working days from its own
    receipt of the letter have passed; while its receipt is not recorded they never began."""
    party = ctx.data["party"]
    return not_over(ctx, "consultation", f"consultation period of {party}", "条例 32, 34",
                    member=party)


@guard("others_still_awaited")
def others_still_awaited(ctx: TransitionContext) -> str | None:
    """The consultation goes on while another party of the round neither answered nor lapsed."""
    round_ = current_round(ctx.instance_data)
    if round_ is None or not open_parties(round_, _settled_now(ctx)):
        return "every consulted party has now answered or its period ended"
    return None


@guard("consultation_complete")
def consultation_complete(ctx: TransitionContext) -> str | None:
    """The consultation ends when every party has answered or its 15 working days from its
    receipt ended (条例 32, 34); then the reply period counts on (条例 33)."""
    round_ = current_round(ctx.instance_data)
    left = open_parties(round_, _settled_now(ctx)) if round_ else []
    if left:
        return (f"still waiting for {', '.join(left)}: each party has 15 working days from its "
                "receipt of the letter (条例 32, 34)")
    return None


@action("record_opinions")
def record_opinions(ctx: TransitionContext) -> dict[str, Any]:
    """Enter the answers in the current round, dated by their arrival."""
    rounds = with_answers(ctx.instance_data, ctx.data["opinions"], ctx.data["received_on"])
    return _after(ctx, {RECORD: rounds})


@action("note_lapsed_consultation")
def note_lapsed_consultation(ctx: TransitionContext) -> dict[str, Any]:
    """条例 32, 34: the party whose period ran out is silent: a third party leaves the decision
    to the agency, a co-producing agency is deemed to agree. Answers given stay as they are."""
    day = ctx.data.get("on") or ctx.today.isoformat()
    return _after(ctx, {RECORD: with_silence(ctx.instance_data, ctx.data["party"], day)})


def objections(data: Mapping[str, Any]) -> list[str]:
    """Third parties standing on a well-founded objection (条例 32)."""
    return standing_objections(data)


@guard("third_party_told_of_disclosure")
def third_party_told_of_disclosure(ctx: TransitionContext) -> str | None:
    """条例 15, 32: disclosing over a well-founded objection on public-interest grounds needs the
    written notice to the third party: the reply records ``third_party_notified_on``."""
    proposal = ctx.instance_data.get("proposal") or {}
    if not proposal.get("public_interest") or ctx.data.get("third_party_notified_on"):
        return None
    objecting = objections(ctx.instance_data)
    if not objecting:
        return None
    return (f"disclosing over the objection of {', '.join(objecting)} on public-interest "
            "grounds needs the written notice to the third party: give third_party_notified_on "
            "(条例 32)")


@action("note_proposed_on")
def note_proposed_on(ctx: TransitionContext) -> dict[str, Any]:
    """The day of the latest proposal: a public-interest finding in it (条例 15, 32) comes before
    the written notice to the third party that it supports."""
    return {"proposed_on": ctx.today.isoformat()}


@guard("third_party_notice_dated")
def third_party_notice_dated(ctx: TransitionContext) -> str | None:
    """条例 15, 32: the written notice to the third party (``third_party_notified_on``) records
    what happened: not after today, not before the request was received (条例 31), and not before
    the proposal whose public-interest finding it tells of."""
    given = ctx.data.get("third_party_notified_on")
    if not given:
        return None
    day = date.fromisoformat(given)
    received = date.fromisoformat(ctx.instance_data["received_on"])
    proposed = ctx.instance_data.get("proposed_on")
    if day > ctx.today:
        return f"third_party_notified_on {day} is after today ({ctx.today})"
    if day < received:
        return (f"third_party_notified_on {day} is before the request was received "
                f"({received}, 条例 31)")
    if proposed and day < date.fromisoformat(proposed):
        return (f"third_party_notified_on {day} is before the public-interest proposal of "
                f"{proposed} it tells of (条例 15, 32)")
    return None


# -- fee (国办函〔2020〕109号) ----------

@guard("fee_notice_within_reply_period")
def fee_notice_within_reply_period(ctx: TransitionContext) -> str | None:
    """国办函〔2020〕109号: the fee notice is sent within the reply period."""
    reply = ctx.deadlines.get("reply")
    sent = date.fromisoformat(ctx.data["notified_on"])
    if reply is not None and reply.due_date is not None and sent > reply.due_date:
        return (f"the fee notice must be sent within the reply period, which ended on "
                f"{reply.due_date} (国办函〔2020〕109号)")
    return None


@guard("fee_period_over")
def fee_period_over(ctx: TransitionContext) -> str | None:
    """政府信息公开信息处理费管理办法 (国办函〔2020〕109号), 条例 42: the request is deemed
    abandoned only once the 20 working days from the applicant's receipt of the notice have
    passed; without a recorded receipt they never began."""
    return not_over(ctx, "fee_payment", "fee payment period",
                    "国办函〔2020〕109号, 条例 42")


# -- correction (条例 30) ----------

@guard("correction_period_within_limit")
def correction_period_within_limit(ctx: TransitionContext) -> str | None:
    """条例 30 asks a reasonable period; national guidance: generally at most 15 working days
    (the definition's ``max_correction_days``)."""
    limit = ctx.definition.settings.get("max_correction_days", DEFAULT_MAX_CORRECTION_DAYS)
    days = ctx.data["period_days"]
    if days > limit:
        return (f"a correction period of {days} working days exceeds this agency's limit of "
                f"{limit} (条例 30; national guidance: generally at most 15)")
    return None


@guard("correction_period_over")
def correction_period_over(ctx: TransitionContext) -> str | None:
    """条例 30: the request is deemed abandoned only once the correction period, counted from the
    applicant's receipt of the notice, has run out (at the end of its last day); before that,
    or while the receipt is not recorded, the applicant may still correct."""
    return not_over(ctx, "correction", "correction period", "条例 30")
