"""The tamper-evident history: each event's hash covers its content, the instance row that
transition wrote, and the previous hash; with the agency's key it is an HMAC.

Three hashing schemes are recorded per event (``Event.scheme``), so histories written before a
key was configured, or before this module covered the row, still verify:

- ``None`` (histories written before issue 13): SHA-256 over the event's fields and the previous
  hash; the instance row is not covered.
- ``"sha256"``: SHA-256 over the scheme, the event's fields, the previous hash and the digest of
  the instance row as the transition wrote it (:func:`row_digest`) — without a key, whoever can
  write the database can recompute the whole chain.
- ``"hmac-sha256:<key id>"``: the same body under HMAC-SHA256 with the agency's
  :class:`HistoryKey`, which lives outside the database: without it a rewritten chain cannot be
  made to verify. Once an instance has a keyed event, every later event must be keyed too.

:func:`verify_chain` names the first event where the chain breaks, and checks that the instance
row still is what the last event recorded; :func:`check_checkpoints` compares the chain with the
heads checkpointed outside the database (``engine.store.checkpoints``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.errors import HistoryKeyMissing, HistoryTampered
from engine.snapshot import Event, EventFields

GENESIS = "0" * 64
PLAIN = "sha256"
KEYED_PREFIX = "hmac-sha256:"
MIN_KEY_BYTES = 16
"""The shortest history key accepted (128 bits); 32 random bytes are recommended."""
ROW_FIELDS = ("id", "agency", "workflow", "definition_version", "business_key", "state", "data",
              "clocks", "version", "seq", "updated_at", "closed_at")
"""The instance row's columns the chain covers, in digest order (``last_hash`` is the chain's
own head, ``created_at`` is checked against the first event)."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


@dataclass(frozen=True)
class HistoryKey:
    """The agency's secret for keyed chains and checkpoints; ``id`` names it in the database
    (a fingerprint: it does not reveal the key). Raises ``ValueError`` for a key shorter than
    :data:`MIN_KEY_BYTES`."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ValueError(f"a history key needs at least {MIN_KEY_BYTES} bytes, "
                             f"not {len(self.secret)}")

    @property
    def id(self) -> str:
        return hashlib.sha256(b"gongkai history key id\0" + self.secret).hexdigest()[:12]

    @property
    def scheme(self) -> str:
        return KEYED_PREFIX + self.id

    def mac(self, body: str) -> str:
        return hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"HistoryKey(id={self.id!r})"


def scheme_of(key: HistoryKey | None) -> str:
    """The scheme an engine with ``key`` (or none) writes new events under."""
    return key.scheme if key is not None else PLAIN


def row_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the instance row's covered columns
    (:data:`ROW_FIELDS`; ``clocks`` as stored, times as UTC ISO strings)."""
    body = canonical_json([_plain(row[name]) for name in ROW_FIELDS])
    return hashlib.sha256(body.encode()).hexdigest()


def _plain(value: Any) -> Any:
    return _utc(value) if isinstance(value, datetime) else value


def _legacy_body(fields: EventFields) -> list[Any]:
    return [fields.instance_id, fields.seq, fields.trigger, fields.from_state, fields.to_state,
            fields.actor_id, fields.actor_role, _utc(fields.event_time),
            _utc(fields.recorded_at), fields.data, fields.prev_hash]


def digest_of(fields: EventFields) -> str:
    """The legacy (scheme ``None``) hash: SHA-256 over the canonical JSON of an event's hashed
    fields (times as UTC ISO strings); an :class:`Event` is its own fields."""
    return hashlib.sha256(canonical_json(_legacy_body(fields)).encode()).hexdigest()


def seal(fields: EventFields, row: str | None, scheme: str | None,
         key: HistoryKey | None) -> str:
    """The hash of an event under ``scheme`` with the row digest ``row``; ``key`` must be the
    one the scheme names (raises ``ValueError`` otherwise)."""
    if scheme is None:
        return digest_of(fields)
    body = canonical_json([scheme, *_legacy_body(fields), row])
    if scheme == PLAIN:
        return hashlib.sha256(body.encode()).hexdigest()
    if key is None or scheme != key.scheme:
        raise ValueError(f"scheme {scheme!r} needs its key")
    return key.mac(body)


def event_hash(**fields: Any) -> str:
    """The legacy hash of an event given as keyword fields (see :class:`EventFields`)."""
    return digest_of(EventFields(**fields))


def _utc(moment: datetime) -> str:
    """The same instant hashes the same, whatever zone the clock or the database session uses."""
    return moment.astimezone(UTC).isoformat()


def hash_of(event: Event, key: HistoryKey | None = None) -> str:
    return seal(event, event.row_digest, event.scheme, key)


@dataclass(frozen=True)
class HistoryCheck:
    """What :func:`verify_chain` (and ``Engine.verify_history``) vouched for.

    ``keyed``: every event is keyed (HMAC); ``unkeyed_events``: how many are not (written
    without a key, or before issue 13); ``row_covered``: the instance row was compared with
    what the last event recorded; ``checkpointed``: the highest event found in the checkpoint
    log (``None``: no log, or no entry for the instance); ``head``: the last event's hash."""

    instance_id: str
    events: int
    keyed: bool
    unkeyed_events: int
    row_covered: bool
    checkpointed: int | None = None
    head: str = GENESIS


def verify_chain(instance_id: str, events: Iterable[Event], last_hash: str, count: int,
                 key: HistoryKey | None = None, row: Mapping[str, Any] | None = None,
                 created_at: datetime | None = None) -> HistoryCheck:
    """Raise :class:`HistoryTampered` at the first event that does not verify.

    ``row`` (the instance row's :data:`ROW_FIELDS` as stored) is compared with the digest the
    last event recorded, and ``created_at`` with the first event's time. An event keyed with a
    key other than ``key`` raises :class:`HistoryKeyMissing`; an unkeyed event after a keyed one
    is a rewrite. Returns what was checked."""
    prev, seen, unkeyed, keyed_seen = GENESIS, 0, 0, False
    events_seen: list[Event] = []
    for expected_seq, ev in enumerate(events, start=1):
        seen = expected_seq
        if ev.seq != expected_seq:
            raise HistoryTampered(instance_id, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != prev:
            raise HistoryTampered(instance_id, ev.seq, "it does not follow the event before it")
        if events_seen and ev.from_state != events_seen[-1].to_state:
            raise HistoryTampered(instance_id, ev.seq, f"it leaves state {ev.from_state!r} but "
                                  f"the event before it entered {events_seen[-1].to_state!r}")
        keyed_seen = _check_scheme(instance_id, ev, key, keyed_seen)
        unkeyed += not keyed_seen
        if hash_of(ev, key) != ev.hash:
            raise HistoryTampered(instance_id, ev.seq, "its content does not match its hash")
        if ev.seq == 1 and created_at is not None and created_at != ev.recorded_at:
            raise HistoryTampered(instance_id, 1, "the instance's creation time differs from "
                                                  "its first event's")
        prev = ev.hash
        events_seen.append(ev)
    if seen != count or prev != last_hash:
        raise HistoryTampered(instance_id, seen + 1,
                              f"the instance records {count} events but {seen} remain")
    covered = row is not None and check_row(instance_id, events_seen, row)
    return HistoryCheck(instance_id, seen, unkeyed == 0 and seen > 0, unkeyed, covered,
                        head=prev)


def check_row(instance_id: str, events: Sequence[Event], row: Mapping[str, Any]) -> bool:
    """Raise :class:`HistoryTampered` if the instance row (its :data:`ROW_FIELDS` as stored)
    is not what the last event of the verified chain ``events`` wrote; ``False`` if that event
    recorded no row digest (written before rows were covered), ``True`` once compared."""
    last = events[-1] if events else None
    if last is None or last.row_digest is None:
        return False
    if row_digest(row) != last.row_digest:
        raise HistoryTampered(instance_id, last.seq, "the instance row (state, data, clocks, "
                                                     "version or times) differs from what "
                                                     "this event wrote")
    return True


def _check_scheme(instance_id: str, ev: Event, key: HistoryKey | None, keyed_seen: bool
                  ) -> bool:
    """Whether the chain is keyed from this event on; refuses a downgrade and a foreign key."""
    keyed = ev.scheme is not None and ev.scheme.startswith(KEYED_PREFIX)
    if keyed_seen and not keyed:
        raise HistoryTampered(instance_id, ev.seq, "it is unkeyed after keyed events (written "
                                                   "or rewritten without the history key)")
    if keyed and (key is None or ev.scheme != key.scheme):
        raise HistoryKeyMissing(instance_id, ev.seq, str(ev.scheme)[len(KEYED_PREFIX):],
                                None if key is None else key.id)
    if ev.scheme not in (None, PLAIN) and not keyed:
        raise HistoryTampered(instance_id, ev.seq, f"its hash scheme {ev.scheme!r} is unknown")
    return keyed


@dataclass(frozen=True)
class Checkpoint:
    """A chain head recorded outside the database: instance ``instance_id`` of ``agency`` had
    event ``seq`` with hash ``hash`` at ``at`` (UTC). ``mac`` authenticates the entry with the
    history key (``None`` when written without one)."""

    agency: str
    instance_id: str
    seq: int
    hash: str
    at: datetime
    mac: str | None = None

    def body(self) -> str:
        return canonical_json([self.agency, self.instance_id, self.seq, self.hash,
                               _utc(self.at)])

    def signed(self, key: HistoryKey | None) -> Checkpoint:
        """This entry with its MAC under ``key`` (unchanged without one)."""
        if key is None:
            return self
        return Checkpoint(self.agency, self.instance_id, self.seq, self.hash, self.at,
                          key.mac(self.body()))

    def authentic(self, key: HistoryKey | None) -> bool:
        """The MAC verifies under ``key`` (an entry without a MAC, or no key: nothing to
        check, ``True``)."""
        if key is None or self.mac is None:
            return True
        return hmac.compare_digest(self.mac, key.mac(self.body()))


def check_checkpoints(instance_id: str, events: Sequence[Event],
                      entries: Iterable[Checkpoint], key: HistoryKey | None) -> int | None:
    """Raise :class:`HistoryTampered` if a checkpointed head is not in the (already verified)
    chain ``events``: an event deleted or the history truncated (the log knows a later event),
    or the chain rewritten (a hash differs); or if an entry's MAC does not verify. Under a key,
    an entry without a MAC (anyone who can append to the log could write one) is not taken as
    evidence either way. Returns the highest checkpointed event, ``None`` if there is none."""
    highest: int | None = None
    for entry in entries:
        if key is not None and entry.mac is None:
            continue
        if not entry.authentic(key):
            raise HistoryTampered(instance_id, entry.seq, "its checkpoint log entry does not "
                                                          "verify under the history key")
        if entry.seq > len(events):
            raise HistoryTampered(instance_id, entry.seq, f"the checkpoint log of "
                                  f"{_utc(entry.at)} records it but the database has "
                                  f"{len(events)} events: history deleted or truncated")
        if events[entry.seq - 1].hash != entry.hash:
            raise HistoryTampered(instance_id, entry.seq, f"it differs from its checkpoint of "
                                  f"{_utc(entry.at)}: history rewritten")
        highest = max(highest or 0, entry.seq)
    return highest
