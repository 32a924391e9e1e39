"""Recording a receipt learnt later (送达回证): the day a notice reached its recipient.

条例 30 (correction), 32 and 34 (consultation) and 国办函〔2020〕109号 (fee) count the
recipient's period from the day it *received* the notice. When that day is not known as the
notice is sent (a posted letter), ``record_receipt`` records it once the proof of service comes
back; until then the period has not started and cannot lapse.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import model_validator

from workflows.common.fields import Date, OptionalText, TriggerData


class Notice(StrEnum):
    """The notices whose period runs from their receipt."""

    CONSULTATION = "consultation"
    FEE = "fee"
    CORRECTION = "correction"


class RecordReceiptData(TriggerData):
    """送达回证 — ``notice`` reached its recipient on ``received_on``; ``party`` names the
    consulted party for a consultation letter (and only then)."""

    notice: Notice
    party: OptionalText = None
    received_on: Date

    @model_validator(mode="after")
    def _party_for_consultation_only(self) -> RecordReceiptData:
        if self.notice is Notice.CONSULTATION and self.party is None:
            raise ValueError("a consultation letter's receipt names the party that received it")
        if self.notice is not Notice.CONSULTATION and self.party is not None:
            raise ValueError(f"party is for consultation letters; a {self.notice.value} notice "
                             "goes to the applicant")
        return self
