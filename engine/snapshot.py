"""Read-only views of instances and events, as the API hands them out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.clocks import Deadline
from engine.storage import utc_dt


@dataclass(frozen=True)
class Instance:
    """A snapshot of one workflow instance (``engine.get(id)``)."""

    id: str
    workflow: str
    definition_version: int
    state: str
    data: Mapping[str, Any]
    version: int
    business_key: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Event:
    """One entry of an instance's append-only history."""

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
    hash: str


@dataclass(frozen=True)
class Timer:
    """A durable timer as ``engine.timers()`` lists it (the worker's to-do and done list)."""

    id: int
    instance_id: str
    workflow: str
    clock: str
    kind: str
    trigger: str
    due_at: datetime
    epoch: int
    state: str
    status: str
    attempts: int
    last_error: str | None
    fired_at: datetime | None


def timer_from_row(row: Any) -> Timer:
    return Timer(**{name: getattr(row, name) for name in Timer.__dataclass_fields__})


def event_from_row(row: Any) -> Event:
    return Event(
        instance_id=row.instance_id, seq=row.seq, trigger=row.trigger,
        from_state=row.from_state, to_state=row.to_state, actor_id=row.actor_id,
        actor_role=row.actor_role, event_time=utc_dt(row.event_time),  # type: ignore[arg-type]
        recorded_at=utc_dt(row.recorded_at),  # type: ignore[arg-type]
        data=row.data, prev_hash=row.prev_hash, hash=row.hash,
    )
