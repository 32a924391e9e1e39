"""Registering a request and correcting it (登记, 补正; 条例 29–31)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from workflows.common.fields import (
    Date,
    LapseData,
    OptionalActorId,
    OptionalText,
    Text,
    TriggerData,
    not_a_bool,
)

from ..receipt import CHANNEL_DATE_FIELDS, DATE_FIELDS, Channel, receipt_date

MAX_CORRECTION_PERIOD_DAYS = 60
"""Upper bound on the correction period (补正期限) any definition may allow, working days; the
definition's own limit (``max_correction_days``, by default 15 after national guidance) is
checked by the workflow's guard."""

REGULATIONS_IN_FORCE = dt.date(2008, 5, 1)
"""The day the Regulations on Open Government Information took effect."""

MAX_EXTRA_DAYS = 120
"""Upper bound on a longer period set under 条例 35, in working days (a sanity bound)."""


class ApplicantType(StrEnum):
    """Applicant categories of the annual report (申请人情况, 国办公开办函〔2021〕30号 table 三)."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL = "commercial"
    RESEARCH = "research"
    SOCIAL_WELFARE = "social_welfare"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"


DocNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=255)]
"""A document number (文号) as the ledger holds it: stripped, at most 255 characters."""
DocNumbers = Annotated[tuple[DocNumber, ...], Field(max_length=100)]
"""The documents a request names (条例 29(2) "名称、文号"), counted in the ledger (条例 44)."""


class Applicant(TriggerData):
    """The applicant (申请人): name or organisation name and contact (条例 29(1)); ``id``, the
    actor id under which the applicant acts on the request (e.g. withdraws it) in the agency's
    system, if it has one: only that actor acts as ``applicant`` on the request."""

    name: Text
    type: ApplicantType
    contact: Text
    id: OptionalActorId = None


class RegisterData(TriggerData):
    """登记 — record an application; every one is registered (登记制, source document 四(一)).

    ``received_on`` is the receipt date (收到申请之日, 条例 31). It may be left out and is then the
    channel's date: ``handed_in_on`` (in person), ``signed_for_on`` (post needing a signature) or
    ``confirmed_on`` (ordinary letter, online, fax). Given both, they must agree.
    ``documents``: the 文号 of the documents the request names, if any; each is counted once
    for this request in the ledger (台账, 条例 44).
    """

    applicant: Applicant
    channel: Channel
    description: Text
    form: OptionalText = None
    handed_in_on: Date | None = None
    signed_for_on: Date | None = None
    confirmed_on: Date | None = None
    received_on: Date = Field(default=None, validate_default=True)
    documents: DocNumbers = ()

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
        return _since_the_regulations(receipt_date(channel, given, **dates))


def _since_the_regulations(received: dt.date) -> dt.date:
    """A request is received under the Regulations, in force since 2008-05-01 (条例 56 of the
    2007 text); an earlier date is a typing error, which would sit in every year's report as
    carried over (table 三)."""
    if received < REGULATIONS_IN_FORCE:
        raise ValueError(f"{received} is before the Regulations took effect on "
                         f"{REGULATIONS_IN_FORCE}")
    return received


class RequestCorrectionData(TriggerData):
    """补正告知 — ask the applicant, once and in one notice, to correct an unclear request.

    条例 30: within 7 working days of receipt, stating what to correct and a reasonable period
    (``period_days``, working days), counted from the applicant's receipt of the notice
    (``received_on``; left out while unknown and recorded later with ``record_receipt``).
    """

    items: Annotated[tuple[Text, ...], Field(min_length=1)]
    period_days: Annotated[int, BeforeValidator(not_a_bool), Field(ge=1)]
    notified_on: Date
    received_on: Date | None = None

    @field_validator("received_on")
    @classmethod
    def _after_sending(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        sent = info.data.get("notified_on")
        if value is not None and sent is not None and value < sent:
            raise ValueError(f"the notice sent on {sent} cannot have been received on {value}")
        return value

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


class CorrectionLapsedData(LapseData):
    """逾期不补正 — no correction in time: deemed abandoned (视为放弃申请, 条例 30)."""


class AskReasonsData(TriggerData):
    """要求说明理由 — the volume or frequency of requests clearly exceeds a reasonable range, so the
    agency asks the applicant for reasons (条例 35)."""

    asked_on: Date
    questions: Text


class ReceiveReasonsData(TriggerData):
    """收到理由说明 — the applicant's reasons and the agency's finding on them (条例 35)."""

    received_on: Date
    reasonable: bool
    explanation: OptionalText = None


class SetReplyPeriodData(TriggerData):
    """确定延迟答复的合理期限 — reasons found reasonable, but the request cannot be answered within
    the period of 条例 33: the agency sets a longer reasonable period and tells the applicant
    (条例 35)."""

    extra_days: Annotated[int, BeforeValidator(not_a_bool), Field(ge=1, le=MAX_EXTRA_DAYS)]
    reason: Text
    notified_on: Date


class AssignData(TriggerData):
    """批转 — route the accepted request to the handling division (承办处室, source 四(一))."""

    division: Text
    assigned_on: Date | None = None
