"""The :class:`Core`: what every loop of the runtime shares, built once per :class:`Engine`.

The facade and the loops (due timers, recompute, worklist, worker) take a Core, never the Engine,
and nothing calls another object's private members. A Core is scoped to one agency (机关): every
read and write it opens sees that agency's rows only.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from engine.actor import Actor
from engine.clocks import family
from engine.clocks.deadline import Deadline, WorkingCalendar
from engine.clocks.record import ClockRecord
from engine.definition.model import Transition
from engine.errors import DuplicateBusinessKey, InvalidArgument, InvalidData
from engine.limits import DEFAULT_LIMITS, Limits
from engine.runtime.history import Checkpoints, History
from engine.snapshot import Instance
from engine.store.checkpoints import OPTION as HISTORY_OPTION
from engine.store.checkpoints import track_savepoints
from engine.store.connect import connect
from engine.store.definitions import DefinitionStore
from engine.store.dialect import READ_ONLY, Dialect, dialect_of
from engine.store.outbox import DEFAULT_RETENTION, Outbox, check_retention
from engine.store.port import StorePort
from engine.store.read import load_instance, view
from engine.store.tables import AGENCY_MAX_LENGTH, BUSINESS_KEY_MAX
from engine.store.workflow_tables import TableRegistry
from engine.store.write import record_key, write_new
from engine.text import shown, text_problem
from engine.timesource import TimeSource, local_date, utc_now
from engine.transition.change import Change, StoredInstance
from engine.transition.compile import CompiledDefinition, not_barred, separated_from
from engine.transition.decide import decide_start
from engine.transition.registry import Registry

log = logging.getLogger("gongkai.engine")


def default_calendar() -> WorkingCalendar:
    """Official schedules where published, provisional (and marked so) beyond them."""
    from calendars import ChinaCalendar

    return ChinaCalendar(provisional=True)


def check_agency(agency: object) -> None:
    """Refuse an agency code the tables cannot keep apart or hold: empty, padded with spaces,
    holding control characters (an environment variable's stray newline would make a second
    agency), or too long. Raises :class:`InvalidArgument` (a ``ValueError``)."""
    problem = text_problem(agency, AGENCY_MAX_LENGTH)
    if problem is None and isinstance(agency, str) and agency != agency.strip():
        problem = f"may not begin or end with spaces: {shown(agency)}"
    if problem is not None:
        raise InvalidArgument("agency code", problem)


def check_business_key(trigger: str, business_key: object) -> None:
    """Refuse a business key that cannot be stored (see ``engine.text``); ``None`` is none.
    Raises :class:`InvalidData` naming ``trigger``."""
    problem = None if business_key is None else text_problem(business_key, BUSINESS_KEY_MAX)
    if problem is not None:
        raise InvalidData(trigger, [{"field": "business_key", "message": problem}])


class Core:
    """Database, dialect, time source, calendar, definitions and outbox of one agency.

    ``tables`` holds the workflow tables registered with this engine (not with the database):
    a fresh Core knows none until the workflow's ``register(engine)`` registers them again.
    """

    def __init__(self, url: str, clock: TimeSource, calendar: WorkingCalendar,
                 registry: Registry, agency: str, limits: Limits = DEFAULT_LIMITS,
                 history_key: bytes | str | None = None, checkpoints: Checkpoints = None,
                 outbox_retention: timedelta | None = DEFAULT_RETENTION,
                 **db_options: Any) -> None:
        check_agency(agency)
        check_retention(outbox_retention)
        self.limits = limits
        self.history = History(history_key, checkpoints)
        self.url = url
        self.clock = clock
        self.calendar = calendar
        self.registry = registry
        self.agency = agency
        self.db = connect(url, **db_options)
        self.dialect: Dialect = dialect_of(self.db)
        track_savepoints(self.db)
        if self.history.key is not None:
            record_key(self.db, self.dialect, self.history.key)
        self.definitions = DefinitionStore(self.db, registry, clock)
        self.outbox = Outbox(self.db, outbox_retention)
        self.tables = TableRegistry()
        self.wake: Callable[[], None] | None = None

    def now(self) -> datetime:
        """The time source's time, in UTC."""
        return utc_now(self.clock)

    @contextmanager
    def begin(self) -> Iterator[Any]:
        """A writing transaction (``with core.begin() as conn``); once it committed, the chain
        heads it wrote go to the checkpoint log (``engine.runtime.history``)."""
        heads = self.history.transaction()
        with self.db.begin() as conn:
            conn.execution_options(**{HISTORY_OPTION: heads})
            yield conn
        self.history.committed(heads)

    def read(self) -> Any:
        """A reading connection: on SQLite it never waits for (or deadlocks with) a writer."""
        return self.db.connect().execution_options(**READ_ONLY)

    def port(self, conn: Any, agency: str | None = None) -> StorePort:
        """The transaction's doors for guards and actions, for ``agency`` (this one's default)."""
        return StorePort(conn, self.dialect, agency or self.agency, self.start_child,
                         self.tables, self.limits)

    def start_instance(self, port: StorePort, workflow: str, actor: Actor,
                       data: Mapping[str, Any] | None, business_key: str | None,
                       now: datetime) -> Change:
        """Decide and write the start of an instance of ``workflow`` (its latest version) in the
        port's transaction and agency, links made by its actions included.

        Raises :class:`DuplicateBusinessKey` if the agency already has an instance of the
        workflow with ``business_key`` (the transaction must then roll back), :class:`NotFound`
        for an unknown workflow, and the refusals of the start trigger.
        """
        compiled = self.definitions.get(workflow, conn=port.conn)
        check_business_key(compiled.definition.start_trigger, business_key)
        instance_id = str(uuid.uuid4())
        port.starting(instance_id)
        change = decide_start(compiled, port, actor, data, business_key, now, self.calendar,
                              port.agency, instance_id)
        if not write_new(port.conn, change, now, compiled.definition, self.calendar):
            assert business_key is not None
            raise DuplicateBusinessKey(workflow, business_key)
        port.written(instance_id)
        return change

    def start_child(self, port: StorePort, workflow: str, actor: Actor,
                    data: Mapping[str, Any] | None, business_key: str | None,
                    now: datetime) -> str:
        """The port's starter: :meth:`start_instance`, answering the new instance's id."""
        return self.start_instance(port, workflow, actor, data, business_key, now).instance_id

    def open_to(self, permitted: Mapping[str, list[Transition]], instance_id: str,
                actor: Actor) -> list[str]:
        """The ``permitted`` triggers the actor may fire on the instance after separation of
        duties (the history is read only when a transition separates)."""
        barred = separated_from(permitted)
        if not barred:
            return list(permitted)
        with self.read() as conn:
            fired = self.port(conn).fired_by(instance_id, actor.id, barred)
        return not_barred(permitted, fired)

    def load(self, conn: Any, instance_id: str, any_agency: bool = False) -> StoredInstance:
        """The stored instance; another agency's is :class:`NotFound` unless ``any_agency``."""
        return load_instance(conn, instance_id, None if any_agency else self.agency)

    def compiled(self, row: StoredInstance, conn: Any = None) -> CompiledDefinition:
        return self.definitions.get(row.workflow, row.definition_version, conn)

    def after_commit(self, now: datetime) -> None:
        """Work after a commit: it never raises, since the transition has already happened.

        With a worker running, the worker delivers events (and tidies the outbox) on its own
        thread; without one they are delivered here, in the caller's thread.
        """
        try:
            if self.wake is not None:
                self.wake()
                return
            if self.outbox.active:
                self.outbox.deliver(now)
            self.outbox.tidy(now)
        except Exception:  # delivery is retried from the outbox on the next round
            log.exception("delivering committed events failed; they stay in the outbox")

    def deadlines(self, compiled: CompiledDefinition, records: Mapping[str, ClockRecord],
                  announced: Collection[str] = ()) -> dict[str, Deadline]:
        """Each started clock's deadline as of today (Beijing), a clock family as one entry; the
        ``announced`` clocks were just changed and carry a fresh due date."""
        return family.deadlines(compiled.definition, records, self.calendar,
                                local_date(self.now()), announced)

    def snapshot(self, row: StoredInstance) -> Instance:
        """The public snapshot of a stored instance, with deadlines as of now."""
        return replace(view(row), deadlines=self.deadlines(self.compiled(row), row.records))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A writing transaction, then the after-commit work once it committed."""
        with self.begin() as conn:
            yield conn
        self.after_commit(self.now())
