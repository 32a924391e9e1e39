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

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from workflows.common.fields import TriggerData

from ..fees import FeeMethod
from ..receipt import Channel
from .consultation import (
    ConsultationLapsedData,
    ConsultData,
    Opinion,
    Party,
    PartyDay,
    PartyKind,
    ReceiveOpinionsData,
)
from .decision import (
    MAX_EXTENSION_DAYS,
    ApproveData,
    ExtendData,
    NotHeldReason,
    ProposeData,
    ProposeDataConvenienceOptional,
    ReplyData,
    ReplyOnTheSpotData,
    ReplyOnTheSpotDataConvenienceOptional,
    ReturnForRevisionData,
    ServeData,
    ServiceMethod,
    WithdrawData,
)
from .fee import FeeLapsedData, NotifyFeeData, ReceivePaymentData
from .receipt_record import Notice, RecordReceiptData
from .request import (
    MAX_CORRECTION_PERIOD_DAYS,
    Applicant,
    ApplicantType,
    AskReasonsData,
    AssignData,
    CorrectionLapsedData,
    ReceiveCorrectionData,
    ReceiveReasonsData,
    RegisterData,
    RequestCorrectionData,
    SetReplyPeriodData,
)
from .review import (
    ReasonsLapsedData,
    ReceiveDeterminationData,
    ReferForDeterminationData,
    ReviewConfidentialityData,
    ReviewResult,
)

__all__ = [
    "CONVENIENCE_OPTIONAL_MODELS",
    "MAX_CORRECTION_PERIOD_DAYS",
    "MAX_EXTENSION_DAYS",
    "MODELS",
    "Applicant",
    "ApplicantType",
    "ApproveData",
    "AskReasonsData",
    "AssignData",
    "Channel",
    "ConsultData",
    "ConsultationLapsedData",
    "CorrectionLapsedData",
    "ExtendData",
    "FeeLapsedData",
    "FeeMethod",
    "Notice",
    "NotHeldReason",
    "NotifyFeeData",
    "Opinion",
    "Party",
    "PartyDay",
    "PartyKind",
    "ProposeData",
    "ProposeDataConvenienceOptional",
    "ReasonsLapsedData",
    "ReceiveCorrectionData",
    "ReceiveDeterminationData",
    "ReceiveOpinionsData",
    "ReceiveReasonsData",
    "ReceivePaymentData",
    "RecordReceiptData",
    "ReferForDeterminationData",
    "RegisterData",
    "ReplyData",
    "ReplyOnTheSpotData",
    "ReplyOnTheSpotDataConvenienceOptional",
    "RequestCorrectionData",
    "ReturnForRevisionData",
    "ReviewConfidentialityData",
    "ReviewResult",
    "ServeData",
    "ServiceMethod",
    "SetReplyPeriodData",
    "TriggerData",
    "WithdrawData",
    "validate_trigger_data",
]

MODELS: dict[str, type[BaseModel]] = {
    "register": RegisterData,
    "request_correction": RequestCorrectionData,
    "receive_correction": ReceiveCorrectionData,
    "assign": AssignData,
    "ask_reasons": AskReasonsData,
    "receive_reasons": ReceiveReasonsData,
    "set_reply_period": SetReplyPeriodData,
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
    "record_receipt": RecordReceiptData,
    "review_confidentiality": ReviewConfidentialityData,
    "refer_for_determination": ReferForDeterminationData,
    "receive_determination": ReceiveDeterminationData,
    "reasons_lapsed": ReasonsLapsedData,
}
"""The data model of each trigger, by trigger name."""

CONVENIENCE_OPTIONAL_MODELS: dict[str, type[BaseModel]] = {
    "propose_convenience_optional": ProposeDataConvenienceOptional,
    "reply_on_the_spot_convenience_optional": ReplyOnTheSpotDataConvenienceOptional,
}
"""The models a definition with ``convenience_required`` off names instead (便民答复 视情), by
the name they are registered under."""


def validate_trigger_data(trigger: str, data: Mapping[str, Any] | None = None) -> BaseModel:
    """Validate ``data`` for ``trigger``; :class:`KeyError` names the known triggers."""
    try:
        model = MODELS[trigger]
    except KeyError:
        raise KeyError(
            f"no data model for trigger {trigger!r}; known: {', '.join(MODELS)}"
        ) from None
    return model.model_validate(dict(data or {}))
