"""What a workflow is: immutable definitions, their JSON form, graph, validation and diagram.

Nothing here touches a database or reads the time.
"""

from engine.definition.io import (
    definition_digest,
    definition_from_dict,
    definition_from_json,
    definition_to_dict,
    definition_to_json,
)
from engine.definition.model import (
    ANY_STATE,
    Clock,
    ClockEffect,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)

__all__ = [
    "ANY_STATE", "Clock", "ClockEffect", "State", "Title", "Transition", "WorkflowDefinition",
    "definition_digest", "definition_from_dict", "definition_from_json", "definition_to_dict",
    "definition_to_json",
]
