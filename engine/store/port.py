"""The transaction's doors for guards and actions (:class:`TransitionPort`), over one connection.

Counters are per agency; ``actor_of`` reads the instance's own history; ``tables`` are the
workflow packages' registered tables, scoped to the agency. Whatever goes through a
port commits with the transition that opened it, or not at all.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Connection

from engine.actor import Actor
from engine.store import tables
from engine.store.dialect import Dialect
from engine.store.read import last_event
from engine.store.workflow_tables import TableRegistry, TransactionTables


class StorePort:
    """A :class:`engine.transition.context.TransitionPort` on the caller's transaction."""

    def __init__(self, conn: Connection, dialect: Dialect, agency: str,
                 tables: TableRegistry | None = None) -> None:
        self.conn = conn
        self.dialect = dialect
        self.agency = agency
        self.tables = TransactionTables(conn, tables or TableRegistry(), agency)

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
