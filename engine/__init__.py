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
    GuardRejected,
    HistoryTampered,
    InvalidData,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ScheduleError,
    SchemaMismatch,
    WorkflowError,
)
from engine.runtime.engine import Engine
from engine.snapshot import Event, Instance, Link, Schedule
from engine.transition.context import TransitionContext
from engine.transition.registry import Action, Guard, Registry

__all__ = [
    "SYSTEM", "Action", "Actor", "Clock", "ClockEffect", "ConcurrentUpdate", "Deadline",
    "DefinitionError", "DuplicateBusinessKey", "Engine", "Event", "Guard", "GuardRejected",
    "HistoryTampered", "Instance", "InvalidData", "InvalidTransition", "Link", "NotFound",
    "PermissionDenied", "Registry", "Schedule", "ScheduleError", "ScheduleSpec",
    "SchemaMismatch", "State", "Title", "Transition", "TransitionContext", "WorkflowDefinition",
    "WorkflowError",
]
