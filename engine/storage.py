"""The engine's tables (SQLModel), shared by SQLite and PostgreSQL.

Instances point at the exact definition version they run on; events are append-only and chained
by hash; outbox rows carry committed events to subscribers; timers are derived from clocks and the
database is their source of truth. The hot path uses these tables through SQLAlchemy Core.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = "1"


def utc_dt(value: datetime | None) -> datetime | None:
    """Stored timestamps are UTC; SQLite hands them back naive, PostgreSQL in the session zone."""
    if value is None:
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
        UniqueConstraint("workflow", "business_key", name="uq_instance_business_key"),
        Index("ix_instance_workflow_state", "workflow", "state"),
    )
    id: str = Field(primary_key=True, max_length=36)
    workflow: str
    definition_version: int
    state: str
    business_key: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    clocks: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int
    seq: int
    last_hash: str
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    closed_at: datetime | None = _ts(nullable=True, index=True)


class EventRow(SQLModel, table=True):
    """One recorded transition; ``hash`` covers the event and the previous event's hash."""

    __tablename__ = "gongkai_events"
    __table_args__ = (UniqueConstraint("instance_id", "seq", name="uq_event_instance_seq"),)
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    instance_id: str = Field(foreign_key="gongkai_instances.id", max_length=36)
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


class OutboxRow(SQLModel, table=True):
    """A committed event (or an action's message) waiting to be delivered to subscribers."""

    __tablename__ = "gongkai_outbox"
    __table_args__ = (Index("ix_outbox_topic_due", "topic", "next_attempt_at"),)
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    instance_id: str = Field(max_length=36)
    seq: int
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
    __table_args__ = (Index("ix_timer_status_due", "status", "due_at", "id"),)
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    instance_id: str = Field(foreign_key="gongkai_instances.id", max_length=36, index=True)
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
    """Named sequences (register numbers per year), advanced inside transitions."""

    __tablename__ = "gongkai_counters"
    name: str = Field(primary_key=True)
    value: int


instances = InstanceRow.__table__  # type: ignore[attr-defined]
events = EventRow.__table__  # type: ignore[attr-defined]
definitions = DefinitionRow.__table__  # type: ignore[attr-defined]
outbox = OutboxRow.__table__  # type: ignore[attr-defined]
timers = TimerRow.__table__  # type: ignore[attr-defined]
counters = CounterRow.__table__  # type: ignore[attr-defined]
meta = MetaRow.__table__  # type: ignore[attr-defined]
