"""The tamper-evident history: each event's hash covers its content and the previous hash.

Changing an event's data, deleting an event or swapping two events breaks the chain, and
:func:`verify_chain` names the first event where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from engine.errors import HistoryTampered
from engine.snapshot import Event, EventFields

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def digest_of(fields: EventFields) -> str:
    """SHA-256 over the canonical JSON of an event's hashed fields (times as UTC ISO strings);
    an :class:`Event` is its own fields."""
    body = canonical_json([
        fields.instance_id, fields.seq, fields.trigger, fields.from_state, fields.to_state,
        fields.actor_id, fields.actor_role, _utc(fields.event_time), _utc(fields.recorded_at),
        fields.data, fields.prev_hash])
    return hashlib.sha256(body.encode()).hexdigest()


def event_hash(**fields: Any) -> str:
    """The hash of an event given as keyword fields (see :class:`EventFields`)."""
    return digest_of(EventFields(**fields))


def _utc(moment: datetime) -> str:
    """The same instant hashes the same, whatever zone the clock or the database session uses."""
    return moment.astimezone(UTC).isoformat()


def hash_of(event: Event) -> str:
    return digest_of(event)


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
