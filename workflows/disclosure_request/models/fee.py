"""The information processing fee (信息处理费; 条例 42, 国办函〔2020〕109号)."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    model_validator,
)

from workflows.common.fields import Count, Date, LapseData, OptionalText, TriggerData, not_a_bool

from ..fees import FEE_BASIS, FeeAssessment, FeeMethod, item_fee, page_fee


class FeeLapsedData(LapseData):
    """逾期未缴费 — fee not paid within 20 working days: deemed abandoned (国办函〔2020〕109号)."""


_ONE_METHOD = "one method per application (国办函〔2020〕109号 第三条)"


class NotifyFeeData(TriggerData):
    """收费通知 — the information processing fee notice (条例 42, 国办函〔2020〕109号).

    ``notified_on`` is the day it was sent (the reply period pauses from then, where the
    definition says so); ``received_on`` the day the applicant received it: the 20 working days
    to pay count from the day after (109号). Left out while unknown, it is recorded later with
    ``record_receipt``, and until then the payment period has not started.

    Charged by item or by page, never both: counts of the other method are refused. Where the
    counts are given, ``amount`` may not exceed the standard (it may be lower: 减免).
    """

    amount: Count
    notified_on: Date
    received_on: Date | None = None
    method: FeeMethod
    items: Annotated[int, BeforeValidator(not_a_bool), Field(ge=1)] | None = None
    items_this_month_before: Count | None = None
    pages: Count | None = None
    basis: OptionalText = None

    @model_validator(mode="after")
    def _one_method_within_standard(self) -> NotifyFeeData:
        if self.received_on is not None and self.received_on < self.notified_on:
            raise ValueError(f"received_on {self.received_on} is before the notice was sent on "
                             f"{self.notified_on}")
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
