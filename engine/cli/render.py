"""How the commands print instances: one tab-separated line each, personal data masked.

Each line is built from a :class:`Shown` instance, its data already masked (or not, with
``--show-personal-data``), so no column can leak what the definition marks personal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.clocks.deadline import Deadline
from engine.definition.model import WorkflowDefinition
from engine.personal import mask_personal, personal_paths
from engine.snapshot import Instance


def one_line(text: str | None) -> str:
    """An error as one line of a tab-separated listing."""
    return " | ".join(line.strip() for line in (text or "").splitlines() if line.strip())


def compact_json(value: Any) -> str:
    """``value`` as compact JSON, Chinese left readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Shown:
    """An instance as a command shows it: its definition and its data fit to print."""

    instance: Instance
    definition: WorkflowDefinition
    data: Mapping[str, Any]
    unmasked: bool

    @property
    def label(self) -> str:
        """The definition's ``label_field`` value (a register number), else the business key."""
        field = self.definition.settings.get("label_field")
        value = self.data.get(field) if isinstance(field, str) else None
        return str(value or self.instance.business_key or "")

    def masked(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Other data of this instance (an event's) masked as its own is."""
        return data if self.unmasked else mask_personal(data, personal_paths(
            self.definition.settings))


def shown(instance: Instance, definition: WorkflowDefinition, unmasked: bool) -> Shown:
    """``instance`` with its data masked by ``definition``'s personal-data paths unless
    ``unmasked``."""
    data = instance.data if unmasked else mask_personal(
        instance.data, personal_paths(definition.settings))
    return Shown(instance, definition, data, unmasked)


def due_text(d: Deadline | None) -> str:
    """``reply due 2025-03-31`` (``OVERDUE`` appended once past), or ``-`` for none."""
    if d is None:
        return "-"
    due = d.due_date.isoformat() if d.due_date else "-"
    return f"{d.clock} due {due}{' OVERDUE' if d.overdue else ''}"


def nearest_text(instance: Instance) -> str:
    """The instance's most urgent running deadline as :func:`due_text` prints it."""
    from engine.runtime.worklist import nearest_deadline

    return due_text(nearest_deadline(instance))


def deadline_line(d: Deadline) -> str:
    """One clock: ``deadline``, clock, state, due date, units used and left (provisional
    marked)."""
    due = d.due_date.isoformat() if d.due_date else "-"
    flags = "".join((" OVERDUE" if d.overdue else "", " provisional" if d.provisional else ""))
    return (f"deadline\t{d.clock}\t{d.state}\tdue {due}{flags}\t"
            f"used {d.used} left {d.left} {d.unit}")


def waiting_notes(data: Mapping[str, Any], field: object) -> str:
    """The notes of what the instance waits for (each entry's ``note``), as a trailing column."""
    entries = data.get(field) if isinstance(field, str) else None
    notes = [e["note"] for e in entries or () if isinstance(e, dict) and e.get("note")]
    return f"\t{'; '.join(notes)}" if notes else ""
