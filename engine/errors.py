"""The engine's error hierarchy.

Every refused call raises a subclass of :class:`WorkflowError` and leaves the database exactly as
it was. Each error keeps its facts in fields (instance, state, trigger, ...) and builds its message
from them, so an embedding system can react to the fields and show the message to staff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.text import shown


class WorkflowError(Exception):
    """Base class of every error the engine raises on purpose."""


class DefinitionError(WorkflowError):
    """A workflow definition is invalid; ``problems`` lists every problem found, not the first."""

    def __init__(self, name: str, version: int | None, problems: Sequence[str]) -> None:
        self.name = name
        self.version = version
        self.problems = tuple(problems)
        label = f"{name} v{version}" if version is not None else name
        super().__init__(f"definition {label} is invalid ({_count(self.problems)}):\n"
                         f"{_lines(self.problems)}")


def _count(problems: Sequence[str]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


def _lines(problems: Sequence[str]) -> str:
    return "\n".join(f"  - {p}" for p in problems)


class TableMisuse(DefinitionError):
    """A workflow package used one of its registered tables wrongly at run time: a table not
    registered with the engine, a column the table lacks, ``agency`` given, ``get`` without the
    whole primary key. A mistake of the package's code, not of the data a user sent."""

    def __init__(self, table: str, problems: Sequence[str]) -> None:
        self.name = table
        self.version = None
        self.problems = tuple(problems)
        WorkflowError.__init__(self, f"workflow table {table!r} used wrongly: "
                               + (self.problems[0] if len(self.problems) == 1
                                  else f"{_count(self.problems)}:\n{_lines(self.problems)}"))


class NotFound(WorkflowError, LookupError):
    """An instance, definition or other record does not exist."""

    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {shown(key)} not found")


class InvalidTransition(WorkflowError):
    """The trigger is not valid in the instance's current state."""

    def __init__(
        self, instance_id: str, state: str, trigger: str, valid: Iterable[str], reason: str = ""
    ) -> None:
        self.instance_id = instance_id
        self.state = state
        self.trigger = trigger
        self.valid = tuple(sorted(valid))
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"cannot fire {shown(trigger)} on instance {instance_id} in state {state!r}{why}; "
            f"valid triggers here: {', '.join(self.valid) or 'none'}"
        )


class GuardRejected(WorkflowError):
    """A guard refused the transition; ``guard`` names it and ``reason`` says why."""

    def __init__(self, instance_id: str, state: str, trigger: str, guard: str, reason: str) -> None:
        self.instance_id = instance_id
        self.state = state
        self.trigger = trigger
        self.guard = guard
        self.reason = reason
        super().__init__(
            f"{trigger!r} on instance {instance_id} in state {state!r} refused by guard "
            f"{guard!r}: {reason}"
        )


class PermissionDenied(WorkflowError):
    """The actor holds none of the roles the transition allows, or a rule bars this actor.

    ``rule`` names the rule that refused an actor holding an allowed role (today only
    ``"separation of duties"``), and ``earlier_trigger`` the trigger this actor fired earlier on
    the instance that the rule separates from.
    """

    def __init__(
        self,
        instance_id: str | None,
        trigger: str,
        actor_id: str,
        roles: Iterable[str],
        allowed: Iterable[str],
        rule: str | None = None,
        earlier_trigger: str | None = None,
    ) -> None:
        self.instance_id = instance_id
        self.trigger = trigger
        self.actor_id = actor_id
        self.roles = tuple(sorted(roles))
        self.allowed = tuple(sorted(allowed))
        self.rule = rule
        self.earlier_trigger = earlier_trigger
        where = f" on instance {instance_id}" if instance_id else ""
        if rule is not None:
            earlier = (f"it fired {earlier_trigger!r} on this instance"
                       if earlier_trigger else "a rule bars it")
            super().__init__(
                f"actor {actor_id!r} may not fire {trigger!r}{where}: {earlier} ({rule})")
            return
        super().__init__(
            f"actor {actor_id!r} with roles {list(self.roles)} may not fire {trigger!r}{where}; "
            f"allowed roles: {list(self.allowed)}"
        )


class InvalidData(WorkflowError, ValueError):
    """The data given with a trigger does not fit its model; ``errors`` has one entry a field."""

    def __init__(self, trigger: str, errors: Sequence[dict[str, Any]],
                 instance_id: str | None = None) -> None:
        self.trigger = trigger
        self.instance_id = instance_id
        self.errors = tuple(errors)
        where = f" on instance {instance_id}" if instance_id else ""
        detail = "; ".join(f"{e.get('field', '?')}: {e.get('message', '')}" for e in self.errors)
        super().__init__(f"invalid data for {trigger!r}{where}: {detail}")


class InvalidRow(WorkflowError, ValueError):
    """Values for a workflow table do not fit its columns (a wrong type, a number out of the
    column's range, a missing required column, a constraint the database enforces); ``errors``
    has one entry a column: ``{"column": ..., "message": ...}``. Checked before the statement
    runs, so SQLite (which would store most of them) and PostgreSQL refuse alike."""

    def __init__(self, table: str, errors: Sequence[dict[str, str]]) -> None:
        self.table = table
        self.errors = tuple(errors)
        detail = "; ".join(f"{e.get('column', '?')}: {e.get('message', '')}" for e in self.errors)
        super().__init__(f"invalid values for workflow table {table!r}: {detail}")


class DuplicateRow(WorkflowError):
    """The agency already has a row of the workflow table with this key (its primary key, or
    the columns of a unique constraint); ``key`` maps those columns, ``agency`` left out, to the
    values given."""

    def __init__(self, table: str, key: Mapping[str, Any], agency: str) -> None:
        self.table = table
        self.key = dict(key)
        self.agency = agency
        shown = ", ".join(f"{k}={v!r}" for k, v in self.key.items())
        super().__init__(
            f"workflow table {table!r} already has a row of agency {agency!r} with {shown}")


class ConcurrentUpdate(WorkflowError):
    """Another writer changed the instance first (optimistic locking)."""

    def __init__(self, instance_id: str, expected: int, actual: int | None) -> None:
        self.instance_id = instance_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"instance {instance_id} was changed concurrently: expected row version {expected}, "
            f"found {actual}"
        )


class DuplicateBusinessKey(WorkflowError):
    """An open or closed instance of the workflow already carries this business key."""

    def __init__(self, workflow: str, business_key: str) -> None:
        self.workflow = workflow
        self.business_key = business_key
        super().__init__(
            f"workflow {workflow!r} already has an instance with business key {business_key!r}")


class HistoryTampered(WorkflowError):
    """The hash chain of an instance's history does not verify."""

    def __init__(self, instance_id: str, sequence: int, reason: str) -> None:
        self.instance_id = instance_id
        self.sequence = sequence
        self.reason = reason
        super().__init__(
            f"history of instance {instance_id} is broken at event {sequence}: {reason}")


class HistoryKeyMissing(HistoryTampered):
    """An event is keyed (HMAC) with a history key this engine does not have (none configured,
    or another one): its chain cannot be checked. ``key_id`` names the event's key,
    ``engine_key_id`` the engine's (``None``: no key configured)."""

    def __init__(self, instance_id: str, sequence: int, key_id: str,
                 engine_key_id: str | None) -> None:
        self.key_id = key_id
        self.engine_key_id = engine_key_id
        have = ("no history key is configured (GONGKAI_HISTORY_KEY_FILE)"
                if engine_key_id is None else f"the engine's key is {engine_key_id}")
        super().__init__(instance_id, sequence,
                         f"it is keyed with history key {key_id} and {have}: cannot be checked")


class SchemaMismatch(WorkflowError):
    """The database was created by another schema version of gongkai, or holds another version
    of a workflow package's tables (``key`` is then ``tables:<package>``)."""

    def __init__(self, found: str, expected: str, key: str = "schema_version") -> None:
        self.found = found
        self.expected = expected
        self.key = key
        package = key.removeprefix("tables:") if key.startswith("tables:") else None
        if package is not None:
            super().__init__(
                f"the database holds version {found!r} of package {package!r}'s tables "
                f"(gongkai_meta {key!r}), not the package's version {expected!r}; migrate the "
                "package's tables or use a matching release of the package")
            return
        what = "schema version" if key == "schema_version" else f"version of {key}"
        super().__init__(
            f"database {what} {found!r} does not match this gongkai's {expected!r}; "
            "migrate the database or use a matching gongkai release"
        )


class ScheduleError(WorkflowError, ValueError):
    """A schedule spec is invalid, or has no occurrence; ``problems`` lists every problem found.

    ``spec`` is what was given: the raw dict passed to ``from_dict``, or the fields passed to a
    constructor, or the spec's own dict when it has no occurrence.
    """

    def __init__(self, spec: object, problems: Sequence[str]) -> None:
        self.spec = spec
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"schedule {shown(spec)}: {count} problem{'s' if count != 1 else ''}:\n{lines}")


class InvalidArgument(WorkflowError, ValueError):
    """An argument of a public call has the right type but a value it cannot take (a page size of
    0, negative retries, an actor id of blanks); ``argument`` names it. A value of the wrong
    type is a programming error of the caller and raises ``TypeError`` instead."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"argument {argument!r} {problem}")


class StorageError(WorkflowError):
    """The database could not do what was asked: it cannot be reached or opened, it is read-only,
    locked past the wait, or out of space. Nothing was written; the database driver's error is
    kept as ``cause`` (and ``__cause__``). The same engine works again once the fault is gone."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        self.cause = cause
        super().__init__(message)


class DatabaseUnavailable(StorageError):
    """The database cannot be opened or reached: a missing directory or file, a URL of a scheme
    gongkai does not support, a driver not installed, a server down or a connection dropped."""


class DatabaseReadOnly(StorageError):
    """The database (or its file, or its directory) does not accept writes."""


class DatabaseBusy(StorageError):
    """Another process held a lock on the database for longer than the engine waits."""


class DiskFull(StorageError):
    """The database ran out of space; the transaction was rolled back."""


class DeadlineError(WorkflowError):
    """A deadline cannot be counted: the working-day calendar refused (a date outside the years
    it covers, a year without a schedule in strict mode). ``cause`` is the calendar's error;
    ``year`` the year it lacks data for, when it says so."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        self.cause = cause
        self.year: int | None = getattr(cause, "year", None)
        super().__init__(message)
