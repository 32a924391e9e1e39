"""What guards and actions see: the instance, the event, the actor and the time.

Guards are pure functions of a :class:`TransitionContext`. Actions may also use the doors the
context opens into the transaction through its port: ``next_sequence`` (numbered registers),
``emit`` (an outbox message delivered after commit, for effects that leave the database),
``actor_of`` (who fired a trigger earlier on this instance), ``instance`` (read another instance
of the agency, e.g. the request a case is about), ``start`` (a child instance of another
workflow), ``link`` (tie the instance to a business object) and ``tables`` (a workflow package's
own registered tables, such as a ledger). Everything an action does through them commits with the
transition or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Protocol

from pydantic import BaseModel

from engine.actor import Actor
from engine.clocks import family
from engine.clocks.deadline import Deadline, WorkingCalendar
from engine.clocks.record import ClockRecord
from engine.definition.model import Transition, WorkflowDefinition
from engine.errors import DefinitionError, InvalidData, WorkflowError
from engine.limits import Limits
from engine.snapshot import Instance


class WorkflowTables(Protocol):
    """A workflow package's own registered tables, inside the transition's transaction.

    ``table`` is the package's SQLModel table class (typed loosely: this layer knows no SQL).
    Rows belong to the instance's agency: ``agency`` is filled in on insert and filtered by on
    every read and update, and may not be given. A table not registered with the engine
    (``Engine.register_tables``), a column the table lacks, or a given ``agency`` raises
    :class:`engine.errors.TableMisuse` (a ``DefinitionError``): a mistake of the workflow
    package, not of the user's data. A value that does not fit its column (type, range, NOT
    NULL) raises :class:`engine.errors.InvalidRow`, a key the agency already holds
    :class:`engine.errors.DuplicateRow`; a filter value ``None`` means IS NULL. Guards may read;
    actions write.
    """

    def insert(self, table: type[Any], /, **values: Any) -> None:
        """Insert one row."""
        ...

    def update(self, table: type[Any], /, where: Mapping[str, Any], **values: Any) -> int:
        """Set ``values`` on the rows whose columns equal ``where``; how many rows changed."""
        ...

    def get(self, table: type[Any], /, **key: Any) -> dict[str, Any] | None:
        """The row with this primary key (its columns other than ``agency``), or ``None``."""
        ...

    def select(self, table: type[Any], /, **filters: Any) -> list[dict[str, Any]]:
        """The rows whose columns equal ``filters``, in primary-key order."""
        ...


class TransitionPort(Protocol):
    """The transaction's doors, as the store (or a test double) provides them."""

    @property
    def limits(self) -> Limits:
        """Bounds on trigger data (the engine's setting)."""
        ...

    @property
    def tables(self) -> WorkflowTables:
        """The workflow packages' registered tables, for the instance's agency."""
        ...

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

    def instance(self, instance_id: str) -> Instance | None:
        """The instance ``instance_id`` of the transaction's agency as this transaction reads it
        (no deadlines), or ``None`` if there is none (another agency's instance is none)."""
        ...

    def start(self, workflow: str, actor: Actor, data: Mapping[str, Any] | None,
              business_key: str | None, now: datetime) -> str:
        """Start an instance of ``workflow`` in the transaction's agency; its id."""
        ...

    def link(self, instance_id: str, kind: str, key: str, now: datetime) -> None:
        """Link the instance to ``(kind, key)``; linking the same pair again is no error."""
        ...


PARENT = "parent"
"""The link kind on a child instance whose key is the id of the instance that started it."""
CHILD = "child"
"""The link kind on a parent instance whose key is the id of a child it started."""


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
    _guard: str | None = field(default=None, repr=False)
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @cached_property
    def deadlines(self) -> dict[str, Deadline]:
        """The instance's clocks as they stood before this event, on the event's day (a clock
        family as one entry, its members in ``details["members"]``)."""
        return family.deadlines(self.definition, self.clock_records, self.calendar, self.today)

    def check(self, name: str, guard: Callable[[TransitionContext], str | None]) -> bool:
        self._guard = name
        try:
            reason = guard(self)
        finally:
            self._guard = None
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

    def instance(self, instance_id: str) -> Instance | None:
        """Another instance of this agency as it stands in this transaction, without deadlines,
        or ``None`` if this agency has none with that id (another agency's instance is ``None``
        too: its existence is not this agency's business). A read: guards may use it, e.g. to
        check that a case names a request of the agency."""
        return self.port.instance(instance_id)

    @property
    def tables(self) -> WorkflowTables:
        """The workflow packages' own tables (e.g. a ledger 台账) in this transaction: a row
        written here commits with this event or not at all (``ctx.tables.insert(Ledger, ...)``).
        """
        return self.port.tables

    def start(self, workflow: str, data: Mapping[str, Any] | None = None,
              business_key: str | None = None, link: tuple[str, str] | None = None,
              actor: Actor | None = None) -> str:
        """Start a child instance of ``workflow`` in this transaction; the child's id.

        The child belongs to this instance's agency and starts on the latest version of its
        workflow through its own start trigger: that trigger's role check (for ``actor``, by
        default the actor firing this transition, e.g. ``SYSTEM`` when a timer fired it), data
        model, guards, clock effects and actions all apply. It is linked both ways (``("parent",
        this id)`` on the child, ``("child", its id)`` here) and, if given, to ``link``. Parent and
        child commit together or not at all: a refusal of the child (:class:`PermissionDenied`,
        :class:`InvalidData`, :class:`GuardRejected`, :class:`DuplicateBusinessKey` for a
        ``business_key`` the agency already uses, :class:`NotFound` for an unknown workflow)
        refuses this transition, and so does anything that fails after it. Call it from actions,
        never from guards. Closing the parent later does not close its children.
        """
        self._not_in_guard("start")
        try:
            child = self.port.start(workflow, actor or self.actor, data, business_key, self.now)
        except WorkflowError as exc:
            exc.add_note(f"while instance {self.instance_id} ({self.trigger!r}) started a child "
                         f"instance of {workflow!r}; nothing of either was written")
            raise
        self.port.link(child, PARENT, self.instance_id, self.now)
        self.port.link(self.instance_id, CHILD, child, self.now)
        if link is not None:
            kind, key = link
            self.port.link(child, kind, key, self.now)
        return child

    def link(self, kind: str, key: str) -> None:
        """Link this instance to ``(kind, key)``, e.g. ``("document", "某办发〔2026〕3号")``, in
        this transaction; linking the same pair again is no error. Raises :class:`InvalidData`
        unless both are non-empty strings without control characters within the link table's
        limits (64 and 255 characters), or for the kinds ``parent`` and ``child``, which only
        :meth:`start` writes.
        """
        self._not_in_guard("link")
        if kind in (PARENT, CHILD):
            raise InvalidData("link", [{"field": "kind", "message": f"{kind!r} links are made by "
                                        "ctx.start only"}], self.instance_id)
        self.port.link(self.instance_id, kind, key, self.now)

    def _not_in_guard(self, door: str) -> None:
        if self._guard is not None:
            raise DefinitionError(self.definition.name, self.definition.version, [
                f"guard {self._guard!r} called ctx.{door}(); guards are pure: write from actions"])

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Queue a message for subscribers of ``topic``; written to the outbox with the event."""
        self.messages.append((topic, payload))
