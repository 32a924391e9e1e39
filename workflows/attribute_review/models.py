"""Trigger data of the attribute re-review (公开属性复核) and of its yearly round opener.

Field names are fixed (issue 10, section 3): agency systems send them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from workflows.common.fields import (
    Date,
    LapseData,
    OptionalText,
    PlannedDate,
    Text,
    TriggerData,
)

REASONS = ("yearly", "threshold", "circumstances_changed")
"""Why a round opened: the December round, the request threshold (条例 44), or changed
circumstances (条例 18)."""
LEVELS = ("secret", "confidential", "top_secret")
"""秘密, 机密, 绝密 (保守国家秘密法 2024 第十三条)."""


class OpenReview(TriggerData):
    """``open_review``: the document (文号), the round's label (e.g. ``"2024"``), why it opens,
    and optionally a due date other than 31 December of the year it opens."""

    doc_number: Text
    round: Text
    reason: Literal["yearly", "threshold", "circumstances_changed"]
    due_on: PlannedDate | None = None


class ProposeRetain(TriggerData):
    """``propose_retain``: the legal basis (an article of 条例 14–16) and the reasons."""

    attribute_basis: Text
    attribute_reasons: Text


class ProposeConversion(TriggerData):
    """``propose_conversion``: why the document can now be made public (条例 18, 44)."""

    reasons: Text


class ProposeClassification(TriggerData):
    """``propose_classification``: level, period (保密期限) and scope (知悉范围) of the secret
    (保守国家秘密法 2024 第十六、十九、二十条)."""

    level: Literal["secret", "confidential", "top_secret"]
    period: Text
    scope: Text


class AuditReturn(TriggerData):
    """``audit_return``: the office's comments to the drafting division."""

    comments: Text


class Decision(TriggerData):
    """``approve_proposal`` / ``approve_classification``: optional notes."""

    notes: OptionalText = None


class OpenRound(TriggerData):
    """``open_round``: the occurrence (a Beijing date) the round belongs to; a calendar schedule
    sets it to each first working day of December."""

    occurrence: Date


MODELS: dict[str, type[BaseModel]] = {
    "open_review": OpenReview,
    "propose_retain": ProposeRetain,
    "propose_conversion": ProposeConversion,
    "propose_classification": ProposeClassification,
    "audit_return": AuditReturn,
    "approve_proposal": Decision,
    "approve_classification": Decision,
}
ROUND_MODELS: dict[str, type[BaseModel]] = {"open_round": OpenRound, "close_round": LapseData}
