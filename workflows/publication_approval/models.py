"""The data each trigger of the publication approval workflow carries (先审后发).

One frozen pydantic model per trigger, listed in :data:`MODELS`; unknown fields are refused and
blank optional text counts as absent. What depends on the document's history (the attribute's
basis and reasons, the review level, an earlier determination) is checked by the guards in
:mod:`workflows.publication_approval.rules`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from workflows.common.fields import Date, OptionalText, Text, TriggerData

Kind = Literal["policy", "normative", "regulation", "work_information", "other"]
"""政策文件, 行政规范性文件, 规章, 工作信息, other (the ledger's ``kind``)."""
ReviewLevel = Literal["ordinary", "important", "major"]
"""分级审核 (source document 二(一)): ordinary documents stop at the secrecy review, important
ones go on to the general office, major ones also to the leader."""
Attribute = Literal["active", "on_request", "withheld"]
"""主动公开, 依申请公开, 不予公开."""
ChannelName = Literal["website", "wechat", "press_conference", "media", "gazette", "platform"]
"""条例 23 (gazette, website and other internet government media, press conferences, newspapers,
radio and television) and 条例 24 (the unified government disclosure platform)."""
InterpretationForm = Literal["text", "chart", "video", "animation", "process_demo", "audio",
                             "qa", "other"]
"""Forms of policy interpretation (多元化解读, source document 二(二)): text alone, or charts,
video, animation, process demos and the like."""


class DraftData(TriggerData):
    """A draft and its proposed disclosure attribute (source document 一(四)).

    ``attribute`` may be left open while drafting; ``submit`` refuses a draft without one.
    ``converted_from`` names the re-review round that converted an existing document to active
    disclosure (条例 18 "变更"); only the system gives it, when that round's conversion is the
    document's last review entry (guard ``conversion_source``). ``doc_number`` (文号) is given
    when already known; one the agency's ledger already has is a duplicate.
    """

    title: Text
    drafting_division: Text
    kind: Kind
    review_level: ReviewLevel
    attribute: Attribute | None = None
    attribute_basis: OptionalText = None
    attribute_reasons: OptionalText = None
    doc_number: OptionalText = None
    converted_from: OptionalText = None


class SubmitData(TriggerData):
    """Hand the draft to the division head, optionally with a revised attribute proposal (after a
    return for revision)."""

    attribute: Attribute | None = None
    attribute_basis: OptionalText = None
    attribute_reasons: OptionalText = None


class ReviewNotes(TriggerData):
    """A review step's optional notes."""

    notes: OptionalText = None


class Signing(TriggerData):
    """The fields of the step that reaches ``approved``: the 签发/成文 date (``formed_on``, from
    which the 20 working days of 条例 26 run) and the 文号, unless given at drafting."""

    notes: OptionalText = None
    formed_on: Date | None = None
    doc_number: OptionalText = None


class PassConfidentialityData(Signing):
    """保密审查 passed (条例 17; 保守国家秘密法实施条例 第四十二条 "先审查、后公开")."""

    reviewed_on: Date


class ApproveLeaderData(Signing):
    """领导审签: the leader signs; the document is formed that day."""

    formed_on: Date


class ReferForDeterminationData(TriggerData):
    """条例 17: the agency cannot decide and asks the competent department or the secrecy
    authority."""

    authority: OptionalText = None
    referred_on: Date | None = None
    notes: OptionalText = None


class ReceiveDeterminationData(TriggerData):
    """The answer of the competent department or secrecy authority (条例 17)."""

    determination: Literal["may_publish", "not_public"]
    authority: Text
    received_on: Date


class ReturnData(TriggerData):
    """A reviewer sends the draft back with comments."""

    comments: Text


class Channel(BaseModel):
    """One release of the document on one channel."""

    model_config = {"extra": "forbid", "frozen": True}
    channel: ChannelName
    published_on: Date
    address: OptionalText = None


class PublishData(TriggerData):
    """Release on one or more channels (条例 23, 24, 26); ``published_on`` (filled in when left
    out) is the first channel's day, which stops the publication period."""

    channels: list[Channel] = Field(min_length=1)

    @field_validator("channels")
    @classmethod
    def _distinct(cls, channels: list[Channel]) -> list[Channel]:
        names = [c.channel for c in channels]
        if len(set(names)) != len(names):
            raise ValueError("each channel may be listed once")
        return channels

    published_on: Date | None = None

    @model_validator(mode="after")
    def _first_day(self) -> PublishData:
        first = min(c.published_on for c in self.channels)
        if self.published_on is not None and self.published_on != first:
            raise ValueError(f"published_on must be the first channel's day, {first}")
        object.__setattr__(self, "published_on", first)
        return self


class InterpretationData(TriggerData):
    """A policy interpretation by the drafting unit (谁起草、谁解读, source document 二(二)(三))."""

    forms: list[InterpretationForm] = Field(min_length=1)
    channels: list[ChannelName] = Field(min_length=1)
    published_on: Date


class FileData(TriggerData):
    """印发不公开: the document is issued and kept in the ledger for re-review."""

    filed_on: Date | None = None
    notes: OptionalText = None


class ReasonData(TriggerData):
    """A retraction (the published item stays on record, nothing is deleted) or an abandonment,
    with its reason."""

    reason: Text


class RepealData(TriggerData):
    """废止: a published document stops being in force on ``repealed_on`` (a Beijing date between
    its 成文 date and today), by the decision named in ``basis`` (e.g. the repealing document's
    文号); the ledger counts it under 本年废止件数 of table 二 of the annual report."""

    repealed_on: Date
    basis: Text


MODELS: dict[str, type[TriggerData]] = {
    "draft": DraftData,
    "submit": SubmitData,
    "approve_division": ReviewNotes,
    "pass_confidentiality": PassConfidentialityData,
    "refer_for_determination": ReferForDeterminationData,
    "receive_determination": ReceiveDeterminationData,
    "approve_office": Signing,
    "approve_leader": ApproveLeaderData,
    "return_for_revision": ReturnData,
    "publish": PublishData,
    "add_interpretation": InterpretationData,
    "file": FileData,
    "retract": ReasonData,
    "abandon": ReasonData,
    "repeal": RepealData,
}
