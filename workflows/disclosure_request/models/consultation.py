"""Consulting third parties and co-producing agencies (征求意见; 条例 32, 34)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from workflows.common.fields import Date, LapseData, OptionalText, Text, TriggerData


class PartyKind(StrEnum):
    """Who is consulted: a third party (第三方, 条例 32) or a co-producing agency (条例 34)."""

    THIRD_PARTY = "third_party"
    AGENCY = "agency"


class Party(TriggerData):
    """One consulted party (征求意见对象). ``received_on`` is the day it received the letter
    (条例 32, 34: its 15 working days count from then); left out while the receipt is not
    known, it is recorded later with ``record_receipt`` (送达回证)."""

    name: Text
    kind: PartyKind
    received_on: Date | None = None


class PartyDay(TriggerData):
    """One party and a day: a clock family member's key and the day its effect takes place."""

    party: Text
    on: Date


def _derived(value: object, derived: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """A list derived from the other fields: given, it must be that list (a stored payload read
    back); a different one is refused."""
    if value in (None, (), []):
        return derived
    given = value if isinstance(value, list | tuple) else [value]
    try:
        same = [PartyDay.model_validate(v) for v in given] == [PartyDay(**d) for d in derived]
    except ValueError:
        same = False
    if not same:
        raise ValueError(f"{field} is derived from the other fields; leave it out")
    return derived


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
    letters: tuple[PartyDay, ...] = Field(default=(), validate_default=True)
    awaiting_receipt: tuple[PartyDay, ...] = Field(default=(), validate_default=True)

    @field_validator("parties")
    @classmethod
    def _unique_parties(cls, parties: tuple[Party, ...]) -> tuple[Party, ...]:
        repeated = _duplicates(p.name for p in parties)
        if repeated:
            raise ValueError(f"party consulted more than once: {', '.join(repeated)}")
        return parties

    @field_validator("letters", mode="before")
    @classmethod
    def _letters(cls, value: object, info: ValidationInfo) -> list[dict[str, Any]]:
        """Derived: one period per party, from its receipt or, while that is not known, from
        the sending date, where it is held at once (``awaiting_receipt``) so no day counts."""
        sent, parties = info.data.get("sent_on"), info.data.get("parties") or ()
        for p in parties if sent is not None else ():
            if p.received_on is not None and p.received_on < sent:
                raise ValueError(f"{p.name} cannot have received the letter on {p.received_on}, "
                                 f"before it was sent on {sent}")
        derived = [] if sent is None else [{"party": p.name, "on": p.received_on or sent}
                                           for p in parties]
        return _derived(value, derived, "letters")

    @field_validator("awaiting_receipt", mode="before")
    @classmethod
    def _awaiting(cls, value: object, info: ValidationInfo) -> list[dict[str, Any]]:
        """Derived: the parties whose receipt is not known yet, with the sending date (their
        period has not started: 条例 32, 34 count from receipt)."""
        sent, parties = info.data.get("sent_on"), info.data.get("parties") or ()
        derived = [] if sent is None else [{"party": p.name, "on": sent} for p in parties
                                           if p.received_on is None]
        return _derived(value, derived, "awaiting_receipt")

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
    answered: tuple[PartyDay, ...] = Field(default=(), validate_default=True)

    @field_validator("opinions")
    @classmethod
    def _one_opinion_per_party(cls, opinions: tuple[Opinion, ...]) -> tuple[Opinion, ...]:
        repeated = _duplicates(o.party for o in opinions)
        if repeated:
            raise ValueError(f"more than one opinion from: {', '.join(repeated)}")
        return opinions

    @field_validator("answered", mode="before")
    @classmethod
    def _answered(cls, value: object, info: ValidationInfo) -> list[dict[str, Any]]:
        """Derived: each answering party with the day its answer arrived (its period ends)."""
        day, opinions = info.data.get("received_on"), info.data.get("opinions") or ()
        derived = [] if day is None else [{"party": o.party, "on": day} for o in opinions]
        return _derived(value, derived, "answered")

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


class ConsultationLapsedData(LapseData):
    """征求意见期满 — one party's 15 working days from its receipt passed without its answer
    (条例 32, 34); ``party`` is the member of the consultation clock family that ran out."""

    party: Text
