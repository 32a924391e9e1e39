"""The disclosure request workflow (依申请公开) as data: states, triggers, roles and periods.

The procedure is section 四(一) of the source document; the periods are the Regulations'
(条例, 2019 revision): receipt date 31, correction 30, consultation 32 and 34, reply and
extension 33, reasons 35, fees 42 (国办函〔2020〕109号); the confidentiality review before
disclosing is 条例 17.
"""

from __future__ import annotations

from dataclasses import replace

from engine import Clock, ClockEffect, State, Title, Transition, WorkflowDefinition
from workflows.attribute_review.rounds import Threshold
from workflows.common.build import Builder, ClockOps
from workflows.disclosure_request.family_ops import FamilyOps
from workflows.disclosure_request.models import (
    CONVENIENCE_OPTIONAL_MODELS,
    MAX_CORRECTION_PERIOD_DAYS,
    MODELS,
)
from workflows.disclosure_request.register_number import validate_template

NAME = "disclosure_request"
REGISTRAR, HANDLER, OFFICE_HEAD, LEADER, APPLICANT, SYSTEM = (
    "registrar", "handler", "office_head", "leader", "applicant", "system")
SECRECY_REVIEWER = "secrecy_reviewer"
"""Who reviews information for secrets before it is disclosed (保密审查, 条例 17)."""

OPEN_STATES = ("registered", "accepted", "awaiting_correction", "assigned", "awaiting_reasons",
               "consulting", "awaiting_fee", "leader_review", "decided", "replied",
               "awaiting_determination")
REPLY_RUNNING = ("registered", "accepted", "assigned", "awaiting_reasons", "consulting",
                 "awaiting_fee", "leader_review", "decided", "awaiting_determination")
WITHDRAWABLE = tuple(s for s in OPEN_STATES if s != "replied")
"""Where the applicant may withdraw: until the reply is made, whose outcome is final (table 三)."""
REASONS_DAYS = 15
"""Default period for the applicant's reasons (条例 35), working days; a definition setting."""
APPLICANT_ID = "applicant.id"
"""Where a request records its applicant's actor id (the ``applicant`` role on the request is
that actor's alone: the definition's ``bound_roles`` setting). The registrar fills it in when
registering on the applicant's behalf; a request without it has no applicant who may act on it
online, and the registrar withdraws for the applicant."""
PERSONAL_DATA = ("applicant.contact",)
"""The personal data (个人信息) in a request's data that staff tools mask: the applicant's contact
(条例 29(1)). Consulted parties (条例 32, 34) are named without a contact."""

STATES = (
    State("registered", Title("已登记", "Registered"), "initial"),
    State("accepted", Title("已受理", "Accepted")),
    State("awaiting_correction", Title("待补正", "Awaiting correction")),
    State("assigned", Title("承办中", "Assigned to a division")),
    State("awaiting_reasons", Title("待说明理由", "Awaiting reasons (条例 35)")),
    State("consulting", Title("征求意见中", "Consulting")),
    State("awaiting_fee", Title("待缴费", "Awaiting fee")),
    State("leader_review", Title("待领导批示", "Leader review")),
    State("decided", Title("已决定", "Decided")),
    State("replied", Title("已答复", "Replied")),
    State("awaiting_determination", Title("待保密审查确定", "Awaiting a secrecy determination "
                                           "(条例 17)")),
    State("closed", Title("已办结", "Closed"), "terminal"),
)

REASONS_CLOCK = Clock("reasons", REASONS_DAYS, title=Title("说明理由期限",
                                                      "Applicant's period for reasons (条例 35)"),
                      on_expiry="reasons_lapsed", expiry_date_field="on")

CLOCKS = (
    Clock("reply", 20, title=Title("答复期限", "Reply period (条例 33)"), reminders=(5, 2)),
    Clock("correction_notice", 7, title=Title("补正告知期限", "Correction notice (条例 30)"),
          reminders=(2,)),
    Clock("correction", 15, title=Title("补正期限", "Applicant's correction period (条例 30)"),
          on_expiry="correction_lapsed", expiry_date_field="on"),
    Clock("consultation", 15, title=Title("征求意见期限", "Consultation (条例 32, 34)"),
          reminders=(3,), on_expiry="consultation_lapsed", expiry_date_field="on",
          family=True, expiry_key_field="party"),
    Clock("fee_payment", 20, title=Title("缴费期限", "Fee payment (国办函〔2020〕109号)"),
          on_expiry="fee_lapsed", expiry_date_field="on"),
)

REPLY, CORRECTION_NOTICE, CORRECTION = (
    ClockOps("reply"), ClockOps("correction_notice"), ClockOps("correction"))
FEE_PAYMENT = ClockOps("fee_payment")
CONSULTATION_MEMBERS = FamilyOps("consultation")
REASONS = ClockOps("reasons")
_build = Builder(NAME, MODELS)


def _law_transitions() -> tuple[Transition, ...]:
    """The confidentiality review before disclosing (条例 17) and the lapse of the applicant's
    period for reasons (条例 35)."""
    t = _build.transition
    return (
        t("review_confidentiality", "assigned", None, SECRECY_REVIEWER,
          ("保密审查", "Review confidentiality"), guards="review_dated",
          merge_data=False, actions="record_confidentiality_review"),
        t("refer_for_determination", "assigned", "awaiting_determination", SECRECY_REVIEWER,
          ("报请保密审查确定", "Refer for determination"), guards="review_dated",
          data_key="determination_referral"),
        t("receive_determination", "awaiting_determination", "assigned", SECRECY_REVIEWER,
          ("收到确定意见", "Receive determination"), guards="review_dated",
          merge_data=False, actions="record_determination"),
        t("reasons_lapsed", "awaiting_reasons", "assigned", SYSTEM,
          ("逾期未说明理由", "Reasons lapsed"), guards="reasons_period_over",
          data_key="reasons_lapse", actions="note_no_reasons", effects=REASONS.stop("on")),
    )


def _convenience_optional(transition: Transition) -> Transition:
    """The transition naming the model that leaves the convenience reply to the agency."""
    name = f"{transition.trigger}_convenience_optional"
    if name not in CONVENIENCE_OPTIONAL_MODELS:
        return transition
    return replace(transition, data=_build.name(name))


def _transitions(fee_pauses_reply: bool) -> tuple[Transition, ...]:
    t = _build.transition
    return (
        t("register", (), "registered", REGISTRAR, ("登记", "Register"),
          actions=("assign_register_number", "record_documents"),
          effects=(REPLY.start("received_on"), CORRECTION_NOTICE.start("received_on"))),
        t("reply_on_the_spot", "registered", "replied", REGISTRAR,
          ("当场答复", "Reply on the spot"),
          guards=("on_the_spot_on_receipt_day", "on_the_spot_not_disclosing",
                  "unclear_only_after_correction"),
          data_key="reply", actions="set_outcome",
          effects=(REPLY.stop("replied_on"), CORRECTION_NOTICE.stop("replied_on"))),
        t("accept", "registered", "accepted", REGISTRAR, ("受理", "Accept"), merge_data=False),
        *_correction_transitions(),
        t("assign", "accepted", "assigned", REGISTRAR, ("批转承办处室", "Assign"),
          data_key="assignment", effects=CORRECTION_NOTICE.stop("assigned_on")),
        t("ask_reasons", "assigned", "awaiting_reasons", HANDLER,
          ("要求说明理由", "Ask for reasons"), data_key="reasons_asked",
          effects=REASONS.start("asked_on")),
        t("receive_reasons", "awaiting_reasons", "assigned", REGISTRAR,
          ("收到理由说明", "Receive reasons"), data_key="reasons",
          effects=REASONS.stop("received_on")),
        t("set_reply_period", "assigned", None, OFFICE_HEAD,
          ("确定延迟答复期限", "Set a longer reply period"), guards="reasons_found_reasonable",
          data_key="longer_period", effects=REPLY.extend(length_field="extra_days")),
        *_consultation_transitions(),
        *_fee_transitions(fee_pauses_reply),
        *_receipt_transitions(),
        t("propose", "assigned", "leader_review", HANDLER, ("提出办理意见", "Propose"),
          guards=("unclear_only_after_correction", "third_party_objection",
                  "excessive_only_after_reasons", "confidentiality_reviewed"),
          data_key="proposal", actions=("note_proposed_on", "record_documents")),
        t("return_for_revision", "leader_review", "assigned", LEADER,
          ("退回修改", "Return for revision"), data_key="revision", actions="count_revision"),
        t("approve", "leader_review", "decided", LEADER, ("领导批示", "Approve"),
          data_key="approval", actions="set_outcome"),
        t("extend", REPLY_RUNNING, None, OFFICE_HEAD, ("延期答复", "Extend"),
          guards="extend_once_before_deadline", data_key="extension",
          actions="record_extension",
          effects=REPLY.extend(by=20, max_times=1, length_field="days")),
        t("reply", "decided", "replied", REGISTRAR, ("书面答复", "Reply"), data_key="reply",
          guards=("third_party_told_of_disclosure", "third_party_notice_dated"),
          effects=REPLY.stop("replied_on")),
        t("serve", "replied", "closed", REGISTRAR, ("送达", "Serve"), guards="served_after_reply",
          data_key="service"),
        t("withdraw", WITHDRAWABLE, "closed", (APPLICANT, REGISTRAR), ("撤回申请", "Withdraw"),
          guards="withdrawn_after_receipt", data_key="withdrawal", actions="set_outcome"),
        *_law_transitions(),
    )


def _correction_transitions() -> tuple[Transition, ...]:
    """条例 30: one notice, at most ``max_correction_days``; the period runs from the applicant's
    receipt of the notice, held at the sending day while the receipt is not known. A request
    found unclear after assignment may still be sent for correction (once; late is recorded)."""
    t = _build.transition
    sources = ("registered", "accepted", "assigned")
    common = (CORRECTION_NOTICE.stop("notified_on"), REPLY.stop("notified_on"))
    guards = ("correction_once", "correction_period_within_limit")
    actions = ("note_correction_timing", "note_awaited_receipts")
    title = ("补正告知", "Request correction")
    return (
        t("request_correction", sources, "awaiting_correction", (HANDLER, REGISTRAR), title,
          guards=(*guards, "receipt_known"), data_key="correction", actions=actions,
          effects=(*common, CORRECTION.start("received_on", length_field="period_days"))),
        t("request_correction", sources, "awaiting_correction", (HANDLER, REGISTRAR), title,
          guards=(*guards, "receipt_not_known"), data_key="correction", actions=actions,
          effects=(*common, CORRECTION.start("notified_on", length_field="period_days"),
                   CORRECTION.pause("notified_on"))),
        t("receive_correction", "awaiting_correction", "accepted", REGISTRAR,
          ("收到补正", "Receive correction"), data_key="corrected",
          actions=("note_awaited_receipts", "count_revision"),
          effects=(CORRECTION.stop("received_on"), REPLY.restart("received_on"))),
        t("correction_lapsed", "awaiting_correction", "closed", (SYSTEM, REGISTRAR),
          ("逾期未补正", "Correction lapsed"), guards="correction_period_over",
          data_key="lapse", actions=("set_outcome", "note_awaited_receipts")),
    )


def _consultation_transitions() -> tuple[Transition, ...]:
    """条例 32, 34: one period per party from its own receipt (a clock family); opinions party by
    party; the request returns to ``assigned`` (and the reply period counts on, 条例 33) once
    every party has answered or its period ended."""
    t = _build.transition
    answered = CONSULTATION_MEMBERS.stop("on", key_field="party", each="answered")
    lapsed = CONSULTATION_MEMBERS.stop("on", key_field="party")
    opinions, lapse = ("收到意见", "Receive opinions"), ("征求意见逾期", "Consultation lapsed")
    return (
        t("consult", "assigned", "consulting", HANDLER, ("征求意见", "Consult"),
          guards="party_kinds_unchanged", data_key="consultation",
          actions="open_consultation",
          effects=(REPLY.pause("sent_on"),
                   CONSULTATION_MEMBERS.start("on", key_field="party", each="letters"),
                   CONSULTATION_MEMBERS.pause("on", key_field="party",
                                              each="awaiting_receipt"))),
        t("receive_opinions", "consulting", None, HANDLER, opinions,
          guards=("opinions_from_open_parties", "others_still_awaited"), merge_data=False,
          actions="record_opinions", effects=answered),
        t("receive_opinions", "consulting", "assigned", HANDLER, opinions,
          guards=("opinions_from_open_parties", "consultation_complete"), merge_data=False,
          actions="record_opinions",
          effects=(answered, CONSULTATION_MEMBERS.stop("received_on"),
                   REPLY.resume("received_on"))),
        t("consultation_lapsed", "consulting", None, SYSTEM, lapse,
          guards=("lapse_of_an_open_period", "consultation_period_over",
                  "others_still_awaited"), merge_data=False,
          actions="note_lapsed_consultation", effects=lapsed),
        t("consultation_lapsed", "consulting", "assigned", SYSTEM, lapse,
          guards=("lapse_of_an_open_period", "consultation_period_over",
                  "consultation_complete"), merge_data=False,
          actions="note_lapsed_consultation",
          effects=(lapsed, CONSULTATION_MEMBERS.stop("on"), REPLY.resume("on"))),
    )


def _fee_transitions(fee_pauses_reply: bool) -> tuple[Transition, ...]:
    """国办函〔2020〕109号: the notice is sent within the reply period; the applicant has 20
    working days from the day after receiving it, held at the sending day while the receipt is
    not known."""
    fee_pause = (REPLY.pause("notified_on"),) if fee_pauses_reply else ()
    fee_resume = (REPLY.resume("paid_on"),) if fee_pauses_reply else ()
    t = _build.transition
    title = ("收费通知", "Notify fee")
    return (
        t("notify_fee", "assigned", "awaiting_fee", HANDLER, title,
          guards=("fee_notice_within_reply_period", "receipt_known"), data_key="fee",
          actions="note_awaited_receipts",
          effects=(*fee_pause, FEE_PAYMENT.start("received_on"))),
        t("notify_fee", "assigned", "awaiting_fee", HANDLER, title,
          guards=("fee_notice_within_reply_period", "receipt_not_known"), data_key="fee",
          actions="note_awaited_receipts",
          effects=(*fee_pause, FEE_PAYMENT.start("notified_on"), FEE_PAYMENT.pause("notified_on"))),
        t("receive_payment", "awaiting_fee", "assigned", REGISTRAR, ("收到缴费", "Receive payment"),
          data_key="payment", actions="note_awaited_receipts",
          effects=(FEE_PAYMENT.stop("paid_on"), *fee_resume)),
        t("fee_lapsed", "awaiting_fee", "closed", SYSTEM, ("逾期未缴费", "Fee lapsed"),
          guards="fee_period_over", data_key="lapse",
          actions=("set_outcome", "note_awaited_receipts")),
    )


def _receipt_transitions() -> tuple[Transition, ...]:
    """送达回证: the day a notice reached its recipient, learnt after it was sent; the period
    then runs from that day (条例 30, 32, 34; 国办函〔2020〕109号)."""
    def record(state: str, effect: ClockEffect) -> Transition:
        return _build.transition(
            "record_receipt", state, None, (HANDLER, REGISTRAR), ("登记送达回证", "Record receipt"),
            guards="receipt_awaited", merge_data=False, actions="record_receipt", effects=effect)

    return (
        record("consulting", CONSULTATION_MEMBERS.resume("received_on", key_field="party")),
        record("awaiting_fee", FEE_PAYMENT.resume("received_on")),
        record("awaiting_correction", CORRECTION.resume("received_on")),
    )


def definition(version: int = 1, *, fee_pauses_reply: bool = True,
               register_number_template: str | None = None,
               max_correction_days: int = 15, convenience_required: bool = True,
               reasons_days: int = REASONS_DAYS,
               review_threshold: tuple[int, int, int] = (3, 5, 365)) -> WorkflowDefinition:
    """The disclosure request definition.

    ``review_threshold``: (distinct applicants, requests, window in calendar days) at which the
    requests naming a non-public document open a re-review round at once (条例 44; the source
    document gives no numbers, so these are the agency's).

    ``fee_pauses_reply``: whether the time from fee notice to payment is left out of the reply
    period (the text at hand does not settle it; on by default). ``register_number_template``:
    the agency's own register number template (登记号, checked here), else the default.
    ``max_correction_days``: the longest correction period the agency sets (条例 30 "reasonable";
    national guidance: generally at most 15 working days), 1 to 60.
    ``waiting_field`` (a setting, not a parameter) names the data field listing the notices
    whose receipt is awaited, for worklists to show; ``personal_data`` (likewise) lists the
    paths of personal data that listings mask (:data:`PERSONAL_DATA`).
    ``convenience_required``: whether the four cases of the source document (does not exist,
    not held, must be newly made, still unclear after correction) must carry a convenience
    reply (便民答复); off follows the source's "视情". ``reasons_days``: the working days the
    applicant has to give reasons (条例 35), after which ``reasons_lapsed`` records none given;
    at least 1. Raises ``ValueError`` for a setting out of range.
    """
    Threshold(*review_threshold)  # raises ValueError for a threshold out of range
    if not 1 <= max_correction_days <= MAX_CORRECTION_PERIOD_DAYS:
        raise ValueError(f"max_correction_days must be 1 to {MAX_CORRECTION_PERIOD_DAYS}, "
                         f"got {max_correction_days}")
    if isinstance(reasons_days, bool) or not isinstance(reasons_days, int) or reasons_days < 1:
        raise ValueError(f"reasons_days must be a whole number of working days, at least 1 "
                         f"(条例 35), got {reasons_days!r}")
    settings: dict[str, object] = {"bound_roles": {APPLICANT: APPLICANT_ID},
                                   "fee_pauses_reply": fee_pauses_reply,
                                   "label_field": "register_number",
                                   "max_correction_days": max_correction_days,
                                   "personal_data": list(PERSONAL_DATA),
                                   "waiting_field": "awaiting_receipt",
                                   "convenience_required": convenience_required,
                                   "reasons_days": reasons_days,
                                   "review_threshold": list(review_threshold)}
    if register_number_template:
        settings["register_number_template"] = validate_template(register_number_template)
    transitions = _transitions(fee_pauses_reply)
    if not convenience_required:
        transitions = tuple(map(_convenience_optional, transitions))
    return WorkflowDefinition(
        name=NAME, version=version, title=Title("依申请公开", "Disclosure request"),
        states=STATES, transitions=transitions,
        clocks=(*CLOCKS, replace(REASONS_CLOCK, length=reasons_days)),
        roles=(REGISTRAR, HANDLER, OFFICE_HEAD, LEADER, APPLICANT, SECRECY_REVIEWER),
        start_trigger="register",
        description="依申请公开办理流程 (source document 四(一); 条例 29–45).",
        settings=settings)
