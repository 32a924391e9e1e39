"""Workflow-qualified names of guards, actions and data models.

Definitions name their callables, and one engine registry holds the callables of every workflow.
Two workflows may well both want a guard called ``correction_once`` or an action called
``set_outcome``; qualifying each name with its workflow (``disclosure_request.correction_once``)
keeps them apart. A workflow writes bare names in its rules and its definition; :func:`qualified`
turns both into the same registry key, so the two always agree. A name that already contains a dot
is taken as qualified (a callable of another workflow, or a shared one) and left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from engine import Registry

__all__ = ["SEPARATOR", "Prefixed", "checked_prefix", "prefixed", "qualified"]

SEPARATOR = "."
"""Between the workflow's name and a callable's own name."""

F = TypeVar("F", bound=Callable[..., Any])


def checked_prefix(prefix: str) -> str:
    """``prefix`` if it can qualify names: a workflow's name, not empty and without a dot."""
    if not isinstance(prefix, str) or not prefix or SEPARATOR in prefix:
        raise ValueError(f"a name prefix is a workflow name without {SEPARATOR!r}, got {prefix!r}")
    return prefix


def qualified(prefix: str, name: str) -> str:
    """``prefix.name``, or ``name`` unchanged when it already contains a dot."""
    checked_prefix(prefix)
    if not isinstance(name, str) or not name:
        raise ValueError(f"a guard, action or model name must be a non-empty string, got {name!r}")
    return name if SEPARATOR in name else f"{prefix}{SEPARATOR}{name}"


@dataclass(frozen=True)
class Prefixed:
    """A view of ``registry`` that registers under names qualified with ``prefix``.

    The engine's :class:`~engine.Registry` is to gain a ``prefix=`` argument doing the same; until
    then a workflow's rules register through this view.
    """

    registry: Registry
    prefix: str

    def __post_init__(self) -> None:
        checked_prefix(self.prefix)

    def guard(self, name: str) -> Callable[[F], F]:
        """Decorator: register a guard as ``prefix.name``."""
        return self.registry.guard(qualified(self.prefix, name))

    def action(self, name: str) -> Callable[[F], F]:
        """Decorator: register an action as ``prefix.name``."""
        return self.registry.action(qualified(self.prefix, name))

    def model(self, name: str, model: type[BaseModel]) -> None:
        """Register a data model as ``prefix.name`` (a workflow names its models by trigger)."""
        self.registry.model(qualified(self.prefix, name), model)


def prefixed(registry: Registry, prefix: str) -> Prefixed:
    """Register guards, actions and models in ``registry`` under names qualified with ``prefix``."""
    return Prefixed(registry, prefix)
