"""What guards and actions see: the instance, the event, the actor and the time.

Guards are pure functions of a :class:`TransitionContext`. Actions may also use the doors the
context opens into the transaction through its port: ``next_sequence`` (numbered registers),
``emit`` (an outbox message delivered after commit, for effects that leave the database), and
``actor_of`` (who fired a trigger earlier on this instance). Everything an action does through
them commits with the transition or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Protocol

from pydantic import BaseModel

from engine.actor import Actor
from engine.clocks.deadline import Deadline, WorkingCalendar, deadline
from engine.clocks.record import ClockRecord
from engine.definition.model import Transition, WorkflowDefinition


class TransitionPort(Protocol):
    """The transaction's doors, as the store (or a test double) provides them."""

    def next_sequence(self, name: str) -> int:
        """Advance and return the named counter of the instance's agency."""
        ...

    def actor_of(self, instance_id: str, trigger: str) -> Actor | None:
        """The actor (with the role it acted in) who last fired ``trigger`` on the instance."""
        ...

    def fired_by(self, instance_id: str, actor_id: str, triggers: Collection[str]
                 ) -> frozenset[str]:
        """Which of ``triggers`` the actor ``actor_id`` has ever fired on the instance."""
        ...


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
    port: TransitionPort
    agency: str = ""
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
        """Advance and return the named counter (of this instance's agency), in this transaction.

        The first use of a name creates its counter at 1 without failing when a concurrent
        transaction creates it first (the first number of a new year's register).
        """
        return self.port.next_sequence(name)

    def actor_of(self, trigger: str) -> Actor | None:
        """Who fired ``trigger`` most recently on this instance (``None`` if nobody has).

        The returned actor carries the one role it acted in, as recorded in the history.
        """
        return self.port.actor_of(self.instance_id, trigger)

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Queue a message for subscribers of ``topic``; written to the outbox with the event."""
        self.messages.append((topic, payload))
