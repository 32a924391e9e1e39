"""The :class:`Engine`: the one object an embedding system talks to.

It registers definitions, starts and fires instances (one transition, one transaction), answers
questions about them, verifies their history, delivers committed events to subscribers, and runs
the durable timers of statutory clocks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from engine import storage
from engine.actor import Actor
from engine.audit import verify_chain
from engine.clocks import ClockRecord, Deadline, WorkingCalendar, deadline
from engine.database import READ_ONLY, connect
from engine.decide import decide_fire, decide_start, records_of
from engine.definition import WorkflowDefinition
from engine.definitions import DefinitionStore
from engine.errors import ConcurrentUpdate, DuplicateBusinessKey, NotFound
from engine.machine import CompiledDefinition
from engine.outbox import Outbox, Subscription
from engine.registry import Registry
from engine.snapshot import Event, Instance, Timer, event_from_row, timer_from_row
from engine.storage import utc_dt
from engine.timesource import SystemClock, TimeSource, local_date, utc_now
from engine.transaction import Change, write

if TYPE_CHECKING:
    from engine.worklist import WorkItem


# built once: the hot path's row read (a statement built per call costs more than running it)
_SELECT_INSTANCE = select(storage.instances).where(storage.instances.c.id == bindparam("b_id"))


log = logging.getLogger("gongkai.engine")


def default_calendar() -> WorkingCalendar:
    """Official schedules where published, provisional (and marked so) beyond them."""
    from calendars import ChinaCalendar

    return ChinaCalendar(provisional=True)


class Engine:
    """Runs workflow instances stored at ``url`` (``sqlite:///file.db`` or PostgreSQL)."""

    def __init__(self, url: str, clock: TimeSource | None = None,
                 calendar: WorkingCalendar | None = None, registry: Registry | None = None,
                 **db_options: Any) -> None:
        self.url = url
        self.clock: TimeSource = clock or SystemClock()
        self.calendar: WorkingCalendar = calendar or default_calendar()
        self.registry = registry or Registry()
        self.db = connect(url, **db_options)
        self.definitions = DefinitionStore(self.db, self.registry, self.clock)
        self.outbox = Outbox(self.db)
        self._worker: Any = None

    # definitions -------------------------------------------------------------------------
    def register(self, definition: WorkflowDefinition) -> WorkflowDefinition:
        """Validate and store a definition version; new instances of it start on the latest."""
        return self.definitions.register(definition).definition

    def definition(self, name: str, version: int | None = None) -> WorkflowDefinition:
        return self.definitions.get(name, version).definition

    # transitions -------------------------------------------------------------------------
    def start(self, workflow: str, actor: Actor, data: Mapping[str, Any] | None = None,
              business_key: str | None = None) -> Instance:
        """Start an instance with the definition's start trigger (one transaction)."""
        now = utc_now(self.clock)
        with self.db.begin() as conn:
            compiled = self.definitions.get(workflow, conn=conn)
            if business_key is not None and conn.execute(select(storage.instances.c.id).where(
                    storage.instances.c.workflow == workflow,
                    storage.instances.c.business_key == business_key)).first():
                raise DuplicateBusinessKey(workflow, business_key)
            change = decide_start(compiled, conn, actor, data, business_key, now, self.calendar)
            try:
                write(conn, change, now, compiled, self.calendar)
            except IntegrityError:
                if business_key is None:
                    raise
                raise DuplicateBusinessKey(workflow, business_key) from None
        self._after_commit(now)
        return self._snapshot_of(change, compiled, now, created_at=now, business_key=business_key)

    def fire(self, instance_id: str, trigger: str, actor: Actor,
             data: Mapping[str, Any] | None = None, expected_version: int | None = None,
             retries: int = 0) -> Instance:
        """Fire ``trigger`` on an instance (one transaction).

        ``expected_version`` makes the call fail with :class:`ConcurrentUpdate` if anyone changed
        the instance since the caller read it; ``retries`` re-decides that many times after losing
        a race to another writer (only without ``expected_version``).
        """
        for attempt in range(retries + 1):
            try:
                return self._fire_once(instance_id, trigger, actor, data, expected_version)
            except ConcurrentUpdate:
                if expected_version is not None or attempt == retries:
                    raise
        raise AssertionError("unreachable")

    def _fire_once(self, instance_id: str, trigger: str, actor: Actor,
                   data: Mapping[str, Any] | None, expected_version: int | None) -> Instance:
        now = utc_now(self.clock)
        with self.db.begin() as conn:
            row = self._row(conn, instance_id)
            if expected_version is not None and row.version != expected_version:
                raise ConcurrentUpdate(instance_id, expected_version, row.version)
            compiled = self.definitions.get(row.workflow, row.definition_version, conn)
            change = decide_fire(compiled, conn, row, trigger, actor, data, now, self.calendar)
            write(conn, change, now, compiled, self.calendar)
        self._after_commit(now)
        return self._snapshot_of(change, compiled, now, created_at=utc_dt(row.created_at),
                                 business_key=row.business_key)

    def _after_commit(self, now: datetime) -> None:
        """Work after a commit: it never raises, since the transition has already happened.

        With a worker running, the worker delivers events on its own thread; without one they
        are delivered here, in the caller's thread.
        """
        try:
            if self._worker is not None:
                self._worker.wake()
            elif self.outbox.active:
                self.outbox.deliver(now)
        except Exception:  # delivery is retried from the outbox on the next round
            log.exception("delivering committed events failed; they stay in the outbox")

    # reading -----------------------------------------------------------------------------
    @staticmethod
    def _row(conn: Any, instance_id: str) -> Any:
        row = conn.execute(_SELECT_INSTANCE, {"b_id": instance_id}).first()
        if row is None:
            raise NotFound("instance", instance_id)
        return row

    def _read(self) -> Any:
        return self.db.connect().execution_options(**READ_ONLY)

    def get(self, instance_id: str) -> Instance:
        """A snapshot of the instance, with its clocks' deadlines as of now."""
        with self._read() as conn:
            row = self._row(conn, instance_id)
        return self._snapshot(row)

    def history(self, instance_id: str) -> list[Event]:
        """The instance's events, in order."""
        with self._read() as conn:
            return self._history(conn, self._row(conn, instance_id))

    @staticmethod
    def _history(conn: Any, row: Any) -> list[Event]:
        """Events up to the row's sequence (later ones committed after the row was read)."""
        e = storage.events
        rows = conn.execute(select(e).where(e.c.instance_id == row.id, e.c.seq <= row.seq)
                            .order_by(e.c.seq)).all()
        return [event_from_row(r) for r in rows]

    def verify_history(self, instance_id: str) -> None:
        """Raise :class:`HistoryTampered` naming the first event that does not verify."""
        with self._read() as conn:
            row = self._row(conn, instance_id)
            events = self._history(conn, row)
        verify_chain(instance_id, events, row.last_hash, row.seq)

    def available_triggers(self, instance_id: str, actor: Actor | None = None) -> list[str]:
        """Triggers valid in the instance's state (for ``actor``'s roles, if given).

        Guards are not run here: they judge the data that comes with the trigger.
        """
        row = self.get(instance_id)
        if row.closed:
            return []
        compiled = self.definitions.get(row.workflow, row.definition_version)
        triggers = compiled.valid_triggers(row.state)
        if actor is None:
            return triggers
        return [t for t in triggers if any(actor.role_for(c.roles) is not None
                                           for c in compiled.candidates(row.state, t))]

    def find(self, workflow: str | None = None, state: str | None = None,
             business_key: str | None = None, closed: bool | None = None,
             page_size: int = 500) -> Iterator[Instance]:
        """Instances matching every given filter, fetched a page at a time (ordered by id)."""
        t = storage.instances
        query = select(t).order_by(t.c.id).limit(page_size)
        for column, value in ((t.c.workflow, workflow), (t.c.state, state),
                              (t.c.business_key, business_key)):
            if value is not None:
                query = query.where(column == value)
        if closed is not None:
            query = query.where(t.c.closed_at.is_not(None) if closed else t.c.closed_at.is_(None))
        last = ""
        while True:
            with self._read() as conn:
                rows = conn.execute(query.where(t.c.id > last)).all()
            yield from (self._snapshot(r) for r in rows)
            if len(rows) < page_size:
                return
            last = rows[-1].id

    def _snapshot(self, row: Any) -> Instance:
        compiled = self.definitions.get(row.workflow, row.definition_version)
        return Instance(
            id=row.id, workflow=row.workflow, definition_version=row.definition_version,
            state=row.state, data=row.data, version=row.version, business_key=row.business_key,
            created_at=utc_dt(row.created_at),  # type: ignore[arg-type]
            updated_at=utc_dt(row.updated_at),  # type: ignore[arg-type]
            closed_at=utc_dt(row.closed_at),
            deadlines=self._deadlines(compiled, records_of(row.clocks)))

    def _deadlines(self, compiled: CompiledDefinition, records: Mapping[str, ClockRecord]
                   ) -> dict[str, Deadline]:
        today = local_date(utc_now(self.clock))
        d = compiled.definition
        return {name: deadline(rec, d.clock(name), self.calendar, today)
                for name, rec in records.items() if rec.started_on}

    def _snapshot_of(self, change: Change, compiled: CompiledDefinition, now: datetime,
                     created_at: datetime | None, business_key: str | None) -> Instance:
        return Instance(
            id=change.instance_id, workflow=change.workflow,
            definition_version=change.definition_version, state=change.to_state,
            data=change.data, version=change.version, business_key=business_key,
            created_at=created_at or now, updated_at=now,
            closed_at=now if change.closed else None,
            deadlines=self._deadlines(compiled, change.clocks))

    # subscriptions -----------------------------------------------------------------------
    def subscribe(self, callback: Callable[[dict[str, Any]], None], workflow: str | None = None,
                  triggers: Collection[str] | None = None,
                  topics: Collection[str] = ("event",)) -> Subscription:
        """Call ``callback`` with each committed event (at least once, after commit)."""
        return self.outbox.subscribe(callback, workflow, triggers, topics)

    def deliver_events(self) -> int:
        """Deliver pending outbox rows now (the worker does this on its rounds)."""
        return self.outbox.deliver(utc_now(self.clock))

    # clocks and timers -------------------------------------------------------------------
    def run_due_timers(self, limit: int | None = None) -> int:
        """Fire every timer due now through the ordinary transition path; how many fired."""
        from engine.firing import run_due_timers

        return run_due_timers(self, limit)

    def recompute_deadlines(self, workflow: str | None = None) -> int:
        """After a calendar update: recompute running clocks, move timers, record changes."""
        from engine.recompute import recompute_deadlines

        return recompute_deadlines(self, workflow)

    def worklist(self, actor: Actor, workflow: str | None = None, page: int = 1,
                 page_size: int = 50) -> list[WorkItem]:
        """The actor's 待办: open instances it can act on now, most urgent first."""
        from engine.worklist import worklist

        return worklist(self, actor, workflow, page, page_size)

    def advance(self, to: datetime) -> int:
        """Simulated time: walk a manual clock to ``to``, firing everything due in order."""
        from engine.testing import advance

        return advance(self, to)

    def timers(self, instance_id: str | None = None, status: str | None = None) -> list[Timer]:
        """Timers, by due time (for inspection: ``gongkai timers --failed``)."""
        t = storage.timers
        query = select(t).order_by(t.c.due_at, t.c.id)
        if instance_id is not None:
            query = query.where(t.c.instance_id == instance_id)
        if status is not None:
            query = query.where(t.c.status == status)
        with self._read() as conn:
            return [timer_from_row(r) for r in conn.execute(query).all()]

    def start_worker(self, poll_interval: float = 1.0) -> None:
        """Run the timer worker in a background thread of this process."""
        from engine.worker import Worker

        if self._worker is None or not self._worker.running:
            self._worker = Worker(self, poll_interval)
            self._worker.start()

    def stop_worker(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def close(self) -> None:
        """Stop the worker (if any) and release the database connections."""
        self.stop_worker()
        self.db.dispose()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # diagrams ----------------------------------------------------------------------------
    def diagram(self, definition: WorkflowDefinition | str) -> str:
        from engine.diagram import mermaid

        if isinstance(definition, str):
            definition = self.definition(definition)
        return mermaid(definition)
