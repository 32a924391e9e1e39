"""The consultation record (征求意见记录): every round, every party, every answer, kept for good.

条例 32 and 34 give each consulted party 15 working days from the day *it* received the letter;
条例 15 and 32 make a third party's well-founded objection block disclosure unless the agency
finds that withholding would seriously harm the public interest, and then tells the third party
in writing. So an answer, once given, is never lost: opinions may arrive party by party, a lapse
marks as silent only the parties that did not answer, and a second round adds to the record.

The record is the instance's ``consultations`` list, one round per ``consult``::

    {"sent_on": "2025-11-03",
     "parties": [{"name": "甲公司", "kind": "third_party", "received_on": "2025-11-06",
                  "answer": {"agrees": false, "good_reason": true, "reasons": "...",
                             "received_on": "2025-11-26"}},
                 {"name": "某局", "kind": "agency",
                  "silent": {"on": "2025-11-24", "effect": "deemed_to_agree"}}]}

A party is *open* while it has neither an answer nor a silence in the current (last) round. The
functions here are pure: they take and return plain JSON-ready data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "RECORD",
    "current_round",
    "new_round",
    "open_parties",
    "recorded_kinds",
    "party_entry",
    "standing_objections",
    "with_answers",
    "with_receipt",
    "with_silence",
]

RECORD = "consultations"
"""The instance data field holding the consultation rounds."""

SILENCE_EFFECT = {"third_party": "agency_decides", "agency": "deemed_to_agree"}
"""What silence means (条例 32: a silent third party leaves the decision to the agency; 条例 34:
a co-producing agency that does not answer in time is deemed to agree)."""


def new_round(consult: Mapping[str, Any]) -> dict[str, Any]:
    """A round from the ``consult`` data: the sending date and each party as written to."""
    parties = []
    for p in consult["parties"]:
        entry = {"name": p["name"], "kind": p["kind"]}
        if p.get("received_on"):
            entry["received_on"] = p["received_on"]
        parties.append(entry)
    return {"sent_on": consult["sent_on"], "parties": parties}


def current_round(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The latest round, or ``None`` before any consultation."""
    rounds = data.get(RECORD) or ()
    return rounds[-1] if rounds else None


def party_entry(round_: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """The round's entry for the party ``name``, or ``None`` if it was not consulted in it."""
    return next((p for p in round_["parties"] if p["name"] == name), None)


def open_parties(round_: Mapping[str, Any], done: Iterable[str] = ()) -> list[str]:
    """The round's parties, in letter order, that have neither answered nor fallen silent (and
    are not in ``done``, those the event at hand settles)."""
    settled = set(done)
    return [p["name"] for p in round_["parties"]
            if "answer" not in p and "silent" not in p and p["name"] not in settled]


def _replace_round(data: Mapping[str, Any], round_: dict[str, Any]) -> list[dict[str, Any]]:
    rounds = list(data.get(RECORD) or ())
    rounds[-1] = round_
    return rounds


def _updated(round_: Mapping[str, Any], name: str, **fields: Any) -> dict[str, Any]:
    parties = [({**p, **fields} if p["name"] == name else dict(p)) for p in round_["parties"]]
    return {**round_, "parties": parties}


def with_answers(data: Mapping[str, Any], opinions: Sequence[Mapping[str, Any]],
                 received_on: str) -> list[dict[str, Any]]:
    """The rounds with ``opinions`` (arrived on ``received_on``) entered in the current one."""
    round_ = current_round(data)
    assert round_ is not None
    for o in opinions:
        answer = {k: v for k, v in o.items() if k != "party"}
        round_ = _updated(round_, o["party"], answer={**answer, "received_on": received_on})
    return _replace_round(data, round_)


def with_silence(data: Mapping[str, Any], party: str, on: str) -> list[dict[str, Any]]:
    """The rounds with ``party`` silent in the current one: its period ended on ``on``."""
    round_ = current_round(data)
    assert round_ is not None
    entry = party_entry(round_, party)
    assert entry is not None
    effect = SILENCE_EFFECT[entry["kind"]]
    return _replace_round(data, _updated(round_, party, silent={"on": on, "effect": effect}))


def with_receipt(data: Mapping[str, Any], party: str, received_on: str
                 ) -> list[dict[str, Any]]:
    """The rounds with the day ``party`` received its letter of the current round."""
    round_ = current_round(data)
    assert round_ is not None
    return _replace_round(data, _updated(round_, party, received_on=received_on))


def recorded_kinds(data: Mapping[str, Any]) -> dict[str, str]:
    """Each party ever consulted, with the kind (third party or agency) it was consulted as."""
    return {p["name"]: p["kind"] for round_ in data.get(RECORD) or () for p in round_["parties"]}


def standing_objections(data: Mapping[str, Any]) -> list[str]:
    """Third parties whose latest answer, over every round, objects with good reason (条例 32).

    A later round adds to the record and never erases an earlier objection: silence in it, or
    not being consulted again, leaves the objection standing; only the party's own later answer
    replaces it. Each answer is judged by the kind of its own round, so a well-founded objection
    given as a third party counts whatever a later round says.
    """
    latest: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for round_ in data.get(RECORD) or ():
        for p in round_["parties"]:
            if "answer" in p:
                latest[p["name"]] = (p["kind"], p["answer"])
    return [name for name, (kind, a) in latest.items() if kind == "third_party"
            and not a["agrees"] and a.get("good_reason")]
