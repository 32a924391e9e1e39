"""Masking personal data (个人信息) in what staff tools print: an applicant's phone number or
address has no place in a worklist read over a colleague's shoulder.

A definition lists its personal-data paths in ``settings["personal_data"]``: dotted paths into an
instance's (or an event's) data, such as ``"applicant.contact"``. Wherever a path meets a list,
the rest of the path applies to every item (``"parties.contact"`` masks each party's contact).
Masking is for display only: the stored data and the hashed history keep the real values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PERSONAL_DATA = "personal_data"
"""The definition setting that lists the personal-data paths."""

KEEP_HEAD, KEEP_TAIL, MIN_SHOWN = 3, 2, 6
"""A masked text keeps its first 3 and last 2 characters when it has at least 6."""


def mask_text(text: str) -> str:
    """``text`` with every character but the first 3 and last 2 replaced by ``*``
    (``13800000000`` → ``138******00``); a text shorter than 6 characters is all ``*``."""
    if len(text) < MIN_SHOWN:
        return "*" * len(text)
    return text[:KEEP_HEAD] + "*" * (len(text) - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]


def mask_value(value: Any) -> Any:
    """A value with every scalar inside it masked: texts by :func:`mask_text`, numbers and
    booleans as their text; ``None`` (nothing to hide) stays ``None``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return mask_text(value if isinstance(value, str) else str(value))


def mask_personal(data: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """A copy of ``data`` with the value at each dotted path masked (:func:`mask_value`).

    A path that leads nowhere in this data (the field was not given, or is not a mapping on
    the way) masks nothing; ``data`` itself is never changed.
    """
    masked: Any = dict(data)
    for path in paths:
        masked = _mask_at(masked, path.split("."))
    return dict(masked)


def _mask_at(value: Any, segments: list[str]) -> Any:
    if isinstance(value, list | tuple):
        return [_mask_at(item, segments) for item in value]
    if not isinstance(value, Mapping) or segments[0] not in value:
        return value
    head, rest = segments[0], segments[1:]
    inner = mask_value(value[head]) if not rest else _mask_at(value[head], rest)
    return {**value, head: inner}


def path_problem(path: object) -> str | None:
    """Why ``path`` is not a personal-data path (a non-empty dotted string whose segments are
    non-empty and carry no surrounding blanks), or ``None`` if it is one."""
    if not isinstance(path, str) or not path:
        return f"must be a non-empty dotted string, not {path!r}"
    if any(not seg or seg != seg.strip() for seg in path.split(".")):
        return f"{path!r} has an empty or padded segment"
    return None


def settings_problems(settings: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``settings["personal_data"]``, if given: it must be a list of
    personal-data paths (:func:`path_problem`)."""
    if PERSONAL_DATA not in settings:
        return []
    paths = settings[PERSONAL_DATA]
    if not isinstance(paths, list | tuple):
        return [f"settings: {PERSONAL_DATA} must be a list of dotted paths, not {paths!r}"]
    return [f"settings: {PERSONAL_DATA}[{i}] {problem}" for i, p in enumerate(paths)
            if (problem := path_problem(p)) is not None]


def personal_paths(settings: Mapping[str, Any]) -> tuple[str, ...]:
    """The personal-data paths a definition's settings list (none if the setting is absent)."""
    return tuple(settings.get(PERSONAL_DATA) or ())
