"""Read-only views of instances and events, as the API hands them out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.clocks.deadline import Deadline


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
    agency: str = ""

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
    workflow: str = ""
    agency: str = ""


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
    agency: str = ""


@dataclass(frozen=True)
class Link:
    """An instance linked to ``(kind, key)``: a business object (``("document", 文号)``) or
    another instance (``("parent", id)`` on a child, ``("child", id)`` on its parent)."""

    instance_id: str
    kind: str
    key: str
    created_at: datetime
