"""What guards and actions see: the instance, the event, the actor and the time.

Guards are pure functions of a :class:`TransitionContext`. Actions may also use the two doors it
opens into the transaction: ``next_sequence`` (numbered registers) and ``emit`` (an outbox message
delivered after commit, for effects that leave the database).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from engine.actor import Actor
from engine.clocks import ClockRecord, Deadline, WorkingCalendar, deadline
from engine.definition import Transition, WorkflowDefinition
from engine.storage import counters

_INSERTS: dict[str, Any] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


@dataclass
class TransitionContext:
    """One attempt to fire ``trigger`` on an instance (or to start one)."""

    instance_id: str
    definition: WorkflowDefinition
    state: str | None
    trigger: str
    actor: Actor
    data: dict[str, Any]
    model: BaseModel | None
    instance_data: Mapping[str, Any]
    clock_records: Mapping[str, ClockRecord]
    now: datetime
    today: date
    calendar: WorkingCalendar
    conn: Connection
    transition: Transition | None = None
    rejections: list[tuple[str, str]] = field(default_factory=list)
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @cached_property
    def deadlines(self) -> dict[str, Deadline]:
        """The instance's clocks as they stood before this event, on the event's day."""
        return {name: deadline(rec, self.definition.clock(name), self.calendar, self.today)
                for name, rec in self.clock_records.items() if rec.started_on}

    def check(self, name: str, guard: Callable[[TransitionContext], str | None]) -> bool:
        reason = guard(self)
        if reason:
            self.rejections.append((name, reason))
            return False
        return True

    def next_sequence(self, name: str) -> int:
        """Advance and return the named counter, inside this transaction.

        The row is created if missing without failing when a concurrent transaction creates it
        first (the first number of a new year's register); the update then locks it.
        """
        dialect = self.conn.dialect.name
        make = _INSERTS[dialect](counters) if dialect in _INSERTS else None
        if make is not None:
            self.conn.execute(make.values(name=name, value=0).on_conflict_do_nothing(
                index_elements=[counters.c.name]))
        elif self.conn.execute(select(counters.c.name).where(counters.c.name == name)).first() \
                is None:
            self.conn.execute(insert(counters).values(name=name, value=0))
        value = self.conn.execute(update(counters).where(counters.c.name == name).values(
            value=counters.c.value + 1).returning(counters.c.value)).scalar_one()
        return int(value)

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Queue a message for subscribers of ``topic``; written to the outbox with the event."""
        self.messages.append((topic, payload))
