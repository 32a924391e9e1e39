"""The shape of a definition: every key known, every value of its type, required keys present.

One schema serves both forms of a definition, so they cannot drift apart: the dicts and lists of
its JSON (:func:`dict_problems`, before anything is built from them) and the dataclasses built in
Python (:func:`object_problems`, when a definition is registered). A shape problem names where it
is (``states[3] ('review'): unknown key 'gaurds'``); every problem is reported, none raises
``TypeError`` or ``RecursionError``, whatever the value. ``True`` is not a number, a string is not
a list (except the short forms of JSON ``sources`` and ``separate_from``: one name for a list of
one) and names are non-empty strings of at most :data:`NAME_LIMIT` characters without control
characters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from engine.definition.model import (
    CLOCK_OPS,
    CLOCK_UNITS,
    STATE_KINDS,
    Clock,
    ClockEffect,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.text import shown, text_problem

NAME_LIMIT = 200
"""Characters of a name (state, trigger, role, clock, field, guard, ...)."""

SETTINGS_DEPTH = 16
"""How deeply a definition's settings may nest lists and objects."""

Check = Callable[[Any], "str | None"]


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def name(value: object) -> str | None:
    """Why ``value`` is not a name, or ``None``."""
    return text_problem(value, NAME_LIMIT)


def _text(value: object) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {_kind(value)}"


def _integer(least: int) -> Check:
    def check(value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= least:
            return None
        return f"must be a whole number of at least {least}, not {shown(value)}"
    return check


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {shown(value)}"


def _one_of(options: tuple[str, ...]) -> Check:
    def check(value: object) -> str | None:
        return None if isinstance(value, str) and value in options else (
            f"must be one of {', '.join(options)}, not {shown(value)}")
    return check


def _optional(check: Check) -> Check:
    def optional(value: object) -> str | None:
        return None if value is None else check(value)
    return optional


@dataclass(frozen=True)
class Many:
    """A list of values each passing ``item`` (or each a record); ``one`` allows a single name
    for a list of one in JSON."""

    item: Check | Record
    one: bool = False


@dataclass(frozen=True)
class Record:
    """An object of ``cls``: its fields' checks, and which keys JSON must give."""

    cls: type
    checks: Mapping[str, Check | Many | Record | str]
    required: frozenset[str] = frozenset()


_NAMES = Many(name)
_OPT_NAME = _optional(name)

EFFECT = Record(ClockEffect, {
    "clock": name, "op": _one_of(CLOCK_OPS), "date_field": _OPT_NAME,
    "by": _optional(_integer(1)), "max_times": _optional(_integer(0)), "length_field": _OPT_NAME,
    "due_field": _OPT_NAME, "key_field": _OPT_NAME, "each": _OPT_NAME, "when_field": _OPT_NAME,
}, frozenset({"clock", "op"}))

STATE = Record(State, {"name": name, "title": "title", "kind": _one_of(STATE_KINDS),
                       "effects": Many(EFFECT)}, frozenset({"name"}))

TRANSITION = Record(Transition, {
    "trigger": name, "sources": Many(name, one=True), "dest": _OPT_NAME, "roles": _NAMES,
    "guards": _NAMES, "actions": _NAMES, "data": _OPT_NAME, "data_key": _OPT_NAME,
    "merge_data": _boolean, "effects": Many(EFFECT), "title": "title",
    "separate_from": Many(name, one=True),
}, frozenset({"trigger", "sources", "dest"}))

CLOCK = Record(Clock, {
    "name": name, "length": _integer(0), "unit": _one_of(CLOCK_UNITS), "title": "title",
    "reminders": Many(_integer(1)), "on_expiry": _OPT_NAME, "expiry_date_field": _OPT_NAME,
    "due_month_day": _optional(_text), "family": _boolean, "expiry_key_field": _OPT_NAME,
}, frozenset({"name", "length"}))

DEFINITION = Record(WorkflowDefinition, {
    "name": name, "version": _integer(1), "title": "title", "states": Many(STATE),
    "transitions": Many(TRANSITION), "roles": _NAMES, "clocks": Many(CLOCK),
    "start_trigger": name, "description": _text, "settings": "settings",
}, frozenset({"name", "version", "states", "transitions"}))

RECORDS = (EFFECT, STATE, TRANSITION, CLOCK, DEFINITION)


class _Walk:
    """One pass over a definition in either form, collecting every problem."""

    def __init__(self, python: bool) -> None:
        self.python = python
        self.problems: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{where or 'definition'}: {problem}")

    def record(self, value: Any, rec: Record, where: str) -> None:
        found = self._fields(value, rec, where)
        for key, item in (found or {}).items():
            self.value(item, rec.checks[key], f"{where}.{key}" if where else key)

    def _fields(self, value: Any, rec: Record, where: str) -> dict[str, Any] | None:
        if self.python:
            if not isinstance(value, rec.cls):
                self.add(where, f"must be a {rec.cls.__name__}, not {_kind(value)}")
                return None
            return {f.name: getattr(value, f.name) for f in fields(rec.cls)}
        if not isinstance(value, dict):
            self.add(where, f"must be an object, not {_kind(value)}")
            return None
        for key in value:
            if key not in rec.checks:
                self.add(where, f"unknown key {shown(key)}")
        for key in sorted(rec.required - value.keys()):
            self.add(where, f"missing key {shown(key)}")
        return {k: v for k, v in value.items() if k in rec.checks}

    def value(self, value: Any, check: Check | Many | Record | str, where: str) -> None:
        if isinstance(check, Record):
            self.record(value, check, where)
        elif isinstance(check, Many):
            self.many(value, check, where)
        elif check == "title":
            self.title(value, where)
        elif check == "settings":
            self.settings(value, where)
        else:
            problem = check(value)  # type: ignore[operator]
            if problem:
                self.add(where, problem)

    def many(self, value: Any, many: Many, where: str) -> None:
        listed = tuple if self.python else list
        if many.one and not self.python and isinstance(value, str):
            self.value(value, many.item, where)
            return
        if not isinstance(value, listed):
            what = ("tuple" if self.python else "list") + (" of names" if many.item is name else "")
            self.add(where, f"must be a {what}, not the string {shown(value)}"
                     if isinstance(value, str) else f"must be a {what}, not {_kind(value)}")
            return
        for i, item in enumerate(value):
            self.value(item, many.item, f"{where}[{i}]{_label(item, self.python)}")

    def title(self, value: Any, where: str) -> None:
        if self.python:
            if not isinstance(value, Title):
                self.add(where, f"must be a Title, not {_kind(value)}")
                return
            raw = {"zh": value.zh, "en": value.en}
        elif isinstance(value, str):
            return
        elif not isinstance(value, dict):
            self.add(where, f"must be a string or an object with zh and en, not {_kind(value)}")
            return
        else:
            raw = value
            self.problems += [f"{where}: unknown key {shown(k)}" for k in raw
                              if k not in ("zh", "en")]
        for key in ("zh", "en"):
            if key in raw and not isinstance(raw[key], str):
                self.add(f"{where}.{key}", f"must be a string, not {_kind(raw[key])}")

    def settings(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            self.add(where, f"must be an object, not {_kind(value)}")
            return
        todo: list[tuple[Any, str, int]] = [(value, where, 0)]
        while todo:
            item, at, depth = todo.pop()
            if depth > SETTINGS_DEPTH:
                self.add(at, f"nests deeper than {SETTINGS_DEPTH} levels")
            elif isinstance(item, dict):
                for key, inner in item.items():
                    if not isinstance(key, str):
                        self.add(at, f"key {shown(key)} must be a string")
                    todo.append((inner, f"{at}.{shown(key)[:20]}", depth + 1))
            elif isinstance(item, list | tuple):
                todo += [(inner, f"{at}[{i}]", depth + 1) for i, inner in enumerate(item)]
            elif isinstance(item, float) and not math.isfinite(item):
                self.add(at, f"must be a finite number, not {item}")
            elif item is not None and not isinstance(item, str | int | float):
                self.add(at, f"must be a JSON value, not {_kind(item)}")


def _label(item: Any, python: bool) -> str:
    """`` ('review')`` after an element's index: its name or trigger when it has one."""
    for key in ("name", "trigger"):
        value = getattr(item, key, None) if python else (
            item.get(key) if isinstance(item, dict) else None)
        if isinstance(value, str):
            return f" ({shown(value)})"
    return ""


def dict_problems(raw: object) -> list[str]:
    """The shape problems of a definition's JSON form (``json.loads`` output); none raises."""
    walk = _Walk(python=False)
    walk.record(raw, DEFINITION, "")
    return walk.problems


def object_problems(definition: object) -> list[str]:
    """The shape problems of a definition built in Python (tuples, not lists; dataclasses, not
    dicts); none raises."""
    walk = _Walk(python=True)
    walk.record(definition, DEFINITION, "")
    return walk.problems
