"""Deciding, extending, replying, serving and withdrawing (条例 33, 36–39; source 四(一)(二))."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)

from workflows.common.fields import Date, OptionalText, Text, TriggerData

from ..outcomes import Outcome, outcome, proposal_problems

_CHECKED_PROPOSAL_FIELDS = ("legal_basis", "convenience", "withheld_parts", "public_interest")


class _ProposalFields(TriggerData):
    """The fields of a proposed outcome, checked with :func:`outcomes.proposal_problems`."""

    outcome: Text
    reasons: Text
    legal_basis: OptionalText = Field(default=None, validate_default=True)
    convenience: OptionalText = Field(default=None, validate_default=True)
    responsible_agency: OptionalText = None
    withheld_parts: tuple[Text, ...] = Field(default=(), validate_default=True)
    public_interest: OptionalText = Field(default=None, validate_default=True)

    @field_validator("outcome")
    @classmethod
    def _known_proposable_outcome(cls, code: str) -> str:
        problems = proposal_problems(outcome(code)).get("outcome")
        if problems:
            raise ValueError("; ".join(problems))
        return code

    @field_validator(*_CHECKED_PROPOSAL_FIELDS)
    @classmethod
    def _consistent_with_outcome(cls, value: Any, info: ValidationInfo) -> Any:
        code = info.data.get("outcome")
        if code is None:
            return value
        field = info.field_name
        if field is None:
            return value
        problems = proposal_problems(code, **{field: value}).get(field)
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @property
    def outcome_info(self) -> Outcome:
        """The catalogue entry of the chosen outcome."""
        return outcome(self.outcome)


class ProposeData(_ProposalFields):
    """提出办理意见 — the handling division proposes an outcome (source document 四(一)).

    Withheld outcomes need ``legal_basis`` (条例 36(3)); partial disclosure needs
    ``withheld_parts`` and ``legal_basis`` (条例 37); ``unavailable.*`` needs ``convenience``
    (便民答复); ``responsible_agency`` names the holder for ``unavailable.not_held`` where known
    (条例 36(5)); ``public_interest`` records a finding that withholding would seriously harm the
    public interest (条例 15, 32).
    """


class ReturnForRevisionData(TriggerData):
    """退回修改 — the reviewer sends the proposal back with instructions."""

    instructions: Text


class ApproveData(TriggerData):
    """批示同意 — the leader in charge approves the proposal (报请分管厅领导批示, source 四(一))."""

    comments: OptionalText = None


class ExtendData(TriggerData):
    """延期答复 — extend the reply period once, by at most 20 working days (条例 33).

    Needs the consent of the head of the disclosure office, a reason, and the date the applicant
    was told.
    """

    reason: Text
    notified_on: Date


class ReplyData(TriggerData):
    """书面答复 — the written reply (书面答复制, 条例 36).

    ``third_party_notified_on``: the day the third party was told in writing that the
    information is disclosed over its objection on public-interest grounds (条例 15, 32).
    """

    replied_on: Date
    document_number: OptionalText = None
    text: OptionalText = None
    third_party_notified_on: Date | None = None


class ReplyOnTheSpotData(_ProposalFields):
    """当场答复 — a reply given on the spot, with its outcome (条例 33 first paragraph)."""

    replied_on: Date


class ServiceMethod(StrEnum):
    """How the reply is served (送达方式)."""

    IN_PERSON = "in_person"
    POST = "post"
    EMAIL = "email"
    ONLINE = "online"
    FAX = "fax"
    OTHER = "other"


class ServeData(TriggerData):
    """送达 — the reply is delivered to the applicant (source document 四(一))."""

    served_on: Date
    method: ServiceMethod


class WithdrawData(TriggerData):
    """撤回申请 — the applicant withdraws the request."""

    reason: OptionalText = None
    withdrawn_on: Date
