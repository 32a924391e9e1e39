"""A context for guard and action tests without a database.

A guard is a pure function of its :class:`TransitionContext`; testing one should not need an
engine. :func:`guard_context` builds the context a transition would give it, with a port that
keeps counters in memory and answers ``actor_of`` from a given history and ``instance`` from
given snapshots.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from engine.actor import Actor
from engine.clocks.deadline import WorkingCalendar
from engine.clocks.record import ClockRecord
from engine.definition.model import WorkflowDefinition
from engine.errors import DuplicateRow, TableMisuse
from engine.limits import DEFAULT_LIMITS
from engine.snapshot import Instance
from engine.store import table_rules
from engine.store.table_rules import AGENCY
from engine.timesource import SHANGHAI, local_date
from engine.transition.context import TransitionContext


class MemoryTables:
    """Workflow tables as lists of rows in memory, for guards and actions that use a ledger.

    Refuses what the store refuses, with the same errors (:mod:`engine.store.table_rules`): a
    class that is no table an engine could own, a column the table lacks, ``agency`` given,
    ``get`` by other than the primary key (:class:`TableMisuse`); a value that does not fit its
    column or a required column left out (:class:`InvalidRow`); a key the agency already holds
    (:class:`DuplicateRow`, and the refused write changes nothing). ``agency`` is filled in and
    filtered by, column defaults filled in, ``None`` filters match NULL, rows come in
    primary-key order. The rows given up front are inserted like any other, so they are checked
    too. What only a database can check (CHECK constraints, foreign keys) is not.
    """

    def __init__(self, agency: str, rows: Mapping[type[Any], list[dict[str, Any]]] | None = None
                 ) -> None:
        self.agency = agency
        self.rows: dict[type[Any], list[dict[str, Any]]] = {}
        for table, given in (rows or {}).items():
            for row in given:
                self.insert(table, **row)

    def _table(self, model: type[Any]) -> Any:
        table = table_rules.table_of(model)
        problems = table_rules.table_problems(table)
        if problems:
            raise TableMisuse(table.name, problems)
        return table

    def _matching(self, model: type[Any], where: Mapping[str, Any]) -> list[dict[str, Any]]:
        wanted = {**where, AGENCY: self.agency}
        return [r for r in self.rows.get(model, [])
                if all(r.get(k) == v for k, v in wanted.items())]

    def insert(self, table: type[Any], /, **values: Any) -> None:
        t = self._table(table)
        table_rules.check_insert(t, values)
        row = table_rules.filled(t, {**values, AGENCY: self.agency})
        self._refuse_taken(t, [row], self.rows.get(table, []))
        self.rows.setdefault(table, []).append(row)

    def update(self, table: type[Any], /, where: Mapping[str, Any], **values: Any) -> int:
        t = self._table(table)
        if not values:
            raise TableMisuse(t.name, ["update: no values to set"])
        table_rules.check_filters(t, where, "update where")
        table_rules.check_values(t, values, "update")
        found = self._matching(table, where)
        changed = [{**row, **values} for row in found]
        self._refuse_taken(t, changed, [r for r in self.rows.get(table, [])
                                        if not any(r is f for f in found)])
        for row in found:
            row.update(values)
        return len(found)

    def _refuse_taken(self, table: Any, rows: list[dict[str, Any]],
                      others: list[dict[str, Any]]) -> None:
        """:class:`DuplicateRow` if one of ``rows`` takes a key another row holds."""
        seen = list(others)
        for row in rows:
            key = table_rules.taken_key(table, row, seen)
            if key is not None:
                raise DuplicateRow(table.name, key, self.agency)
            seen.append(row)

    def get(self, table: type[Any], /, **key: Any) -> dict[str, Any] | None:
        table_rules.check_key(self._table(table), key)
        found = self.select(table, **key)
        return found[0] if found else None

    def select(self, table: type[Any], /, **filters: Any) -> list[dict[str, Any]]:
        t = self._table(table)
        table_rules.check_filters(t, filters, "select")
        order = table_rules.key_columns(t)
        return sorted((dict(r) for r in self._matching(table, filters)),
                      key=lambda r: tuple(r[c] for c in order))


@dataclass(frozen=True)
class ChildStart:
    """A child start an action asked for (``ctx.start``), as a guard context records it."""

    id: str
    workflow: str
    actor: Actor
    data: Mapping[str, Any] | None
    business_key: str | None


class MemoryPort:
    """The transaction's doors kept in memory: counters in a dict, history given up front,
    workflow tables as lists of rows, other instances as given snapshots (those of another
    agency are not found); child starts and links are recorded, not run, so an action's test can
    assert what it asked for."""

    def __init__(self, fired_by: Mapping[str, Actor] | None = None, agency: str = "default",
                 rows: Mapping[type[Any], list[dict[str, Any]]] | None = None,
                 instances: Collection[Instance] = ()) -> None:
        self.agency = agency
        self.limits = DEFAULT_LIMITS
        self.counters: dict[str, int] = {}
        self.history = dict(fired_by or {})
        self.tables = MemoryTables(agency, rows)
        self.instances = {i.id: i for i in instances}
        self.started: list[ChildStart] = []
        self.links: list[tuple[str, str, str]] = []

    def instance(self, instance_id: str) -> Instance | None:
        found = self.instances.get(instance_id)
        return found if found is not None and found.agency == self.agency else None

    def start(self, workflow: str, actor: Actor, data: Mapping[str, Any] | None,
              business_key: str | None, now: datetime) -> str:
        child = ChildStart(f"child-{len(self.started) + 1}", workflow, actor, data, business_key)
        self.started.append(child)
        return child.id

    def link(self, instance_id: str, kind: str, key: str, now: datetime) -> None:
        if (instance_id, kind, key) not in self.links:
            self.links.append((instance_id, kind, key))

    def next_sequence(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def actor_of(self, instance_id: str, trigger: str) -> Actor | None:
        return self.history.get(trigger)

    def fired_by(self, instance_id: str, actor_id: str, triggers: Collection[str]
                 ) -> frozenset[str]:
        return frozenset(t for t in triggers
                         if (a := self.history.get(t)) is not None and a.id == actor_id)


def guard_context(definition: WorkflowDefinition, trigger: str, actor: Actor, *,
                  calendar: WorkingCalendar, state: str | None = None,
                  data: Mapping[str, Any] | None = None,
                  instance_data: Mapping[str, Any] | None = None,
                  clocks: Mapping[str, ClockRecord] | None = None,
                  today: date | None = None, fired_by: Mapping[str, Actor] | None = None,
                  rows: Mapping[type[Any], list[dict[str, Any]]] | None = None,
                  instances: Collection[Instance] = (),
                  agency: str = "default") -> TransitionContext:
    """The context ``trigger`` would get in ``state`` (the initial state by default) on
    ``today`` (a Beijing date; 10:00 that day), without a database.

    ``data`` is taken as already validated (pass what the trigger's model would produce);
    ``fired_by`` maps earlier triggers to who fired them, for ``ctx.actor_of``; ``rows`` gives
    the rows (of ``agency``, without the ``agency`` column) of workflow tables — the package's
    SQLModel table classes — a guard may read through ``ctx.tables``; they are checked as the
    store would check an insert; ``instances`` are the other instances ``ctx.instance`` finds
    (those of ``agency``).
    """
    day = today or date(2025, 1, 2)
    now = datetime.combine(day, time(10, 0), tzinfo=SHANGHAI)
    return TransitionContext(
        instance_id="guard-test", definition=definition,
        state=state or definition.initial_state.name, trigger=trigger, actor=actor,
        data=dict(data or {}), model=None, instance_data=dict(instance_data or {}),
        clock_records=dict(clocks or {}), now=now, today=local_date(now), calendar=calendar,
        port=MemoryPort(fired_by, agency, rows, instances), agency=agency)
