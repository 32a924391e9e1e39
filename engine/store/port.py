"""The transaction's doors for guards and actions (:class:`TransitionPort`), over one connection.

Counters are per agency; ``actor_of`` reads the instance's own history. Whatever goes through a
port commits with the transition that opened it, or not at all.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import update
from sqlalchemy.engine import Connection

from engine.actor import Actor
from engine.store import tables
from engine.store.dialect import Dialect
from engine.store.read import last_event, triggers_fired_by


class StorePort:
    """A :class:`engine.transition.context.TransitionPort` on the caller's transaction."""

    def __init__(self, conn: Connection, dialect: Dialect, agency: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.agency = agency

    def next_sequence(self, name: str) -> int:
        """Advance the agency's counter ``name``; its first use creates it without racing."""
        c = tables.counters
        self.conn.execute(self.dialect.insert_ignore(
            c, ["agency", "name"], dict(agency=self.agency, name=name, value=0)))
        value = self.conn.execute(update(c).where(c.c.agency == self.agency, c.c.name == name)
                                  .values(value=c.c.value + 1).returning(c.c.value)).scalar_one()
        return int(value)

    def actor_of(self, instance_id: str, trigger: str) -> Actor | None:
        event = last_event(self.conn, instance_id, trigger)
        if event is None:
            return None
        return Actor(event.actor_id, {event.actor_role} if event.actor_role else ())

    def fired_by(self, instance_id: str, actor_id: str, triggers: Collection[str]
                 ) -> frozenset[str]:
        return triggers_fired_by(self.conn, instance_id, actor_id, triggers)
