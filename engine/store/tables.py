"""The engine's tables (SQLModel), shared by SQLite and PostgreSQL.

Instances point at the exact definition version they run on; events are append-only and chained
by hash; outbox rows carry committed events to subscribers; timers are derived from clocks and the
database is their source of truth. Every instance, counter, link, timer and schedule belongs to an
agency (机关 code), so one database can serve a whole province's departments. The hot path uses
these tables through SQLAlchemy Core.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from engine.store.limits import (
    AGENCY_MAX_LENGTH,
    BUSINESS_KEY_MAX,
    DEFAULT_AGENCY,
    SCHEDULE_NAME_MAX,
)
from engine.timesource import utc_dt

__all__ = ["AGENCY_MAX_LENGTH", "BUSINESS_KEY_MAX", "DEFAULT_AGENCY", "SCHEDULE_NAME_MAX",
           "SCHEMA_VERSION"]

SCHEMA_VERSION = "2"
"""2: agencies (tenancy), indexed event queries, links and calendar schedules."""
HISTORY_SCHEME_MAX = 64
"""The longest name of a history hashing scheme (``engine.audit``)."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC whatever zone it arrives in (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return utc_dt(value)


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class MetaRow(SQLModel, table=True):
    __tablename__ = "gongkai_meta"
    key: str = Field(primary_key=True)
    value: str


class DefinitionRow(SQLModel, table=True):
    """A registered definition version, stored verbatim so old instances stay explainable."""

    __tablename__ = "gongkai_definitions"
    name: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    body: str
    digest: str
    registered_at: datetime = _ts()


class InstanceRow(SQLModel, table=True):
    """A running or closed instance.

    ``version`` counts the changes staff make (state, data, clocks) and is what
    ``expected_version`` is checked against; ``seq`` counts every event, marks included, and
    guards the append-only history. A reminder therefore never makes a form stale.
    """

    __tablename__ = "gongkai_instances"
    __table_args__ = (
        UniqueConstraint("agency", "workflow", "business_key", name="uq_instance_business_key"),
        Index("ix_instance_agency_workflow_state", "agency", "workflow", "state"),
    )
    id: str = Field(primary_key=True, max_length=36)
    agency: str = Field(default=DEFAULT_AGENCY, max_length=AGENCY_MAX_LENGTH)
    workflow: str
    definition_version: int
    state: str
    business_key: str | None = Field(default=None, max_length=BUSINESS_KEY_MAX)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    clocks: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int
    seq: int
    last_hash: str
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    closed_at: datetime | None = _ts(nullable=True, index=True)


class EventRow(SQLModel, table=True):
    """One recorded transition; ``hash`` covers the event, the previous event's hash and
    ``row_digest``, the digest of the instance row it wrote, as ``scheme`` says
    (``engine.audit``; both ``NULL`` on events written before they existed).

    ``agency`` and ``workflow`` are copied from the instance so that reports read events by
    workflow, trigger and period from one index, without reading instance by instance.
    """

    __tablename__ = "gongkai_events"
    __table_args__ = (
        UniqueConstraint("instance_id", "seq", name="uq_event_instance_seq"),
        Index("ix_event_agency_workflow_trigger_time", "agency", "workflow", "trigger",
              "event_time"),
    )
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    instance_id: str = Field(foreign_key="gongkai_instances.id", max_length=36)
    agency: str = Field(default=DEFAULT_AGENCY, max_length=AGENCY_MAX_LENGTH)
    workflow: str = ""
    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: str
    actor_role: str
    event_time: datetime = _ts()
    recorded_at: datetime = _ts()
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str
    hash: str
    scheme: str | None = Field(default=None, max_length=HISTORY_SCHEME_MAX)
    row_digest: str | None = Field(default=None, max_length=64)


class OutboxRow(SQLModel, table=True):
    """A committed event (or an action's message) waiting to be delivered to subscribers.

    ``ix_outbox_due`` lets the retention tidy find the rows past the retention without reading
    the rows still inside it."""

    __tablename__ = "gongkai_outbox"
    __table_args__ = (Index("ix_outbox_topic_due", "topic", "next_attempt_at"),
                      Index("ix_outbox_due", "next_attempt_at"))
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    instance_id: str = Field(max_length=36)
    seq: int
    agency: str = Field(default=DEFAULT_AGENCY, max_length=AGENCY_MAX_LENGTH)
    workflow: str
    topic: str
    trigger: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    last_error: str | None = None


class TimerRow(SQLModel, table=True):
    """A durable timer derived from a clock: a reminder, a deadline or an automatic trigger.

    ``epoch`` is the clock's epoch when the timer was written: a timer whose clock moved on, whose
    instance closed, or whose automatic trigger is no longer valid in the instance's state is
    stale and is cancelled, not fired. ``state`` records the state it was written in, for people
    reading the table.
    """

    __tablename__ = "gongkai_timers"
    __table_args__ = (
        Index("ix_timer_status_due", "status", "due_at", "id"),
        Index("ix_timer_instance_status_clock", "instance_id", "status", "clock"),
    )
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    instance_id: str = Field(foreign_key="gongkai_instances.id", max_length=36)
    agency: str = Field(default=DEFAULT_AGENCY, max_length=AGENCY_MAX_LENGTH)
    workflow: str
    clock: str
    kind: str
    due_at: datetime = _ts()
    trigger: str
    epoch: int
    state: str
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    fired_at: datetime | None = _ts(nullable=True)


class CounterRow(SQLModel, table=True):
    """Named sequences of one agency (register numbers per year), advanced inside transitions."""

    __tablename__ = "gongkai_counters"
    agency: str = Field(primary_key=True, max_length=AGENCY_MAX_LENGTH)
    name: str = Field(primary_key=True)
    value: int


class LinkRow(SQLModel, table=True):
    """An instance linked to a business object or another instance: ``(kind, key)``.

    E.g. ``("document", "某办发〔2026〕3号")`` for a document number, ``("parent", <id>)`` for the
    instance that started this one. Looked up both ways: by instance, and by (agency, kind, key).
    """

    __tablename__ = "gongkai_links"
    __table_args__ = (
        UniqueConstraint("instance_id", "kind", "key", name="uq_link_instance_kind_key"),
        Index("ix_link_agency_kind_key", "agency", "kind", "key"),
    )
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    agency: str = Field(max_length=AGENCY_MAX_LENGTH)
    instance_id: str = Field(foreign_key="gongkai_instances.id", max_length=36, index=True)
    kind: str = Field(max_length=64)
    key: str = Field(max_length=255)
    created_at: datetime = _ts()


class ScheduleRow(SQLModel, table=True):
    """An instance-less calendar schedule of one agency: it starts instances or fires a trigger.

    ``spec`` is the working-day-aware schedule (e.g. the first working day of December at 09:00);
    ``next_due_at`` and ``occurrence`` are its next firing, moved on in the same transaction that
    fires it, so each occurrence fires exactly once. ``basis_at`` is the moment ``occurrence`` was
    counted after (creation, or the last occurrence fired): after a calendar change the
    occurrence is counted afresh from it. ``status`` is ``active``, ``retrying`` (the occurrence
    failed and is tried again at ``next_due_at``), ``waiting_calendar`` (the calendar lacks a
    year; looked at again at ``next_due_at``) or ``failed`` (parked after too many attempts).
    """

    __tablename__ = "gongkai_schedules"
    __table_args__ = (
        UniqueConstraint("agency", "name", name="uq_schedule_agency_name"),
        Index("ix_schedule_status_due", "status", "next_due_at", "id"),
    )
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    agency: str = Field(max_length=AGENCY_MAX_LENGTH)
    name: str = Field(max_length=SCHEDULE_NAME_MAX)
    workflow: str
    action: str
    trigger: str | None = None
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    occurrence: str
    next_due_at: datetime = _ts()
    status: str = "active"
    attempts: int = 0
    last_error: str | None = None
    last_occurrence: str | None = None
    last_fired_at: datetime | None = _ts(nullable=True)
    basis_at: datetime = _ts()
    created_at: datetime = _ts()


instances = InstanceRow.__table__  # type: ignore[attr-defined]
events = EventRow.__table__  # type: ignore[attr-defined]
definitions = DefinitionRow.__table__  # type: ignore[attr-defined]
outbox = OutboxRow.__table__  # type: ignore[attr-defined]
timers = TimerRow.__table__  # type: ignore[attr-defined]
counters = CounterRow.__table__  # type: ignore[attr-defined]
links = LinkRow.__table__  # type: ignore[attr-defined]
schedules = ScheduleRow.__table__  # type: ignore[attr-defined]
meta = MetaRow.__table__  # type: ignore[attr-defined]
