"""The data each trigger of the disclosure request workflow carries (依申请公开).

One pydantic model per trigger, listed in :data:`MODELS`. The models check what a payload can
show on its own: field types, required text, the receipt date rule of 条例 31, the consistency of
a proposed outcome (:func:`outcomes.proposal_problems`), a fee notice within the standard. Rules
that depend on the request's history (a correction before ``unavailable.unclear_after_correction``,
every consulted party having answered, one extension only) are the workflow's guards.

All models are frozen and refuse unknown fields; text is stripped, and optional text left blank
counts as absent. Dates are ``datetime.date`` (ISO strings are accepted; bare numbers are not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from .fees import FEE_BASIS, FeeAssessment, FeeMethod, item_fee, page_fee
from .outcomes import Outcome, outcome, proposal_problems
from .receipt import CHANNEL_DATE_FIELDS, DATE_FIELDS, Channel, receipt_date

__all__ = [
    "MODELS",
    "Applicant",
    "ApplicantType",
    "ApproveData",
    "Channel",
    "ConsultData",
    "ConsultationLapsedData",
    "CorrectionLapsedData",
    "ExtendData",
    "FeeLapsedData",
    "FeeMethod",
    "NotifyFeeData",
    "Opinion",
    "Party",
    "PartyKind",
    "ProposeData",
    "ReceiveCorrectionData",
    "ReceiveOpinionsData",
    "ReceivePaymentData",
    "RegisterData",
    "ReplyData",
    "ReplyOnTheSpotData",
    "RequestCorrectionData",
    "ReturnForRevisionData",
    "ServeData",
    "ServiceMethod",
    "TriggerData",
    "WithdrawData",
    "validate_trigger_data",
]

MAX_CORRECTION_PERIOD_DAYS = 60
"""Upper bound on the correction period (补正期限), working days; 条例 30 asks a reasonable one."""


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _not_a_number(value: object) -> object:
    if isinstance(value, bool | int | float):
        raise ValueError("a date must be an ISO date (YYYY-MM-DD) or a date, not a number")
    return value


def _not_a_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("a count must be an integer, not a boolean")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Required text: stripped, not empty."""
OptionalText = Annotated[Text | None, BeforeValidator(_blank_to_none)]
"""Optional text: stripped; blank counts as absent (``None``)."""
Date = Annotated[dt.date, BeforeValidator(_not_a_number)]
"""A calendar date (Asia/Shanghai), given as a ``date`` or an ISO string."""
Count = Annotated[int, BeforeValidator(_not_a_bool), Field(ge=0)]
"""A non-negative whole number."""


class TriggerData(BaseModel):
    """Base of every trigger's data: frozen, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ApplicantType(StrEnum):
    """Applicant categories of the annual report (申请人情况, 国办公开办函〔2021〕30号 table 三)."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL = "commercial"
    RESEARCH = "research"
    SOCIAL_WELFARE = "social_welfare"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"


class Applicant(TriggerData):
    """The applicant (申请人): name or organisation name and contact (条例 29(1))."""

    name: Text
    type: ApplicantType
    contact: Text


class RegisterData(TriggerData):
    """登记 — record an application; every one is registered (登记制, source document 四(一)).

    ``received_on`` is the receipt date (收到申请之日, 条例 31). It may be left out and is then the
    channel's date: ``handed_in_on`` (in person), ``signed_for_on`` (post needing a signature) or
    ``confirmed_on`` (ordinary letter, online, fax). Given both, they must agree.
    """

    applicant: Applicant
    channel: Channel
    description: Text
    form: OptionalText = None
    handed_in_on: Date | None = None
    signed_for_on: Date | None = None
    confirmed_on: Date | None = None
    received_on: Date = Field(default=None, validate_default=True)

    @field_validator(*DATE_FIELDS)
    @classmethod
    def _date_of_this_channel(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        channel = info.data.get("channel")
        if value is None or channel is None:
            return value
        own_field = CHANNEL_DATE_FIELDS[channel]
        if own_field != info.field_name:
            raise ValueError(
                f"does not apply to channel {channel.value}, whose receipt date is {own_field} "
                "(条例 31)"
            )
        return value

    @field_validator("received_on", mode="wrap")
    @classmethod
    def _receipt_date(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> dt.date:
        given: dt.date | None = None if value is None else handler(value)
        channel = info.data.get("channel")
        if channel is None:
            if given is None:
                raise ValueError("cannot be derived without a valid channel (条例 31)")
            return given
        dates = {name: info.data.get(name) for name in DATE_FIELDS}
        return receipt_date(channel, given, **dates)


class RequestCorrectionData(TriggerData):
    """补正告知 — ask the applicant, once and in one notice, to correct an unclear request.

    条例 30: within 7 working days of receipt, stating what to correct and a reasonable period
    (``period_days``, working days).
    """

    items: Annotated[tuple[Text, ...], Field(min_length=1)]
    period_days: Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1)]
    notified_on: Date

    @field_validator("period_days")
    @classmethod
    def _reasonable_period(cls, value: int) -> int:
        if value > MAX_CORRECTION_PERIOD_DAYS:
            raise ValueError(
                f"a correction period of {value} working days is not a reasonable period "
                f"(条例 30); at most {MAX_CORRECTION_PERIOD_DAYS}"
            )
        return value


class ReceiveCorrectionData(TriggerData):
    """收到补正 — the corrected request arrived; the reply period counts from here (条例 30)."""

    received_on: Date


class PartyKind(StrEnum):
    """Who is consulted: a third party (第三方, 条例 32) or a co-producing agency (条例 34)."""

    THIRD_PARTY = "third_party"
    AGENCY = "agency"


class Party(TriggerData):
    """One consulted party (征求意见对象)."""

    name: Text
    kind: PartyKind


def _duplicates(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for name in names:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    return repeated


class ConsultData(TriggerData):
    """征求意见 — written consultation of third parties (条例 32) or other agencies (条例 34).

    Each party has 15 working days to answer; the reply period of 条例 33 stops meanwhile.
    Party names are unique, so answers can be matched to them.
    """

    parties: Annotated[tuple[Party, ...], Field(min_length=1)]
    sent_on: Date

    @field_validator("parties")
    @classmethod
    def _unique_parties(cls, parties: tuple[Party, ...]) -> tuple[Party, ...]:
        repeated = _duplicates(p.name for p in parties)
        if repeated:
            raise ValueError(f"party consulted more than once: {', '.join(repeated)}")
        return parties

    @property
    def party_names(self) -> frozenset[str]:
        """Names of the consulted parties."""
        return frozenset(p.name for p in self.parties)


class Opinion(TriggerData):
    """One party's answer (意见). ``good_reason`` is the agency's assessment of an objection.

    An objection (``agrees`` false) must carry the assessment, because a third party that objects
    with good reason blocks disclosure (条例 32); an agreement carries none.
    """

    party: Text
    agrees: bool
    reasons: OptionalText = None
    good_reason: bool | None = None

    @model_validator(mode="after")
    def _assessment_matches_answer(self) -> Opinion:
        if self.agrees and self.good_reason is not None:
            raise ValueError("good_reason assesses an objection; leave it out if the party agrees")
        if not self.agrees and self.good_reason is None:
            raise ValueError(
                "an objection needs good_reason: whether its reasons are good (条例 32)"
            )
        return self


class ReceiveOpinionsData(TriggerData):
    """收到意见 — the consulted parties' opinions (条例 32, 34); one opinion per party."""

    received_on: Date
    opinions: Annotated[tuple[Opinion, ...], Field(min_length=1)]

    @field_validator("opinions")
    @classmethod
    def _one_opinion_per_party(cls, opinions: tuple[Opinion, ...]) -> tuple[Opinion, ...]:
        repeated = _duplicates(o.party for o in opinions)
        if repeated:
            raise ValueError(f"more than one opinion from: {', '.join(repeated)}")
        return opinions

    @property
    def parties(self) -> frozenset[str]:
        """Names of the parties that answered."""
        return frozenset(o.party for o in self.opinions)

    @property
    def objections_with_good_reason(self) -> tuple[str, ...]:
        """Parties whose objection the agency found well-founded: they block disclosure, 条例 32."""
        return tuple(o.party for o in self.opinions if not o.agrees and o.good_reason)

    def missing(self, consulted: Iterable[str]) -> tuple[str, ...]:
        """The consulted parties, in the given order, that have not answered here."""
        answered = self.parties
        return tuple(name for name in consulted if name not in answered)


class _Lapse(TriggerData):
    on: Date | None = None


class ConsultationLapsedData(_Lapse):
    """征求意见期满 — the 15 working days passed without every answer (条例 32, 34)."""


class CorrectionLapsedData(_Lapse):
    """逾期不补正 — no correction in time: deemed abandoned (视为放弃申请, 条例 30)."""


class FeeLapsedData(_Lapse):
    """逾期未缴费 — fee not paid within 20 working days: deemed abandoned (国办函〔2020〕109号)."""


_ONE_METHOD = "one method per application (国办函〔2020〕109号 第三条)"


class NotifyFeeData(TriggerData):
    """收费通知 — the information processing fee notice (条例 42, 国办函〔2020〕109号).

    Charged by item or by page, never both: counts of the other method are refused. Where the
    counts are given, ``amount`` may not exceed the standard (it may be lower: 减免).
    """

    amount: Count
    notified_on: Date
    method: FeeMethod
    items: Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1)] | None = None
    items_this_month_before: Count | None = None
    pages: Count | None = None
    basis: OptionalText = None

    @model_validator(mode="after")
    def _one_method_within_standard(self) -> NotifyFeeData:
        if self.method is FeeMethod.BY_ITEM and self.pages is not None:
            raise ValueError(f"a fee by item cannot count pages: {_ONE_METHOD}")
        if self.method is FeeMethod.BY_PAGE and (
            self.items is not None or self.items_this_month_before is not None
        ):
            raise ValueError(f"a fee by page cannot count items: {_ONE_METHOD}")
        if self.items_this_month_before is not None and self.items is None:
            raise ValueError("items_this_month_before needs items, the count of this application")
        standard = self.assessment
        if standard is not None and self.amount > standard.amount:
            raise ValueError(
                f"amount {self.amount} exceeds the standard of {standard.amount} yuan for these "
                f"counts ({FEE_BASIS})"
            )
        return self

    @property
    def assessment(self) -> FeeAssessment | None:
        """The fee the standard gives for the stated counts, or ``None`` without counts."""
        if self.method is FeeMethod.BY_ITEM and self.items is not None:
            return item_fee(self.items_this_month_before or 0, self.items)
        if self.method is FeeMethod.BY_PAGE and self.pages is not None:
            return page_fee(self.pages)
        return None


class ReceivePaymentData(TriggerData):
    """缴费 — the applicant paid the fee (国办函〔2020〕109号)."""

    paid_on: Date


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
    """书面答复 — the written reply (书面答复制, 条例 36)."""

    replied_on: Date
    document_number: OptionalText = None
    text: OptionalText = None


class ReplyOnTheSpotData(_ProposalFields):
    """当场答复 — a reply given on the spot, with its outcome (条例 33 first paragraph)."""

    replied_on: Date


class AssignData(TriggerData):
    """批转 — route the accepted request to the handling division (承办处室, source 四(一))."""

    division: Text
    assigned_on: Date | None = None


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


MODELS: dict[str, type[BaseModel]] = {
    "register": RegisterData,
    "request_correction": RequestCorrectionData,
    "receive_correction": ReceiveCorrectionData,
    "assign": AssignData,
    "consult": ConsultData,
    "receive_opinions": ReceiveOpinionsData,
    "consultation_lapsed": ConsultationLapsedData,
    "notify_fee": NotifyFeeData,
    "receive_payment": ReceivePaymentData,
    "propose": ProposeData,
    "return_for_revision": ReturnForRevisionData,
    "approve": ApproveData,
    "extend": ExtendData,
    "reply": ReplyData,
    "reply_on_the_spot": ReplyOnTheSpotData,
    "serve": ServeData,
    "withdraw": WithdrawData,
    "correction_lapsed": CorrectionLapsedData,
    "fee_lapsed": FeeLapsedData,
}
"""The data model of each trigger, by trigger name."""


def validate_trigger_data(trigger: str, data: Mapping[str, Any] | None = None) -> BaseModel:
    """Validate ``data`` for ``trigger``; :class:`KeyError` names the known triggers."""
    try:
        model = MODELS[trigger]
    except KeyError:
        raise KeyError(
            f"no data model for trigger {trigger!r}; known: {', '.join(MODELS)}"
        ) from None
    return model.model_validate(dict(data or {}))
