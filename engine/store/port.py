"""The transaction's doors for guards and actions (:class:`TransitionPort`), over one connection.

Counters are per agency; ``actor_of`` reads the instance's own history; ``instance`` reads another
instance of the agency; ``start`` starts another instance through the starter the runtime gives
the port; ``link`` writes links; ``tables`` are the workflow packages' registered tables, scoped
to the agency. Whatever goes through a port commits with the transition that opened it, or not at
all.

A link of an instance that is being started waits in the port until the instance's row is written
(the link table's foreign key wants the row first): the starter announces the instance with
:meth:`StorePort.starting` before deciding it and calls :meth:`StorePort.written` after writing it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from engine.actor import Actor
from engine.errors import NotFound
from engine.limits import DEFAULT_LIMITS, Limits
from engine.snapshot import Instance
from engine.store import links, tables
from engine.store.dialect import Dialect
from engine.store.read import last_event, load_instance, triggers_fired_by, view
from engine.store.workflow_tables import TableRegistry, TransactionTables
from engine.text import text_problem

_C = tables.counters
_ADVANCE = (update(_C).where(_C.c.agency == bindparam("b_agency"), _C.c.name == bindparam("b_name"))
            .values(value=_C.c.value + 1).returning(_C.c.value))
_CREATE_COUNTER: dict[str, Any] = {}
"""Statements built once (per back end for the upsert), run with bound values."""


class Starter(Protocol):
    """Starts an instance of ``workflow`` in the port's transaction and agency; returns its id."""

    def __call__(self, port: StorePort, workflow: str, actor: Actor,
                 data: Mapping[str, Any] | None, business_key: str | None,
                 now: datetime) -> str: ...


class StorePort:
    """A :class:`engine.transition.context.TransitionPort` on the caller's transaction."""

    def __init__(self, conn: Connection, dialect: Dialect, agency: str,
                 starter: Starter | None = None, tables: TableRegistry | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.conn = conn
        self.dialect = dialect
        self.agency = agency
        self.starter = starter
        self.limits = limits
        self.tables = TransactionTables(conn, tables or TableRegistry(), agency)
        self._waiting: dict[str, list[tuple[str, str, datetime]]] = {}

    def next_sequence(self, name: str) -> int:
        """Advance the agency's counter ``name``; its first use creates it without racing."""
        create = _CREATE_COUNTER.get(self.dialect.name)
        if create is None:
            create = _CREATE_COUNTER[self.dialect.name] = self.dialect.insert_ignoring(
                _C, ["agency", "name"])
        self.conn.execute(create, dict(agency=self.agency, name=name, value=0))
        value = self.conn.execute(_ADVANCE, {"b_agency": self.agency, "b_name": name})
        return int(value.scalar_one())

    def actor_of(self, instance_id: str, trigger: str) -> Actor | None:
        event = last_event(self.conn, instance_id, trigger)
        if event is None:
            return None
        return Actor(event.actor_id, {event.actor_role} if event.actor_role else ())

    def fired_by(self, instance_id: str, actor_id: str, triggers: Collection[str]
                 ) -> frozenset[str]:
        return triggers_fired_by(self.conn, instance_id, actor_id, triggers)

    def instance(self, instance_id: str) -> Instance | None:
        """The agency's instance ``instance_id`` as this transaction reads it, or ``None`` (also
        for an id no instance could have, such as one with a NUL, which PostgreSQL would refuse
        to compare: both back ends answer alike)."""
        if text_problem(instance_id) is not None:
            return None
        try:
            return view(load_instance(self.conn, instance_id, self.agency))
        except NotFound:
            return None

    def start(self, workflow: str, actor: Actor, data: Mapping[str, Any] | None,
              business_key: str | None, now: datetime) -> str:
        """Start an instance of ``workflow`` (this agency, this transaction); its id."""
        if self.starter is None:
            raise RuntimeError("this port was opened without a starter; it cannot start instances")
        return self.starter(self, workflow, actor, data, business_key, now)

    def link(self, instance_id: str, kind: str, key: str, now: datetime) -> None:
        """Link the instance to ``(kind, key)`` (again: no error); raises :class:`InvalidData`
        for an empty or too long kind or key."""
        links.check(kind, key, "link", instance_id)
        waiting = self._waiting.get(instance_id)
        if waiting is None:
            links.add(self.conn, self.dialect, self.agency, instance_id, kind, key, now)
        else:
            waiting.append((kind, key, now))

    def starting(self, instance_id: str) -> None:
        """``instance_id`` is being started: its links wait until :meth:`written`."""
        self._waiting[instance_id] = []

    def written(self, instance_id: str) -> None:
        """The started instance's row is written: write the links that waited for it."""
        for kind, key, now in self._waiting.pop(instance_id, []):
            links.add(self.conn, self.dialect, self.agency, instance_id, kind, key, now)
