"""Workflow definitions as immutable data.

A :class:`WorkflowDefinition` is a value: states, transitions, statutory clocks and roles, with
guards, actions and data models referenced by *name*. ``engine.definition.io`` dumps it to and
loads it from JSON exactly, so an agency can adapt a definition (add a state, change a role)
without forking code, and an instance can always be explained by the very definition it ran on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

StateKind = Literal["initial", "normal", "terminal"]
ClockUnit = Literal["working_days", "calendar_days"]
ClockOp = Literal["start", "pause", "resume", "restart", "extend", "stop"]
ANY_STATE = "*"

STATE_KINDS: tuple[str, ...] = ("initial", "normal", "terminal")
CLOCK_UNITS: tuple[str, ...] = ("working_days", "calendar_days")
CLOCK_OPS: tuple[str, ...] = ("start", "pause", "resume", "restart", "extend", "stop")


def member_name(clock: str, key: str) -> str:
    """The name of a family member's record and timers: ``consultation[甲公司]``."""
    return f"{clock}[{key}]"


def split_member(name: str) -> tuple[str, str | None]:
    """(family, key) of a member name; (name, None) for a plain clock name."""
    clock, bracket, rest = name.partition("[")
    if not bracket or not rest.endswith("]"):
        return name, None
    return clock, rest[:-1]


@dataclass(frozen=True)
class Title:
    """A name for people: Chinese for agency staff, English for everyone else."""

    zh: str
    en: str = ""

    def __str__(self) -> str:
        return f"{self.zh} {self.en}".strip()


@dataclass(frozen=True)
class ClockEffect:
    """What a transition (or entering a state) does to a statutory clock.

    ``date_field`` names the event-data field holding the day of the effect (agencies often record
    an event a day or two after it happened); without it the event's own date counts. ``by`` is the
    number of units an ``extend`` adds, and ``max_times`` how often the clock may be extended.
    ``length_field`` names the data field giving the period's length (``start``, ``restart``) or
    the units added (``extend``) when the event decides them, e.g. a period set for the applicant.
    ``due_field`` names the data field holding the due date (an ISO date, the period's last day)
    of a clock due on a date, for ``start`` and ``restart``: the event must give it unless the
    clock has a ``due_month_day`` to fall back on, and it lies on or after the start day and at
    most ``engine.clocks.record.MAX_YEARS`` (10) years after it. Every date an effect reads is a
    strict ``YYYY-MM-DD``; a missing ``date_field`` value dates the effect on the event's day;
    a ``length_field`` value is a positive whole number (an ``extend`` without ``by`` needs it).

    On a clock family (``Clock.family``), ``key_field`` names the data field holding the member's
    key (e.g. the consulted party): the effect acts on that member only, and ``start`` and
    ``restart`` need it; without it ``pause``, ``resume``, ``extend`` and ``stop`` act on every
    member. ``each`` names a data field holding a list of objects: the effect then applies once
    per object, in list order, and ``key_field``, ``date_field``, ``due_field`` and
    ``length_field`` are read from each object — one consultation letter per party, each party
    counted from the day *it* received its letter (条例 32, 34). A key may appear once per list,
    and a keyed ``pause``, ``resume``, ``extend`` or ``stop`` must name a member that was started
    (a mistyped party is refused); an unkeyed one acts on whatever members there are.

    ``when_field`` makes the effect conditional: it applies only when the event's data carries
    that field (not empty) — e.g. a publication period that starts at the draft of a document
    converted to active disclosure, and at its signing otherwise (条例 26 "变更").
    """

    clock: str
    op: ClockOp
    date_field: str | None = None
    by: int | None = None
    max_times: int | None = None
    length_field: str | None = None
    due_field: str | None = None
    key_field: str | None = None
    each: str | None = None
    when_field: str | None = None


@dataclass(frozen=True)
class Clock:
    """A statutory period (e.g. 答复期限, 20 working days under 条例 33).

    ``reminders`` are units before the due date on which a reminder timer fires; ``on_expiry`` is
    the trigger fired automatically when the period runs out, or ``None`` to record an overdue mark.
    ``expiry_date_field`` names the data field in which that trigger receives the due date (the
    last day of the period), so the effects it causes are dated by the law, not by the worker.

    A clock *due on a date* (e.g. a review round that must finish by 31 December) has no length
    (``length=0``): its due date is ``due_month_day`` (``"MM-DD"``: the next such date on or after
    the start day) or the date its ``start``/``restart`` effect reads from ``due_field``. Its
    ``unit`` still counts reminders (units before the date), extensions (units added after the
    date) and the snapshot's ``used``/``left``; pausing it does not move its date.

    A clock ``family`` is one clock per key (e.g. one consultation period per consulted party):
    each member is its own record, timers and epoch, named ``member_name(clock, key)``, e.g.
    ``consultation[甲公司]``. ``expiry_key_field`` names the data field in which the expiry
    trigger receives the key of the member that ran out.
    """

    name: str
    length: int = 0
    unit: ClockUnit = "working_days"
    title: Title = Title("")
    reminders: tuple[int, ...] = ()
    on_expiry: str | None = None
    expiry_date_field: str | None = None
    due_month_day: str | None = None
    family: bool = False
    expiry_key_field: str | None = None


@dataclass(frozen=True)
class State:
    """A state of the procedure; ``effects`` apply to clocks whenever the state is entered."""

    name: str
    title: Title = Title("")
    kind: StateKind = "normal"
    effects: tuple[ClockEffect, ...] = ()


@dataclass(frozen=True)
class Transition:
    """A trigger that moves an instance from one of ``sources`` to ``dest``.

    ``sources`` may be ``("*",)`` for every non-terminal state; ``dest=None`` is an internal
    transition (no state change). ``guards`` and ``actions`` are names resolved from a registry;
    ``data`` names the registered pydantic model the trigger's data must fit. The validated data is
    merged into the instance's data (or stored under ``data_key``) unless ``merge_data`` is off.

    ``separate_from`` names earlier triggers whose actors may not fire this one on the same
    instance (separation of duties, e.g. 先审后发: the drafter does not approve their own
    document); actors are compared by id.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str | None
    roles: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    data: str | None = None
    data_key: str | None = None
    merge_data: bool = True
    effects: tuple[ClockEffect, ...] = ()
    title: Title = Title("")
    separate_from: tuple[str, ...] = ()

    @property
    def internal(self) -> bool:
        return self.dest is None


@dataclass(frozen=True)
class WorkflowDefinition:
    """An immutable, versioned workflow definition; validated when loaded or registered.

    ``settings`` are options of the definition's own rules (e.g. whether a fee notice pauses the
    reply period). The engine reads one: ``label_field``, the data field that names an instance
    to people (a register number) in worklists.
    """

    name: str
    version: int
    title: Title
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    roles: tuple[str, ...] = ()
    clocks: tuple[Clock, ...] = ()
    start_trigger: str = "start"
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def state(self, name: str) -> State:
        """The state called ``name`` (the first, if declared twice); ``KeyError`` if none."""
        return self._states_by_name[name]

    @cached_property
    def _states_by_name(self) -> dict[str, State]:
        return {s.name: s for s in reversed(self.states)}

    def clock(self, name: str) -> Clock:
        """The clock called ``name``; a family member's name (``consultation[甲公司]``) resolves
        to its family's clock."""
        for c in self.clocks:
            if c.name == name:
                return c
        family, key = split_member(name)
        if key is not None:
            for c in self.clocks:
                if c.name == family and c.family:
                    return c
        raise KeyError(name)

    @property
    def initial_state(self) -> State:
        return next(s for s in self.states if s.kind == "initial")

    @cached_property
    def terminal_states(self) -> frozenset[str]:
        return frozenset(s.name for s in self.states if s.kind == "terminal")

    def with_version(self, version: int) -> WorkflowDefinition:
        return replace(self, version=version)
