"""gongkai's generic workflow engine: definitions as data, persisted instances, audited transitions,
working-day clocks and durable timers. It knows nothing of disclosure law; ``workflows`` does."""

from engine.actor import SYSTEM, Actor
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
    DefinitionError,
    DuplicateBusinessKey,
    DuplicateRow,
    GuardRejected,
    HistoryTampered,
    InvalidData,
    InvalidRow,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ScheduleError,
    SchemaMismatch,
    TableMisuse,
    WorkflowError,
)
from engine.runtime.engine import Engine
from engine.snapshot import Event, Instance, Link, Schedule
from engine.transition.context import TransitionContext
from engine.transition.registry import Action, Guard, Registry

__all__ = [
    "SYSTEM", "Action", "Actor", "Clock", "ClockEffect", "ConcurrentUpdate", "Deadline",
    "DefinitionError", "DuplicateBusinessKey", "DuplicateRow", "Engine", "Event", "Guard",
    "GuardRejected", "HistoryTampered", "Instance", "InvalidData", "InvalidRow",
    "InvalidTransition", "Link", "NotFound", "PermissionDenied", "Registry", "Schedule",
    "ScheduleError", "ScheduleSpec", "SchemaMismatch", "State", "TableMisuse", "Title",
    "Transition", "TransitionContext", "WorkflowDefinition", "WorkflowError",
]
