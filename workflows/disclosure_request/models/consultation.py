"""Consulting third parties and co-producing agencies (征求意见; 条例 32, 34)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from workflows.common.fields import Date, LapseData, OptionalText, Text, TriggerData


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


class ConsultationLapsedData(LapseData):
    """征求意见期满 — the 15 working days passed without every answer (条例 32, 34)."""
