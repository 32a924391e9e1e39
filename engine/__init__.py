"""gongkai's generic workflow engine: definitions as data, persisted instances, audited transitions,
working-day clocks and durable timers. It knows nothing of disclosure law; ``workflows`` does."""

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
