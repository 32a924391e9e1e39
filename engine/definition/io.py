"""Definitions as plain dicts and canonical JSON, both ways, and their digest.

Loading reports every shape problem at once, each naming its element. The model never imports this
module: I/O depends on the values, not the reverse.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from typing import Any

from engine.definition.model import (
    Clock,
    ClockEffect,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.errors import DefinitionError


class _Reader:
    """Collects shape problems while converting, so one error can report them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def title(self, raw: Any, where: str) -> Title:
        if raw is None:
            return Title("")
        if isinstance(raw, str):
            return Title(raw)
        if isinstance(raw, dict) and isinstance(raw.get("zh", ""), str):
            return Title(raw.get("zh", ""), raw.get("en", ""))
        self.problems.append(f"{where}: title must be a string or {{zh, en}}")
        return Title("")

    def effects(self, raw: Any, where: str) -> tuple[ClockEffect, ...]:
        out = []
        for i, item in enumerate(raw or ()):
            try:
                out.append(ClockEffect(**item))
            except TypeError as exc:
                self.problems.append(f"{where} effect {i}: {exc}")
        return tuple(out)

    def state(self, raw: dict[str, Any], i: int) -> State | None:
        where = f"state {raw.get('name', i)!r}"
        try:
            return State(
                name=raw["name"],
                title=self.title(raw.get("title"), where),
                kind=raw.get("kind", "normal"),
                effects=self.effects(raw.get("effects"), where),
            )
        except (KeyError, TypeError) as exc:
            self.problems.append(f"{where}: missing or bad field {exc}")
            return None

    def transition(self, raw: dict[str, Any], i: int) -> Transition | None:
        where = f"transition {raw.get('trigger', i)!r}"
        try:
            sources = raw["sources"]
            return Transition(
                trigger=raw["trigger"],
                sources=(sources,) if isinstance(sources, str) else tuple(sources),
                dest=raw.get("dest"),
                roles=tuple(raw.get("roles", ())),
                guards=tuple(raw.get("guards", ())),
                actions=tuple(raw.get("actions", ())),
                data=raw.get("data"),
                data_key=raw.get("data_key"),
                merge_data=bool(raw.get("merge_data", True)),
                effects=self.effects(raw.get("effects"), where),
                title=self.title(raw.get("title"), where),
                separate_from=_names(raw.get("separate_from", ())),
            )
        except (KeyError, TypeError) as exc:
            self.problems.append(f"{where}: missing or bad field {exc}")
            return None

    def clock(self, raw: dict[str, Any], i: int) -> Clock | None:
        where = f"clock {raw.get('name', i)!r}"
        try:
            return Clock(
                name=raw["name"],
                length=raw["length"],
                unit=raw.get("unit", "working_days"),
                title=self.title(raw.get("title"), where),
                reminders=tuple(raw.get("reminders", ())),
                on_expiry=raw.get("on_expiry"),
                expiry_date_field=raw.get("expiry_date_field"),
                due_month_day=raw.get("due_month_day"),
                family=raw.get("family", False),
                expiry_key_field=raw.get("expiry_key_field"),
            )
        except (KeyError, TypeError) as exc:
            self.problems.append(f"{where}: missing or bad field {exc}")
            return None


def _names(raw: Any) -> tuple[str, ...]:
    return (raw,) if isinstance(raw, str) else tuple(raw)


def definition_from_dict(raw: dict[str, Any]) -> WorkflowDefinition:
    """Build a definition from its dict form; shape problems raise one :class:`DefinitionError`."""
    name = str(raw.get("name", "?"))
    version = raw.get("version")
    reader = _Reader()
    if not isinstance(version, int) or version < 1:
        reader.problems.append("version must be a positive integer")
    states = [reader.state(s, i) for i, s in enumerate(raw.get("states", ()))]
    transitions = [reader.transition(t, i) for i, t in enumerate(raw.get("transitions", ()))]
    clocks = [reader.clock(c, i) for i, c in enumerate(raw.get("clocks", ()))]
    if reader.problems:
        raise DefinitionError(name, version if isinstance(version, int) else None, reader.problems)
    return WorkflowDefinition(
        name=name,
        version=int(version),  # type: ignore[arg-type]
        title=reader.title(raw.get("title"), "definition"),
        states=tuple(s for s in states if s is not None),
        transitions=tuple(t for t in transitions if t is not None),
        roles=tuple(raw.get("roles", ())),
        clocks=tuple(c for c in clocks if c is not None),
        start_trigger=raw.get("start_trigger", "start"),
        description=raw.get("description", ""),
        settings=dict(raw.get("settings", {})),
    )


def definition_from_json(text: str) -> WorkflowDefinition:
    """The definition in canonical (or any) JSON text; raises :class:`DefinitionError`."""
    return definition_from_dict(json.loads(text))


def definition_to_dict(definition: WorkflowDefinition) -> dict[str, Any]:
    """The definition as JSON-ready dicts and lists (tuples become lists)."""
    return _to_jsonable(definition)  # type: ignore[no-any-return]


def definition_to_json(definition: WorkflowDefinition) -> str:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 kept readable."""
    return json.dumps(definition_to_dict(definition), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def definition_digest(definition: WorkflowDefinition) -> str:
    """SHA-256 of the canonical JSON: two versions registered under one number must match it."""
    return hashlib.sha256(definition_to_json(definition).encode()).hexdigest()


# Fields added after the first stored definitions: left out while they hold their default, so
# a definition that does not use them keeps its canonical JSON and its digest.
_LATER_FIELDS = frozenset({"due_month_day", "family", "expiry_key_field", "due_field",
                           "key_field", "each", "separate_from", "when_field"})


def _to_jsonable(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _to_jsonable(getattr(value, f.name)) for f in fields(value)
                if f.name not in _LATER_FIELDS or getattr(value, f.name) != f.default}
    if isinstance(value, tuple | list):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_jsonable(v) for k, v in value.items()}
    return value
