"""The tamper-evident history: each event's hash covers its content and the previous hash.

Changing an event's data, deleting an event or swapping two events breaks the chain, and
:func:`verify_chain` names the first event where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.errors import HistoryTampered
from engine.snapshot import Event

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


@dataclass(frozen=True)
class EventFields:
    """What an event's hash covers, in hashing order: the event and the hash before it."""

    instance_id: str
    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: str
    actor_role: str
    event_time: datetime
    recorded_at: datetime
    data: Mapping[str, Any]
    prev_hash: str

    def hash(self) -> str:
        """SHA-256 over the canonical JSON of the fields (times as UTC ISO strings)."""
        body = canonical_json([
            self.instance_id, self.seq, self.trigger, self.from_state, self.to_state,
            self.actor_id, self.actor_role, _utc(self.event_time), _utc(self.recorded_at),
            self.data, self.prev_hash])
        return hashlib.sha256(body.encode()).hexdigest()


def event_hash(**fields: Any) -> str:
    """The hash of an event given as keyword fields (see :class:`EventFields`)."""
    return EventFields(**fields).hash()


def _utc(moment: datetime) -> str:
    """The same instant hashes the same, whatever zone the clock or the database session uses."""
    return moment.astimezone(UTC).isoformat()


def hash_of(event: Event) -> str:
    return EventFields(
        instance_id=event.instance_id, seq=event.seq, trigger=event.trigger,
        from_state=event.from_state, to_state=event.to_state, actor_id=event.actor_id,
        actor_role=event.actor_role, event_time=event.event_time,
        recorded_at=event.recorded_at, data=event.data, prev_hash=event.prev_hash,
    ).hash()


def verify_chain(instance_id: str, events: Iterable[Event], last_hash: str, count: int) -> None:
    """Raise :class:`HistoryTampered` at the first event that does not verify."""
    prev, seen = GENESIS, 0
    for expected_seq, ev in enumerate(events, start=1):
        seen = expected_seq
        if ev.seq != expected_seq:
            raise HistoryTampered(instance_id, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != prev:
            raise HistoryTampered(instance_id, ev.seq, "it does not follow the event before it")
        if hash_of(ev) != ev.hash:
            raise HistoryTampered(instance_id, ev.seq, "its content does not match its hash")
        prev = ev.hash
    if seen != count or prev != last_hash:
        raise HistoryTampered(instance_id, seen + 1,
                              f"the instance records {count} events but {seen} remain")
