"""Deciding, extending, replying, serving and withdrawing (条例 33, 36–39; source 四(一)(二))."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)

from workflows.common.fields import Date, OptionalText, Text, TriggerData, not_a_bool

from ..outcomes import Outcome, outcome, proposal_problems
from .request import DocNumbers

_CHECKED_PROPOSAL_FIELDS = ("legal_basis", "convenience", "withheld_parts", "public_interest",
                            "not_held_reason", "search_record", "responsible_agency")

MAX_EXTENSION_DAYS = 20
"""条例 33: the reply period is extended by at most ("最长不得超过") 20 working days."""


class NotHeldReason(StrEnum):
    """Why the agency does not hold the information (``unavailable.not_held``)."""

    DOES_NOT_EXIST = "does_not_exist"
    """条例 36(4): the information does not exist (the agency shows how it searched)."""
    NOT_THIS_AGENCY = "not_this_agency"
    """条例 36(5): another agency's information (named where it can be determined)."""


class _ProposalFields(TriggerData):
    """The fields of a proposed outcome, checked with :func:`outcomes.proposal_problems`.

    ``CONVENIENCE_REQUIRED`` is the definition setting ``convenience_required`` the model
    serves (a definition with the setting off names the ``*_convenience_optional`` models).
    """

    CONVENIENCE_REQUIRED: ClassVar[bool] = True

    outcome: Text
    reasons: Text
    legal_basis: OptionalText = Field(default=None, validate_default=True)
    convenience: OptionalText = Field(default=None, validate_default=True)
    withheld_parts: tuple[Text, ...] = Field(default=(), validate_default=True)
    public_interest: OptionalText = Field(default=None, validate_default=True)
    not_held_reason: NotHeldReason | None = Field(default=None, validate_default=True)
    search_record: OptionalText = Field(default=None, validate_default=True)
    responsible_agency: OptionalText = Field(default=None, validate_default=True)

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
        given = {field: value}
        if field in ("search_record", "responsible_agency"):
            given["not_held_reason"] = info.data.get("not_held_reason")
        problems = proposal_problems(code, **given,
                                     convenience_required=cls.CONVENIENCE_REQUIRED).get(field)
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
    (便民答复, unless the definition's ``convenience_required`` is off); ``unavailable.not_held``
    needs ``not_held_reason``: ``does_not_exist`` with ``search_record`` (条例 36(4)) or
    ``not_this_agency``, naming the holder in ``responsible_agency`` where it can be determined
    (条例 36(5)); disclosing needs a confidentiality review on record first (条例 17, the
    workflow's guard); ``public_interest`` records a finding that withholding would seriously
    harm the public interest (条例 15, 32). ``documents``: the 文号 of documents the request
    turned out to concern, counted in the ledger (条例 44) unless this request already named
    them.
    """

    documents: DocNumbers = ()


class ReturnForRevisionData(TriggerData):
    """退回修改 — the reviewer sends the proposal back with instructions."""

    instructions: Text


class ApproveData(TriggerData):
    """批示同意 — the leader in charge approves the proposal (报请分管厅领导批示, source 四(一))."""

    comments: OptionalText = None


class ExtendData(TriggerData):
    """延期答复 — extend the reply period once, by at most 20 working days (条例 33).

    Needs the consent of the head of the disclosure office, a reason, and the date the applicant
    was told. ``days``: the working days added, 1 to 20 ("最长不得超过二十个工作日"), 20 unless
    the agency needs fewer.
    """

    reason: Text
    notified_on: Date
    days: Annotated[int, BeforeValidator(not_a_bool),
                    Field(ge=1, le=MAX_EXTENSION_DAYS)] = MAX_EXTENSION_DAYS


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
    """当场答复 — a reply given on the spot, with its outcome (条例 33 first paragraph); dated on
    the day the request was received (当场), which the workflow's guard checks. Information the
    agency has already made public may be answered on the spot with where to find it
    (``already_public``, ``where_published``: 条例 36(1))."""

    replied_on: Date
    already_public: bool = False
    where_published: OptionalText = None


class ProposeDataConvenienceOptional(ProposeData):
    """:class:`ProposeData` for a definition whose ``convenience_required`` is off (视情)."""

    CONVENIENCE_REQUIRED: ClassVar[bool] = False


class ReplyOnTheSpotDataConvenienceOptional(ReplyOnTheSpotData):
    """:class:`ReplyOnTheSpotData` for a definition whose ``convenience_required`` is off."""

    CONVENIENCE_REQUIRED: ClassVar[bool] = False


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
