"""The values a transition is decided from and decides: the stored instance and the change.

:class:`StoredInstance` is the instance row as the store read it, once per transition, with its
clock records parsed; :class:`Change` is everything one transition writes. Neither knows SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.clocks.record import ClockRecord


@dataclass(frozen=True)
class StoredInstance:
    """One instance row, typed. ``version`` counts staff changes; ``seq`` counts every event."""

    id: str
    agency: str
    workflow: str
    definition_version: int
    state: str
    business_key: str | None
    data: dict[str, Any]
    records: dict[str, ClockRecord]
    version: int
    seq: int
    last_hash: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass
class Change:
    """Everything one transition writes: the new row values, the event, messages and clocks.

    ``changed_clocks`` are the records this transition changed, each with its due date announced;
    the store moves their timers.
    """

    instance_id: str
    agency: str
    workflow: str
    definition_version: int
    seq: int
    version: int
    read_version: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: str
    actor_role: str
    data: dict[str, Any]
    event_data: dict[str, Any]
    clocks: dict[str, ClockRecord]
    changed_clocks: dict[str, ClockRecord]
    closed: bool
    prev_hash: str
    business_key: str | None = None
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
