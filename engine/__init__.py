"""gongkai's generic workflow engine: definitions as data, persisted instances, audited transitions,
working-day clocks and durable timers. It knows nothing of disclosure law; ``workflows`` does."""

from engine.actor import SYSTEM, Actor
from engine.clocks import Deadline
from engine.definition import (
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
    WorkflowError,
)
from engine.registry import Registry
from engine.runtime import Engine
from engine.snapshot import Event, Instance

__all__ = [
    "SYSTEM", "Actor", "Clock", "ClockEffect", "ConcurrentUpdate", "Deadline", "DefinitionError",
    "DuplicateBusinessKey", "Engine", "Event", "GuardRejected", "HistoryTampered", "Instance",
    "InvalidData", "InvalidTransition", "NotFound", "PermissionDenied", "Registry", "State",
    "Title", "Transition", "WorkflowDefinition", "WorkflowError",
]
