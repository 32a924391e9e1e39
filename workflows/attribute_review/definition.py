"""The attribute re-review (公开属性复核) and its yearly round opener, as data.

One ``attribute_review`` instance re-reviews one non-public document in one round (条例 18, 44;
source document 一(四)): the drafting division proposes to retain the attribute (with basis and
reasons), to convert the document to active disclosure, or to have it classified; the office
audits; the 定密责任人 decides a classification (保守国家秘密法 2024 第十六、十九、二十条). The
``review`` clock is due on 31 December of the year the round opens (a setting; the source gives
no date), with reminders and the engine's overdue mark.

``attribute_review_round`` is the yearly round's opener: a calendar schedule starts one instance
per occurrence (exactly once, however many workers: the schedule's business key), whose start
action opens a review for every non-public document not already under review; it closes itself
after 31 December.
"""

from __future__ import annotations

from engine import Clock, ClockEffect, State, Title, Transition, WorkflowDefinition
from workflows.attribute_review.models import MODELS, ROUND_MODELS
from workflows.common.build import Builder, ClockOps

NAME = "attribute_review"
ROUND_NAME = "attribute_review_round"
DRAFTING_DIVISION, OFFICE, CLASSIFICATION_OFFICER, SYSTEM_ROLE = (
    "drafting_division", "office", "classification_officer", "system")
DUE_MONTH_DAY = "12-31"
"""When a round must be finished by default: 31 December of the year it opens."""
REMINDERS = (10, 5, 1)
"""Reminders, working days before the due date."""
MIN_REASONS_CHARS = 10
"""Reasons for retaining a non-public attribute shorter than this count as missing (a setting)."""

STATES = (
    State("self_review", Title("处室复核", "Self-review by the drafting division"), "initial"),
    State("office_audit", Title("办公室审核", "Office audit")),
    State("retained", Title("维持", "Attribute retained"), "terminal"),
    State("converted", Title("转为主动公开", "Converted to active disclosure"), "terminal"),
    State("classified", Title("转为涉密", "Classified"), "terminal"),
)
REVIEW = ClockOps("review")
_build = Builder(NAME, MODELS)
PROPOSALS = ("propose_retain", "propose_conversion", "propose_classification")
"""Whoever proposed in a round may not audit or approve that proposal (the office checks the
division's proposal, source document 一(四); 定密 is the 定密责任人's own decision)."""


def _transitions() -> tuple[Transition, ...]:
    t = _build.transition
    stop = REVIEW.stop()
    return (
        t("open_review", (), "self_review", (SYSTEM_ROLE, OFFICE), ("启动复核", "Open review"),
          guards=("reason_fits_opener", "document_reviewable", "not_under_review"),
          actions="open_in_ledger",
          effects=ClockEffect("review", "start", due_field="due_on")),
        t("propose_retain", "self_review", "office_audit", DRAFTING_DIVISION,
          ("提出维持意见", "Propose retaining"), guards=("basis_in_articles_14_16",
                                                   "reasons_given"),
          merge_data=False, actions="record_proposal"),
        t("propose_conversion", "self_review", "office_audit", DRAFTING_DIVISION,
          ("提出转为主动公开意见", "Propose conversion"), merge_data=False,
          actions="record_proposal"),
        t("propose_classification", "self_review", "office_audit", DRAFTING_DIVISION,
          ("提出转为涉密意见", "Propose classification"), guards="not_active_by_law",
          merge_data=False, actions="record_proposal"),
        t("audit_return", "office_audit", "self_review", OFFICE, ("退回处室", "Return"),
          merge_data=False, actions="record_return", separate_from=PROPOSALS),
        t("approve_proposal", "office_audit", "retained", OFFICE,
          ("审核同意（维持）", "Approve (retain)"), guards="proposal_is_retain",
          data_key="decision", actions="apply_retain", effects=stop, separate_from=PROPOSALS),
        t("approve_proposal", "office_audit", "converted", OFFICE,
          ("审核同意（转为主动公开）", "Approve (convert)"), guards="proposal_is_conversion",
          data_key="decision", actions="apply_conversion", effects=stop,
          separate_from=PROPOSALS),
        t("approve_classification", "office_audit", "classified", CLASSIFICATION_OFFICER,
          ("定密", "Approve classification"),
          guards=("proposal_is_classification", "not_active_by_law"),
          data_key="decision", actions="apply_classification", effects=stop,
          separate_from=PROPOSALS),
    )


def definition(version: int = 1, *, due_month_day: str = DUE_MONTH_DAY,
               reminders: tuple[int, ...] = REMINDERS,
               min_reasons_chars: int = MIN_REASONS_CHARS) -> WorkflowDefinition:
    """The re-review definition. ``due_month_day`` (``"MM-DD"``): when a round is due unless
    ``open_review`` names ``due_on``; ``reminders``: working days before it;
    ``min_reasons_chars``: reasons shorter than this count as missing (at least 1; else
    ``ValueError``)."""
    if isinstance(min_reasons_chars, bool) or not isinstance(min_reasons_chars, int) \
            or min_reasons_chars < 1:
        raise ValueError(f"min_reasons_chars must be a whole number, at least 1, "
                         f"got {min_reasons_chars!r}")
    clock = Clock("review", title=Title("复核期限", "Re-review due date"), reminders=reminders,
                  due_month_day=due_month_day)
    return WorkflowDefinition(
        name=NAME, version=version, title=Title("公开属性复核", "Attribute re-review"),
        states=STATES, transitions=_transitions(), clocks=(clock,),
        roles=(DRAFTING_DIVISION, OFFICE, CLASSIFICATION_OFFICER), start_trigger="open_review",
        description="公开属性动态调整 (条例 18, 44; source document 一(四)).",
        settings={"min_reasons_chars": min_reasons_chars, "label_field": "doc_number"})


_round = Builder(ROUND_NAME, ROUND_MODELS)


def round_definition(version: int = 1, *,
                     due_month_day: str = DUE_MONTH_DAY) -> WorkflowDefinition:
    """The yearly round's opener: ``open_round`` [system, office] opens the reviews and starts
    the ``round`` clock (due ``due_month_day``); ``close_round`` ends it, by the system when the
    clock runs out or by the office."""
    t = _round.transition
    clock = Clock("round", title=Title("年度复核期限", "Yearly round"), due_month_day=due_month_day,
                  on_expiry="close_round", expiry_date_field="on")
    return WorkflowDefinition(
        name=ROUND_NAME, version=version, title=Title("年度公开属性复核", "Yearly re-review round"),
        states=(State("open", Title("复核中", "Open"), "initial"),
                State("closed", Title("已结束", "Closed"), "terminal")),
        transitions=(
            t("open_round", (), "open", (SYSTEM_ROLE, OFFICE), ("启动年度复核", "Open round"),
              actions="open_yearly_reviews", effects=ClockOps("round").start("occurrence")),
            t("close_round", "open", "closed", (SYSTEM_ROLE, OFFICE),
              ("结束年度复核", "Close round"), guards="round_over_for_system", data_key="closing",
              effects=ClockOps("round").stop("on")),
        ),
        clocks=(clock,), roles=(OFFICE,), start_trigger="open_round",
        description="每年12月初启动依申请公开、不予公开文件的属性复核 (source document 一(四)).")
