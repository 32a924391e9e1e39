"""Edits of a definition's dict form, for tests that break one thing at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def setting(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """An edit setting ``path`` (``transitions.1.guards``: keys, and list indexes as numbers) of
    the dict form to ``value``."""
    def change(raw: dict[str, Any]) -> None:
        *head, last = path.split(".")
        target: Any = raw
        for key in head:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return change
