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
from engine.definition.schema import dict_problems
from engine.definition.schema import name as name_problem
from engine.errors import DefinitionError
from engine.json_text import JSONTextError, read_json


def _title(raw: Any) -> Title:
    if raw is None:
        return Title("")
    return Title(raw) if isinstance(raw, str) else Title(raw.get("zh", ""), raw.get("en", ""))


def _names(raw: Any) -> tuple[str, ...]:
    return (raw,) if isinstance(raw, str) else tuple(raw)


def _effects(raw: dict[str, Any]) -> tuple[ClockEffect, ...]:
    return tuple(ClockEffect(**e) for e in raw.get("effects", ()))


def _state(raw: dict[str, Any]) -> State:
    return State(name=raw["name"], title=_title(raw.get("title")),
                 kind=raw.get("kind", "normal"), effects=_effects(raw))


def _transition(raw: dict[str, Any]) -> Transition:
    return Transition(
        trigger=raw["trigger"], sources=_names(raw["sources"]), dest=raw["dest"],
        roles=tuple(raw.get("roles", ())), guards=tuple(raw.get("guards", ())),
        actions=tuple(raw.get("actions", ())), data=raw.get("data"),
        data_key=raw.get("data_key"), merge_data=raw.get("merge_data", True),
        effects=_effects(raw), title=_title(raw.get("title")),
        separate_from=_names(raw.get("separate_from", ())))


def _clock(raw: dict[str, Any]) -> Clock:
    kept = {k: v for k, v in raw.items() if k not in ("title", "reminders")}
    return Clock(**kept, title=_title(raw.get("title")),
                 reminders=tuple(raw.get("reminders", ())))


def _label(raw: object) -> tuple[str, int | None]:
    """The name and version a refused definition is reported under."""
    name = raw.get("name") if isinstance(raw, dict) else None
    version = raw.get("version") if isinstance(raw, dict) else None
    return (name if isinstance(name, str) and name_problem(name) is None else "(unnamed)",
            version if isinstance(version, int) and not isinstance(version, bool) else None)


def definition_from_dict(raw: object) -> WorkflowDefinition:
    """Build a definition from its dict form (JSON's, or hand-written).

    Every key must be known, every value of its type, ``name``, ``version``, ``states`` and
    ``transitions`` (each with ``trigger``, ``sources`` and ``dest``, ``null`` for an internal
    one) given; a title may be a plain string, and ``sources`` and ``separate_from`` one name.
    Raises one :class:`DefinitionError` listing every shape problem
    (:mod:`engine.definition.schema`); the rules between elements are :func:`validate`'s.
    """
    problems = dict_problems(raw)
    if problems:
        raise DefinitionError(*_label(raw), problems)
    assert isinstance(raw, dict)
    return WorkflowDefinition(
        name=raw["name"], version=raw["version"], title=_title(raw.get("title")),
        states=tuple(map(_state, raw["states"])),
        transitions=tuple(map(_transition, raw["transitions"])),
        roles=tuple(raw.get("roles", ())), clocks=tuple(map(_clock, raw.get("clocks", ()))),
        start_trigger=raw.get("start_trigger", "start"),
        description=raw.get("description", ""), settings=dict(raw.get("settings", {})))


def definition_from_json(text: str) -> WorkflowDefinition:
    """The definition in canonical (or any) JSON text; raises :class:`DefinitionError` for text
    that is not JSON (or nests too deeply to read) and for every problem
    :func:`definition_from_dict` finds."""
    try:
        raw = read_json(text)
    except JSONTextError as exc:
        raise DefinitionError("(unnamed)", None, [str(exc)]) from None
    return definition_from_dict(raw)


def definition_to_dict(definition: WorkflowDefinition) -> dict[str, Any]:
    """The definition as JSON-ready dicts and lists (tuples become lists)."""
    return _to_jsonable(definition)  # type: ignore[no-any-return]


def definition_to_json(definition: WorkflowDefinition) -> str:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 kept readable."""
    return json.dumps(definition_to_dict(definition), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def definition_digest(definition: WorkflowDefinition) -> str:
    """SHA-256 of the canonical JSON: two versions registered under one number must match it."""
    return json_digest(definition_to_json(definition))


def json_digest(text: str) -> str:
    """The digest of a definition's canonical JSON ``text`` (:func:`definition_digest`)."""
    return hashlib.sha256(text.encode()).hexdigest()


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
