"""The :class:`Engine`: the one object an embedding system talks to.

It registers definitions, starts and fires instances (one transition, one transaction), answers
questions about them, verifies their history, delivers committed events to subscribers, and runs
the durable timers of statutory clocks. Every method delegates to the runtime's loops over one
:class:`Core`, scoped to one agency (机关).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.actor import Actor
from engine.audit import HistoryCheck
from engine.clocks.deadline import WorkingCalendar
from engine.clocks.schedules import ScheduleSpec
from engine.definition.model import WorkflowDefinition
from engine.errors import (
    ConcurrentUpdate,
    HistoryTampered,
)
from engine.limits import DEFAULT_LIMITS, Limits
from engine.runtime import arguments, auditing, due, recompute
from engine.runtime import schedules as scheduling
from engine.runtime.core import Core, default_calendar
from engine.runtime.faults import translating
from engine.runtime.history import Checkpoints
from engine.snapshot import Event, Instance, Link, Schedule, Timer
from engine.store import links, read, workflow_tables
from engine.store.outbox import DEFAULT_RETENTION, Subscription
from engine.store.tables import DEFAULT_AGENCY
from engine.store.write import write
from engine.timesource import SystemClock, TimeSource, beijing_aware
from engine.transition.change import Change
from engine.transition.decide import decide_fire
from engine.transition.registry import Registry

if TYPE_CHECKING:
    from engine.runtime.worker import Worker
    from engine.runtime.worklist import WorkItem


@translating
class Engine:
    """Runs workflow instances stored at ``url`` (``sqlite:///file.db`` or PostgreSQL).

    ``agency`` (a 机关 code) scopes every call of this engine: instances it starts belong to that
    agency, its reads, worklists, counters and timers are that agency's, and another agency's
    instance is :class:`NotFound` to it. Omitted, it is :data:`DEFAULT_AGENCY`. An agency code
    that cannot be stored (empty, padded, with control characters, over 64 characters) raises
    :class:`InvalidArgument`; a database of another schema version raises
    :class:`SchemaMismatch`; a URL gongkai cannot store in (not SQLite or PostgreSQL, a missing
    directory) or a database it cannot open raises :class:`DatabaseUnavailable`.

    ``limits`` bounds the data of each call (:class:`~engine.limits.Limits`: text length,
    nesting, size). Every public method raises only :class:`WorkflowError` subclasses — a
    database fault as a :class:`StorageError`, a calendar that cannot count a date as a
    :class:`DeadlineError` — or ``TypeError`` for an argument of the wrong type (a programming
    error of the caller).

    ``history_key`` (bytes, or text taken as UTF-8; at least 16 bytes) keys the history chain
    with HMAC-SHA256, and ``checkpoints`` (a JSON-lines file's path, a sink, or a callable) is the
    append-only log of chain heads kept outside the database; omitted, they come from
    ``$GONGKAI_HISTORY_KEY_FILE`` (or ``$GONGKAI_HISTORY_KEY``) and ``$GONGKAI_CHECKPOINT_LOG``
    (``engine.runtime.history`` says what each protects; a bad key raises
    :class:`InvalidArgument`).

    ``outbox_retention`` is how long an outbox row that no subscription of this engine wants
    waits for another process to take it before it is deleted (``timedelta(0)``: at once, for a
    process that is the only one subscribing; ``None``: kept until delivered); delivered rows are
    deleted at once. A negative retention raises :class:`InvalidArgument`.
    """

    def __init__(self, url: str, clock: TimeSource | None = None,
                 calendar: WorkingCalendar | None = None, registry: Registry | None = None,
                 agency: str = DEFAULT_AGENCY, limits: Limits = DEFAULT_LIMITS,
                 history_key: bytes | str | None = None, checkpoints: Checkpoints = None,
                 outbox_retention: timedelta | None = DEFAULT_RETENTION,
                 **db_options: Any) -> None:
        self.core = Core(url, clock or SystemClock(), calendar or default_calendar(),
                         registry or Registry(), agency, limits, history_key, checkpoints,
                         outbox_retention, **db_options)
        self._worker: Worker | None = None

    @property
    def url(self) -> str:
        return self.core.url

    @property
    def agency(self) -> str:
        return self.core.agency

    @property
    def clock(self) -> TimeSource:
        return self.core.clock

    @property
    def calendar(self) -> WorkingCalendar:
        return self.core.calendar

    @calendar.setter
    def calendar(self, calendar: WorkingCalendar) -> None:
        """Swap the calendar (e.g. after a schedule file arrived); then recompute deadlines."""
        self.core.calendar = calendar

    @property
    def registry(self) -> Registry:
        return self.core.registry

    @property
    def db(self) -> Any:
        """The SQLAlchemy engine (for inspection and tests; the engine's tables are its own)."""
        return self.core.db

    @property
    def definitions(self) -> Any:
        return self.core.definitions

    @property
    def outbox(self) -> Any:
        return self.core.outbox

    # definitions -------------------------------------------------------------------------
    def register(self, definition: WorkflowDefinition) -> WorkflowDefinition:
        """Validate and store a definition version; new instances of it start on the latest.

        Raises :class:`DefinitionError` listing every problem of the definition.
        """
        return self.core.definitions.register(definition).definition

    def definition(self, name: str, version: int | None = None) -> WorkflowDefinition:
        """A registered definition (the latest version by default); :class:`NotFound` if none."""
        return self.core.definitions.get(name, version).definition

    # workflow tables ---------------------------------------------------------------------
    def register_tables(self, package: str, version: int, tables: Sequence[type[Any]]) -> None:
        """Register a workflow package's own SQLModel tables (e.g. a ledger 台账) with this engine.

        Missing tables are created beside the engine's own, and ``version`` is recorded in
        ``gongkai_meta`` under ``tables:<package>``; re-registering the same package and version
        is a no-op. Registration lives in this engine object, so a workflow's
        ``register(engine)`` calls this on every fresh engine. Actions then write the tables
        through ``ctx.tables`` (with the transition, never outside one) and :meth:`rows` reads
        them. Raises :class:`DefinitionError` if a model is not a table, lacks a NOT NULL string
        ``agency`` column in its primary key, has a unique constraint without ``agency``, is
        named ``gongkai_*`` or belongs to another package, or if this engine already registered
        the package at another version or with other tables; and
        :class:`SchemaMismatch` if the database holds another version of the package's tables;
        either way nothing is created.
        """
        self.core.tables.register(self.core.db, package, version, tables)

    def rows(self, table: type[Any], **filters: Any) -> list[dict[str, Any]]:
        """This agency's rows of a registered workflow table whose columns equal ``filters``
        (IS NULL for ``None``), in primary-key order (for reports and CLIs).
        :class:`TableMisuse` (a :class:`DefinitionError`) if the table is not registered with
        this engine or a filter names no column of it; :class:`InvalidRow` for a filter value
        no row could hold (a string for an integer column)."""
        core = self.core
        return workflow_tables.rows(core.db, core.tables, core.agency, table, filters)

    # transitions -------------------------------------------------------------------------
    def start(self, workflow: str, actor: Actor, data: Mapping[str, Any] | None = None,
              business_key: str | None = None) -> Instance:
        """Start an instance with the definition's start trigger (one transaction).

        Raises :class:`DuplicateBusinessKey` if the agency already has an instance of the
        workflow with ``business_key``, and the refusals of :meth:`fire`.
        """
        arguments.name("workflow", workflow)
        arguments.actor(actor)
        core = self.core
        now = core.now()
        with core.begin() as conn:
            change = core.start_instance(core.port(conn), workflow, actor, data, business_key,
                                         now)
        core.after_commit(now)
        return self._snapshot_of(change, now, created_at=now)

    def fire(self, instance_id: str, trigger: str, actor: Actor,
             data: Mapping[str, Any] | None = None, expected_version: int | None = None,
             retries: int = 0) -> Instance:
        """Fire ``trigger`` on an instance (one transaction).

        ``expected_version`` makes the call fail with :class:`ConcurrentUpdate` if anyone changed
        the instance since the caller read it; ``retries`` re-decides that many times after losing
        a race to another writer (only without ``expected_version``). Raises
        :class:`NotFound`, :class:`InvalidTransition`, :class:`PermissionDenied`,
        :class:`InvalidData` or :class:`GuardRejected`; a refused call changes nothing.
        """
        arguments.instance_id(instance_id)
        arguments.name("trigger", trigger)
        arguments.actor(actor)
        arguments.whole("expected_version", expected_version, 1, optional=True)
        arguments.whole("retries", retries, 0, arguments.MAX_RETRIES)
        for attempt in range(retries + 1):
            try:
                return self._fire_once(instance_id, trigger, actor, data, expected_version)
            except ConcurrentUpdate:
                if expected_version is not None or attempt == retries:
                    raise
        raise ConcurrentUpdate(instance_id, expected_version or 0, None)  # pragma: no cover

    def _fire_once(self, instance_id: str, trigger: str, actor: Actor,
                   data: Mapping[str, Any] | None, expected_version: int | None) -> Instance:
        core = self.core
        now = core.now()
        with core.begin() as conn:
            row = core.load(conn, instance_id)
            if expected_version is not None and row.version != expected_version:
                raise ConcurrentUpdate(instance_id, expected_version, row.version)
            compiled = core.compiled(row, conn)
            change = decide_fire(compiled, core.port(conn), row, trigger, actor, data, now,
                                 core.calendar)
            write(conn, change, now, compiled.definition, core.calendar)
        core.after_commit(now)
        return self._snapshot_of(change, now, created_at=row.created_at)

    def _snapshot_of(self, change: Change, now: datetime, created_at: datetime) -> Instance:
        compiled = self.core.definitions.get(change.workflow, change.definition_version)
        return Instance(
            id=change.instance_id, workflow=change.workflow,
            definition_version=change.definition_version, state=change.to_state,
            data=change.data, version=change.version, business_key=change.business_key,
            created_at=created_at, updated_at=now, closed_at=now if change.closed else None,
            deadlines=self.core.deadlines(compiled, change.clocks, change.changed_clocks),
            agency=change.agency)

    # reading -----------------------------------------------------------------------------
    def get(self, instance_id: str) -> Instance:
        """A snapshot of the instance, with its clocks' deadlines as of now; :class:`NotFound`
        if it does not exist or belongs to another agency."""
        arguments.instance_id(instance_id)
        with self.core.read() as conn:
            row = self.core.load(conn, instance_id)
        return self.core.snapshot(row)

    def history(self, instance_id: str) -> list[Event]:
        """The instance's events, in order."""
        arguments.instance_id(instance_id)
        with self.core.read() as conn:
            return read.history(conn, self.core.load(conn, instance_id))

    def verify_history(self, instance_id: str) -> HistoryCheck:
        """Verify the instance's history; what was checked (keyed or not, checkpointed up to).

        Raises :class:`HistoryTampered` naming the first event that does not verify: an event
        changed, deleted, swapped or rewritten (against the history key), the instance row
        changed since its last event, or the history short of, or different from, what the
        checkpoint log recorded (deleted or truncated); :class:`HistoryKeyMissing` (a
        ``HistoryTampered``) if its events are keyed with a key this engine lacks; a stored
        record that cannot be read is tampered too."""
        arguments.instance_id(instance_id)
        return auditing.verify_one(self.core, instance_id)

    def verify_histories(self) -> Iterator[tuple[str, str, HistoryCheck | HistoryTampered]]:
        """Verify every instance of the agency as :meth:`verify_history` does: ``(id, workflow,
        check or refusal)`` in id order. Needs no workflow code (an archive whose package is
        gone still verifies)."""
        return auditing.verify_all(self.core)

    def verify_checkpoints(self) -> list[str]:
        """Problems of the checkpoint log for this agency, one line each: instances it records
        that the database no longer has, lines that are not checkpoints, and a log file that is
        missing while the database holds instances (the first transition writes it)."""
        return auditing.log_problems(self.core)

    def checkpoint(self) -> tuple[int, list[HistoryTampered]]:
        """Append the head of every instance of the agency whose history verifies to the
        checkpoint log (to start a log for an existing database, or after a crash between a
        commit and its checkpoint); how many were written, and the refusals of the others.
        Raises :class:`InvalidArgument` if the engine has no checkpoint log."""
        return auditing.checkpoint_all(self.core)

    @property
    def history_status(self) -> str:
        """One line: whether chains are keyed and where checkpoints go."""
        return self.core.history.describe()

    def available_triggers(self, instance_id: str, actor: Actor | None = None) -> list[str]:
        """Triggers valid in the instance's state (for ``actor``'s roles, if given, less those
        its separation of duties bars it from).

        Guards are not run here: they judge the data that comes with the trigger.
        """
        if actor is not None:
            arguments.actor(actor)
        row = self.get(instance_id)
        if row.closed:
            return []
        compiled = self.core.definitions.get(row.workflow, row.definition_version)
        if actor is None:
            return compiled.valid_triggers(row.state)
        return self.core.open_to(compiled.permitted(row.state, actor, row.data), instance_id, actor)

    def find(self, workflow: str | None = None, state: str | None = None,
             business_key: str | None = None, closed: bool | None = None,
             page_size: int = 500, linked: tuple[str, str] | None = None) -> Iterator[Instance]:
        """The agency's instances matching every given filter, a page at a time (by id).

        ``linked=(kind, key)`` keeps the instances linked to that business object or instance
        (e.g. ``("document", 文号)``, ``("parent", id)`` for an instance's children); an empty or
        too long kind or key raises :class:`InvalidData` at the call, before any row is read.
        """
        arguments.filters("find", page_size, workflow=workflow, state=state,
                          business_key=business_key)
        query = read.find_query(self.core.agency, workflow, state, business_key, closed)
        if linked is not None:
            kind, key = linked
            links.check(kind, key, "find")
            query = links.linked_to(query, self.core.agency, kind, key)
        return self._found(query, page_size)

    def _found(self, query: Any, page_size: int) -> Iterator[Instance]:
        for row in read.pages(self.core.db, query, page_size, {"gongkai_read": True}):
            yield self.core.snapshot(row)

    def links(self, instance_id: str) -> list[Link]:
        """The instance's links in the order they were made; :class:`NotFound` if it does not
        exist or belongs to another agency."""
        arguments.instance_id(instance_id)
        with self.core.read() as conn:
            row = self.core.load(conn, instance_id)
            return links.of_instance(conn, row.agency, row.id)

    def events(self, workflow: str | None = None, triggers: Sequence[str] | None = None,
               since: datetime | None = None, until: datetime | None = None,
               page_size: int = 1000) -> Iterator[Event]:
        """The agency's events, oldest first, filtered by workflow, triggers and period.

        ``since`` and ``until`` are moments (``since`` included, ``until`` not; a naive one is
        Beijing time, as for :meth:`advance`); the query reads the events index, never instance
        by instance, so reports over a year stay cheap. ``triggers`` may be one trigger's name.
        Raises :class:`InvalidData` for a filter that is not a name, a period bound that is not a
        ``datetime`` or a page size below 1.
        """
        triggers = [triggers] if isinstance(triggers, str) else triggers
        arguments.filters("events", page_size, workflow=workflow,
                          **{f"triggers[{i}]": t for i, t in enumerate(triggers or ())})
        since = arguments.period_bound("since", since)
        until = arguments.period_bound("until", until)
        return self._events(workflow, triggers, since, until, page_size)

    def _events(self, workflow: str | None, triggers: Sequence[str] | None,
                since: datetime | None, until: datetime | None, page_size: int
                ) -> Iterator[Event]:
        after = 0
        while True:
            with self.core.read() as conn:
                page = read.events(conn, self.core.agency, workflow, triggers, since, until,
                                   after, page_size)
            yield from (event for _, event in page)
            if len(page) < page_size:
                return
            after = page[-1][0]

    # subscriptions -----------------------------------------------------------------------
    def subscribe(self, callback: Callable[[dict[str, Any]], None], workflow: str | None = None,
                  triggers: Collection[str] | None = None,
                  topics: Collection[str] = ("event",)) -> Subscription:
        """Call ``callback`` with each committed event of this agency (at least once, after
        commit)."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        return self.core.outbox.subscribe(callback, workflow, triggers, topics,
                                          agency=self.core.agency)

    def deliver_events(self) -> int:
        """Deliver pending outbox rows now (the worker does this on its rounds)."""
        return self.core.outbox.deliver(self.core.now())

    # clocks and timers -------------------------------------------------------------------
    def run_due_timers(self, limit: int | None = None) -> int:
        """Fire every timer and calendar schedule of this agency due now through the ordinary
        transition path; how many fired."""
        arguments.whole("limit", limit, 1, optional=True)
        return due.run_due_timers(self.core, limit)

    def recompute_deadlines(self, workflow: str | None = None) -> int:
        """After a calendar update: recompute running clocks, move timers, record changes, and
        count pending schedules' next occurrences afresh; how many changed."""
        return recompute.recompute_deadlines(self.core, workflow)

    def worklist(self, actor: Actor, workflow: str | None = None, page: int = 1,
                 page_size: int = 50) -> list[WorkItem]:
        """The actor's 待办 in this agency: open instances it can act on now, most urgent
        first."""
        from engine.runtime.worklist import worklist

        arguments.actor(actor)
        arguments.whole("page", page, 1)
        arguments.whole("page_size", page_size, 1, arguments.MAX_PAGE_SIZE)
        return worklist(self.core, actor, workflow, page, page_size)

    def advance(self, to: datetime) -> int:
        """Simulated time: walk a manual clock to ``to``, firing every timer and schedule due, in
        order.

        Raises ``TypeError`` unless the engine runs on a clock with ``set(moment)`` (such as
        ``engine.testing.ManualClock``).
        """
        arguments.moment("to", to)
        set_time = getattr(self.core.clock, "set", None)
        if set_time is None:
            raise TypeError("advance() needs an engine running on a ManualClock")
        return due.run_until(self.core, beijing_aware(to), set_time)

    def timers(self, instance_id: str | None = None, status: str | None = None) -> list[Timer]:
        """The agency's timers, by due time (for inspection: ``gongkai timers --failed``)."""
        if instance_id is not None:
            arguments.instance_id(instance_id)
        with self.core.read() as conn:
            return read.timers(conn, self.core.agency, instance_id, status)

    # calendar schedules -----------------------------------------------------------------
    def schedule(self, name: str, spec: ScheduleSpec | Mapping[str, Any], workflow: str, *,
                 action: str = "start", trigger: str | None = None,
                 data: Mapping[str, Any] | None = None) -> Schedule:
        """Create (or update) this agency's calendar schedule ``name``, fired by the worker.

        ``spec`` (a :class:`ScheduleSpec` or its dict form) says on which Beijing working days
        and at what time it recurs, counted with the engine's calendar. ``action="start"``
        starts one instance of ``workflow`` per occurrence (business key
        ``"{name}:{occurrence}"``; start data ``data`` plus ``"occurrence"``, the ISO date, which
        the start model must accept); ``action="fire"`` fires ``trigger`` with that data on every
        open instance of ``workflow`` where it is valid. Both act as SYSTEM; each occurrence
        fires exactly once (``engine.runtime.schedules`` has the rules for missed occurrences,
        failures and calendar changes).

        Calendar data: an occurrence whose day the calendar gives fires on time even when the
        next one falls in a year the calendar has no data for (a strict ``ChinaCalendar`` and
        the next year's State Council schedule not yet published); the schedule then shows
        status ``"waiting_calendar"`` with ``last_error`` naming the year, never fires that
        occurrence again, and counts the next one once the calendar has the year (the worker
        looks again at least hourly; ``recompute_deadlines()`` after ``engine.calendar = ...``
        looks at once). It is never parked as failed for missing data.

        The same content again is a no-op (a schedule parked as failed is revived: its occurrence
        fires at the next round). Other content updates it: with the same spec it keeps its
        pending occurrence; with a new spec the next occurrence is the first after now and after
        the last one fired. Raises :class:`NotFound` (workflow), :class:`InvalidData` (name,
        action, trigger, data; or data the trigger's model refuses), :class:`PermissionDenied`
        (SYSTEM may not fire the trigger), ``ScheduleError`` (spec), or :class:`DeadlineError`
        (its ``cause`` the calendar's ``CalendarDataMissing``) naming the year (``.year``)
        when the first occurrence cannot be counted (e.g. "the 1st working day of January"
        asked in December without next year's data); a refused call changes nothing.
        """
        return scheduling.schedule(self.core, name, spec, workflow, action, trigger, data)

    def schedules(self, status: str | None = None) -> list[Schedule]:
        """This agency's calendar schedules by next due time (``status``: ``"active"``,
        ``"retrying"``, ``"waiting_calendar"`` or ``"failed"``)."""
        return scheduling.listing(self.core, status)

    def unschedule(self, name: str) -> None:
        """Remove this agency's schedule ``name`` (instances it started stay); :class:`NotFound`
        if there is none."""
        scheduling.unschedule(self.core, name)

    def start_worker(self, poll_interval: float = 1.0) -> None:
        """Run the timer worker for this agency in a background thread of this process."""
        from engine.runtime.worker import Worker

        poll_interval = arguments.seconds("poll_interval", poll_interval)
        if self._worker is None or not self._worker.running:
            self._worker = Worker(self.core, poll_interval)
            self.core.wake = self._worker.wake
            self._worker.start()

    def stop_worker(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
            self.core.wake = None

    def close(self) -> None:
        """Stop the worker (if any) and release the database connections."""
        self.stop_worker()
        self.core.db.dispose()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # diagrams ----------------------------------------------------------------------------
    def diagram(self, definition: WorkflowDefinition | str) -> str:
        """The mermaid state diagram of a definition (or of a registered workflow's latest)."""
        from engine.definition.diagram import mermaid

        if isinstance(definition, str):
            definition = self.definition(definition)
        return mermaid(definition)

