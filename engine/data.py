"""What the data given with a trigger may hold, whether or not the trigger has a model.

Every trigger's data is checked here before anything else reads it, so SQLite and PostgreSQL
store and refuse the same values: an object with text keys, nested at most ``Limits.depth``
levels, of bounded size, whose values are text, whole numbers of 64 bits, finite numbers,
true/false, null, lists and objects (dates and decimals too when a model turns them into text).
Text is put in Unicode normal form NFC and trimmed; control characters (but tabs and line
breaks), invisible format characters and lone surrogates are refused. The walk is iterative, so
no nesting can exhaust the interpreter's stack.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.limits import Limits
from engine.text import free_text_problem, normal_text, shown, text_problem

INT_RANGE = (-(2**63), 2**63 - 1)
"""Whole numbers both back ends keep exactly."""
MODEL_ONLY = (dt.date, dt.time, Decimal)
"""Values a trigger's model may turn into text (an ISO date, a decimal amount); refused as
stored values."""
SHOWN_PROBLEMS = 10


class _Walk:
    """One pass over a value: the problems found and the characters counted."""

    def __init__(self, limits: Limits, strict: bool) -> None:
        self.limits = limits
        self.strict = strict
        self.problems: list[dict[str, str]] = []
        self.size = 0

    def problem(self, path: str, message: str) -> None:
        self.problems.append({"field": path or "(data)", "message": message})

    def leaf(self, path: str, value: object) -> object:
        self.size += 8
        if isinstance(value, str):
            return self.text(path, value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if not INT_RANGE[0] <= value <= INT_RANGE[1]:
                self.problem(path, "a whole number must fit in 64 bits")
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.problem(path, f"must be a finite number, not {value!r}")
            return value
        if not self.strict and isinstance(value, MODEL_ONLY):
            if isinstance(value, Decimal) and not value.is_finite():
                self.problem(path, f"must be a finite number, not {value!r}")
            return value
        self.problem(path, f"must be text, a number, true/false, null, a list or an object, not "
                           f"{type(value).__name__}")
        return value

    def text(self, path: str, value: str) -> str:
        self.size += len(value)
        if len(value) > self.limits.text:
            self.problem(path, free_text_problem(value, self.limits.text) or "")
            return value
        clean = normal_text(value)
        if (problem := free_text_problem(clean, self.limits.text)) is not None:
            self.problem(path, problem)
        return clean

    def key(self, path: str, key: object) -> str | None:
        if not isinstance(key, str):
            self.problem(path, f"field names must be text, not {shown(key)}")
            return None
        if (problem := text_problem(key, self.limits.key)) is not None:
            self.problem(path, f"field name {problem}")
            return None
        self.size += len(key)
        return key


def checked_data(trigger: str, data: object, limits: Limits, *, strict: bool,
                 instance_id: str | None = None) -> dict[str, Any]:
    """``data`` as it may be kept: a new dict whose text is normalised.

    ``strict`` refuses values only a model turns into text (dates, decimals): for the data a
    trigger without a model stores as given. Raises :class:`InvalidData` naming each problem's
    field path (``a.b[2]``) and ``ValueError``-free otherwise; ``None`` is empty data.
    """
    from engine.errors import InvalidData

    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InvalidData(trigger, [{"field": "(data)", "message": "must be an object (a "
                                     f"mapping of field names to values), not {shown(data)}"}],
                          instance_id)
    walk = _Walk(limits, strict)
    result = _copy(walk, data)
    if walk.size > limits.size:
        walk.problem("", f"holds about {walk.size} characters; at most {limits.size}")
    if walk.problems:
        raise InvalidData(trigger, walk.problems[:SHOWN_PROBLEMS], instance_id)
    assert isinstance(result, dict)
    return result


def _copy(walk: _Walk, root: Mapping[str, Any]) -> object:
    """The normalised copy of ``root``, built breadth by breadth with an explicit stack."""
    top: dict[str, Any] = {}
    stack: list[tuple[str, object, Any, int]] = [("", root, top, 1)]
    while stack and len(walk.problems) < SHOWN_PROBLEMS and walk.size <= walk.limits.size:
        path, value, into, depth = stack.pop()
        items = _items(walk, path, value)
        if items is None:
            continue
        if depth > walk.limits.depth:
            walk.problem(path, f"is nested deeper than {walk.limits.depth} levels")
            continue
        for sub, child in items:
            sub_path = _join(path, sub)
            if isinstance(child, Mapping | list | tuple):
                slot: Any = {} if isinstance(child, Mapping) else []
                stack.append((sub_path, child, slot, depth + 1))
            else:
                slot = walk.leaf(sub_path, child)
            _put(into, sub, slot)
    return top


def _items(walk: _Walk, path: str, value: object) -> list[tuple[str | int, object]] | None:
    if len(value) > walk.limits.items:  # type: ignore[arg-type]
        walk.problem(path, f"holds {len(value)} entries; at most "  # type: ignore[arg-type]
                           f"{walk.limits.items}")
        return None
    if isinstance(value, Mapping):
        pairs: list[tuple[str | int, object]] = []
        for key, child in value.items():
            name = walk.key(path, key)
            if name is not None:
                pairs.append((name, child))
        return pairs
    return list(enumerate(value))  # type: ignore[arg-type]


def _join(path: str, sub: str | int) -> str:
    if isinstance(sub, int):
        return f"{path}[{sub}]"
    return f"{path}.{sub}" if path else sub


def _put(into: Any, sub: str | int, value: object) -> None:
    if isinstance(into, dict):
        into[sub] = value
    else:
        into.append(value)
