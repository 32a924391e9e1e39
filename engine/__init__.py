"""gongkai's generic workflow engine: definitions as data, persisted instances, audited transitions,
working-day clocks and durable timers. It knows nothing of disclosure law; ``workflows`` does.

Names are imported when first used (``engine.Engine`` loads the runtime and SQLAlchemy; the
errors and definitions do not), so a command line that only shows its help starts quickly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.actor import SYSTEM, Actor, grant_system
    from engine.clocks.deadline import Deadline
    from engine.clocks.schedules import ScheduleSpec
    from engine.definition.model import (
        Clock,
        ClockEffect,
        State,
        Title,
        Transition,
        WorkflowDefinition,
    )
    from engine.errors import (
        ConcurrentUpdate,
        DatabaseBusy,
        DatabaseReadOnly,
        DatabaseUnavailable,
        DeadlineError,
        DefinitionError,
        DiskFull,
        DuplicateBusinessKey,
        DuplicateRow,
        GuardRejected,
        HistoryTampered,
        InvalidArgument,
        InvalidData,
        InvalidRow,
        InvalidTransition,
        NotFound,
        PermissionDenied,
        ScheduleError,
        SchemaMismatch,
        StorageError,
        TableMisuse,
        WorkflowError,
    )
    from engine.limits import Limits
    from engine.runtime.engine import Engine
    from engine.snapshot import Event, Instance, Link, Schedule
    from engine.transition.context import TransitionContext
    from engine.transition.registry import Action, Guard, Registry

__all__ = [
    "Action", "Actor", "Clock", "ClockEffect", "ConcurrentUpdate", "DatabaseBusy",
    "DatabaseReadOnly", "DatabaseUnavailable", "Deadline", "DeadlineError", "DefinitionError",
    "DiskFull", "DuplicateBusinessKey", "DuplicateRow", "Engine", "Event", "Guard",
    "GuardRejected", "HistoryTampered", "Instance", "InvalidArgument", "InvalidData", "InvalidRow",
    "InvalidTransition", "Limits", "Link", "NotFound", "PermissionDenied", "Registry", "SYSTEM",
    "Schedule",
    "ScheduleError", "ScheduleSpec", "SchemaMismatch", "State", "StorageError", "TableMisuse",
    "Title", "Transition", "TransitionContext", "WorkflowDefinition", "WorkflowError",
    "grant_system",
]
_HOME = {
    "Action": "engine.transition.registry",
    "Actor": "engine.actor",
    "Clock": "engine.definition.model",
    "ClockEffect": "engine.definition.model",
    "ConcurrentUpdate": "engine.errors",
    "DatabaseBusy": "engine.errors",
    "DatabaseReadOnly": "engine.errors",
    "DatabaseUnavailable": "engine.errors",
    "Deadline": "engine.clocks.deadline",
    "DeadlineError": "engine.errors",
    "DefinitionError": "engine.errors",
    "DiskFull": "engine.errors",
    "DuplicateBusinessKey": "engine.errors",
    "DuplicateRow": "engine.errors",
    "Engine": "engine.runtime.engine",
    "Event": "engine.snapshot",
    "Guard": "engine.transition.registry",
    "GuardRejected": "engine.errors",
    "HistoryTampered": "engine.errors",
    "Instance": "engine.snapshot",
    "InvalidArgument": "engine.errors",
    "InvalidData": "engine.errors",
    "InvalidRow": "engine.errors",
    "InvalidTransition": "engine.errors",
    "Limits": "engine.limits",
    "Link": "engine.snapshot",
    "NotFound": "engine.errors",
    "PermissionDenied": "engine.errors",
    "Registry": "engine.transition.registry",
    "SYSTEM": "engine.actor",
    "Schedule": "engine.snapshot",
    "ScheduleError": "engine.errors",
    "ScheduleSpec": "engine.clocks.schedules",
    "SchemaMismatch": "engine.errors",
    "State": "engine.definition.model",
    "StorageError": "engine.errors",
    "TableMisuse": "engine.errors",
    "Title": "engine.definition.model",
    "Transition": "engine.definition.model",
    "TransitionContext": "engine.transition.context",
    "WorkflowDefinition": "engine.definition.model",
    "WorkflowError": "engine.errors",
    "grant_system": "engine.actor",
}
"""Where each public name lives."""


def __getattr__(name: str) -> Any:
    try:
        home = _HOME[name]
    except KeyError:
        raise AttributeError(f"module 'engine' has no attribute {name!r}") from None
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
