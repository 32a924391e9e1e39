"""Read-only views of instances, events, timers and calendar schedules, as the API hands them
out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.clocks.deadline import Deadline
from engine.clocks.schedules import ScheduleSpec


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
class EventFields:
    """What an event's hash covers, in hashing order: the event and the hash before it
    (``engine.audit.digest_of``)."""

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


@dataclass(frozen=True)
class Event(EventFields):
    """One entry of an instance's append-only history: the hashed fields, the hash, and the
    workflow and agency it belongs to (copied from the instance, for reports).

    ``scheme`` says how ``hash`` was made (``engine.audit``: ``None`` before the row was
    covered, ``"sha256"`` unkeyed, ``"hmac-sha256:<key id>"`` keyed); ``row_digest`` is the
    digest of the instance row this transition wrote, covered by ``hash``."""

    hash: str
    workflow: str = ""
    agency: str = ""
    scheme: str | None = None
    row_digest: str | None = None


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


@dataclass(frozen=True)
class Schedule:
    """A calendar schedule as ``engine.schedules()`` lists it.

    ``action`` is ``"start"`` (start one instance of ``workflow`` per occurrence) or ``"fire"``
    (fire ``trigger`` on every open instance of ``workflow`` where it is valid). ``occurrence`` is
    the Beijing date of the next occurrence; ``next_due_at`` (UTC) is when the worker next tries
    it: its due moment, or a back-off moment while ``status`` is ``"retrying"``. ``status`` is
    ``"active"``, ``"retrying"``, ``"waiting_calendar"`` (the calendar lacks the year
    ``last_error`` names; ``next_due_at`` is when the worker looks again, and when
    ``occurrence == last_occurrence`` that occurrence has fired and only the next one waits) or
    ``"failed"`` (parked after too many attempts, with ``last_error``). ``last_occurrence`` is
    the last occurrence fired, ``last_fired_at`` when.
    """

    name: str
    workflow: str
    action: str
    trigger: str | None
    spec: ScheduleSpec
    data: Mapping[str, Any]
    occurrence: date
    next_due_at: datetime
    status: str
    attempts: int
    last_error: str | None
    last_occurrence: date | None
    last_fired_at: datetime | None
    agency: str = ""

    @property
    def due_at(self) -> datetime:
        """The due moment of ``occurrence`` (UTC), whatever back-off ``next_due_at`` carries."""
        return self.spec.due_moment(self.occurrence)
