"""The publication approval workflow (先审后发) as data: states, triggers, roles and the period.

Source document 一(四) (the disclosure attribute set with the draft, 不予发文 without it) and
二(一)–(三) (分级分类审核, 先审后发, 谁起草、谁解读); 条例 17 (保密审查), 19–20 (active
disclosure), 23–24 (channels) and 26 (20 working days from forming or change).
"""

from __future__ import annotations

from engine import Clock, State, Title, Transition, WorkflowDefinition
from workflows.common.build import Builder, ClockOps
from workflows.publication_approval.models import MODELS

NAME = "publication_approval"
DRAFTER, DIVISION_HEAD, SECRECY_REVIEWER, OFFICE, LEADER = (
    "drafter", "division_head", "secrecy_reviewer", "office", "leader")
MIN_REASONS_CHARS = 10
"""Default shortest attribute reasons, in characters, that count as reasons (a setting)."""
PUBLICATION_DAYS = 20
"""条例 26: working days from forming (签发/成文) or change to publication."""

STATES = (
    State("drafting", Title("起草", "Drafting"), "initial"),
    State("division_review", Title("处室审核", "Division review")),
    State("confidentiality_review", Title("保密审查", "Confidentiality review (条例 17)")),
    State("awaiting_determination", Title("待有关部门确定",
                                          "Awaiting a determination (条例 17)")),
    State("office_review", Title("办公室审核", "General office review")),
    State("leader_approval", Title("领导审签", "Leader approval")),
    State("approved", Title("已签发", "Approved")),
    State("published", Title("已发布", "Published")),
    State("filed", Title("已印发不公开", "Issued, not public"), "terminal"),
    State("retracted", Title("已撤回", "Retracted"), "terminal"),
    State("repealed", Title("已废止", "Repealed"), "terminal"),
    State("abandoned", Title("已撤销", "Abandoned"), "terminal"),
)
BEFORE_APPROVAL = ("drafting", "division_review", "confidentiality_review",
                   "awaiting_determination", "office_review", "leader_approval")
CLOCKS = (Clock("publication", PUBLICATION_DAYS, title=Title("公开期限", "Publication (条例 26)"),
                reminders=(5, 2)),)
PUBLICATION = ClockOps("publication")
DRAFTING = ("draft", "submit")
"""The drafter's triggers: whoever fired them fires no review, approval or publish step on the
same document (source document 二(一); the drafter does not approve their own document)."""
SIGNED = ("formed_and_numbered", "record_approval")
SYSTEM = "system"
"""The engine's role: a re-review that converts a document starts its publication."""
_build = Builder(NAME, MODELS)


def _signing(trigger: str, source: str, role: str, title: tuple[str, str],
             level: tuple[str, ...], data_key: str) -> tuple[Transition, ...]:
    """The step that reaches ``approved`` for documents of ``level``: an active document starts
    its 20 working days from ``formed_on`` (条例 26), unless it was converted to active
    disclosure by a re-review, whose period already runs from the conversion (条例 26 "变更",
    started by ``draft``); a non-public one starts none.

    The engine reports the first guard that refused, so the guards common to every signing route
    (date and 文号) come before the attribute routing ones (the refusal then names the real
    problem)."""
    t = _build.transition
    return (
        t(trigger, source, "approved", role, title,
          guards=(*level, SIGNED[0], "active", "not_converted"), data_key=data_key,
          actions=SIGNED[1], effects=PUBLICATION.start("formed_on"), separate_from=DRAFTING),
        t(trigger, source, "approved", role, title,
          guards=(*level, SIGNED[0], "active", "converted"), data_key=data_key,
          actions=SIGNED[1], separate_from=DRAFTING),
        t(trigger, source, "approved", role, title, guards=(*level, SIGNED[0], "non_public"),
          data_key=data_key, actions=SIGNED[1], separate_from=DRAFTING),
    )


def _review_transitions() -> tuple[Transition, ...]:
    """分级分类审核 (source document 二(一)): division, secrecy review (条例 17), then by level."""
    t = _build.transition
    passed = ("保密审查通过", "Pass confidentiality review")
    office = ("办公室审核通过", "Office approval")
    return (
        t("approve_division", "division_review", "confidentiality_review", DIVISION_HEAD,
          ("处室审核通过", "Division approval"), data_key="division_review",
          separate_from=DRAFTING),
        *_signing("pass_confidentiality", "confidentiality_review", SECRECY_REVIEWER, passed,
                  ("determination_allows", "ordinary"), "confidentiality_review"),
        t("pass_confidentiality", "confidentiality_review", "office_review", SECRECY_REVIEWER,
          passed, guards=("determination_allows", "graded"), data_key="confidentiality_review",
          separate_from=DRAFTING),
        t("refer_for_determination", "confidentiality_review", "awaiting_determination",
          SECRECY_REVIEWER, ("报请有关部门确定", "Refer for determination"),
          data_key="determination_referral", separate_from=DRAFTING),
        t("receive_determination", "awaiting_determination", "confidentiality_review",
          SECRECY_REVIEWER, ("收到确定意见", "Receive determination"), data_key="determination",
          guards="received_by_today", separate_from=DRAFTING),
        *_signing("approve_office", "office_review", OFFICE, office, ("important",),
                  "office_review"),
        t("approve_office", "office_review", "leader_approval", OFFICE, office, guards="major",
          data_key="office_review", separate_from=DRAFTING),
        *_signing("approve_leader", "leader_approval", LEADER, ("领导签发", "Leader approval"),
                  (), "leader_approval"),
    )


def _returns() -> tuple[Transition, ...]:
    """A reviewer of the current step sends the draft back (退回修改)."""
    title = ("退回修改", "Return for revision")
    return tuple(
        _build.transition("return_for_revision", state, "drafting", role, title,
                          data_key="revision", actions="count_return", separate_from=DRAFTING)
        for state, role in (("division_review", DIVISION_HEAD),
                            ("confidentiality_review", SECRECY_REVIEWER),
                            ("office_review", OFFICE), ("leader_approval", LEADER)))


def _transitions() -> tuple[Transition, ...]:
    t = _build.transition
    return (
        t("draft", (), "drafting", (DRAFTER, SYSTEM), ("起草", "Draft"),
          guards="conversion_source", actions="record_draft",
          effects=PUBLICATION.start(when_field="converted_from")),
        t("submit", "drafting", "division_review", DRAFTER, ("提交审核", "Submit"),
          guards=("keeps_conversion", "attribute_complete"), actions="record_attribute"),
        *_review_transitions(),
        *_returns(),
        t("publish", "approved", "published", OFFICE, ("发布", "Publish"),
          guards="active", data_key="publication", actions="record_publication",
          effects=PUBLICATION.stop("published_on"), separate_from=DRAFTING),
        t("add_interpretation", ("approved", "published"), None, DRAFTER,
          ("政策解读", "Add interpretation"), merge_data=False,
          guards=("active", "interpretation_dated"), actions="record_interpretation"),
        t("file", "approved", "filed", OFFICE, ("印发不公开", "File (not public)"),
          guards="non_public", data_key="filing", actions="record_filing",
          separate_from=DRAFTING),
        t("retract", "published", "retracted", (OFFICE, LEADER), ("撤回", "Retract"),
          data_key="retraction", actions="record_retraction", separate_from=DRAFTING),
        t("repeal", "published", "repealed", (OFFICE, LEADER), ("废止", "Repeal"),
          guards="repeal_dated", data_key="repeal", actions="record_repeal"),
        t("abandon", BEFORE_APPROVAL, "abandoned", (DRAFTER, OFFICE), ("撤销", "Abandon"),
          guards="abandonable", data_key="abandonment", actions="record_abandonment"),
    )


def definition(version: int = 1, *, min_reasons_chars: int = MIN_REASONS_CHARS
               ) -> WorkflowDefinition:
    """The publication approval definition.

    ``min_reasons_chars``: attribute reasons shorter than this many characters (after stripping)
    count as missing (source document 一(四): a non-public attribute needs its reasons), at least
    1. Raises ``ValueError`` for a setting out of range.
    """
    if (isinstance(min_reasons_chars, bool) or not isinstance(min_reasons_chars, int)
            or min_reasons_chars < 1):
        raise ValueError(f"min_reasons_chars must be a whole number of characters, at least 1, "
                         f"got {min_reasons_chars!r}")
    return WorkflowDefinition(
        name=NAME, version=version, title=Title("先审后发", "Publication approval"),
        states=STATES, transitions=_transitions(), clocks=CLOCKS,
        roles=(DRAFTER, DIVISION_HEAD, SECRECY_REVIEWER, OFFICE, LEADER),
        start_trigger="draft",
        description="公文公开属性与发布审核 (source document 一(四), 二(一)–(三); 条例 17, 26).",
        settings={"min_reasons_chars": min_reasons_chars, "label_field": "doc_number"})
