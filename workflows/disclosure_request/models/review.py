"""The confidentiality review of what is to be disclosed (保密审查, 条例 17), and the lapse of the
applicant's period for giving reasons (条例 35)."""

from __future__ import annotations

from enum import StrEnum

from workflows.common.fields import Date, LapseData, OptionalText, Text, TriggerData


class ReviewResult(StrEnum):
    """What a confidentiality review found about the information to be disclosed."""

    CLEAR = "clear"
    """No state secret or other bar to disclosure: it may be disclosed."""
    WITHHOLD = "withhold"
    """It must not be disclosed (e.g. a state secret, 条例 14)."""


class ReviewConfidentialityData(TriggerData):
    """保密审查 — the secrecy reviewer checks the information before it is disclosed (条例 17;
    保守国家秘密法实施条例 第四十二条 "先审查、后公开"). ``reviewed_on`` is the review's date
    (Beijing)."""

    result: ReviewResult
    reviewed_on: Date
    notes: OptionalText = None


class ReferForDeterminationData(TriggerData):
    """报请确定 — the agency cannot decide whether the information may be disclosed and asks the
    competent department or the secrecy authority (``authority``; 条例 17)."""

    referred_on: Date
    authority: Text
    question: Text


class ReceiveDeterminationData(TriggerData):
    """收到确定意见 — the competent department's or secrecy authority's answer (条例 17); it is the
    request's confidentiality review from then on."""

    received_on: Date
    result: ReviewResult
    notes: OptionalText = None


class ReasonsLapsedData(LapseData):
    """逾期未说明理由 — the applicant gave no reasons within the period the agency set (条例 35);
    ``on`` is its last day."""
