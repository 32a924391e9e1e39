"""Named guards, actions and data models that definitions refer to.

Definitions are data, so they name their callables; a :class:`Registry` resolves the names when a
definition is registered. Guards are pure: ``guard(ctx) -> None`` to allow, or a reason string to
refuse. Actions run inside the transition's transaction and may return data updates for the
instance; anything that leaves the database goes through ``ctx.emit`` (the outbox).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from engine.context import TransitionContext

Guard = Callable[["TransitionContext"], "str | None"]
Action = Callable[["TransitionContext"], "Mapping[str, Any] | None"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Registry:
    """Name → callable (or model) tables; one per embedding application is usual."""

    guards: dict[str, Guard] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    models: dict[str, type[BaseModel]] = field(default_factory=dict)

    def guard(self, name: str) -> Callable[[F], F]:
        """Decorator: register a guard under ``name``."""

        def deco(fn: F) -> F:
            self._put(self.guards, "guard", name, fn)
            return fn

        return deco

    def action(self, name: str) -> Callable[[F], F]:
        """Decorator: register an action under ``name``."""

        def deco(fn: F) -> F:
            self._put(self.actions, "action", name, fn)
            return fn

        return deco

    def model(self, name: str, model: type[BaseModel]) -> None:
        """Register a pydantic model that transitions name as their ``data``."""
        self._put(self.models, "model", name, model)

    def update(self, other: Registry) -> None:
        for table, kind, theirs in (
            (self.guards, "guard", other.guards),
            (self.actions, "action", other.actions),
            (self.models, "model", other.models),
        ):
            for name, value in theirs.items():
                self._put(table, kind, name, value)

    @staticmethod
    def _put(table: dict[str, Any], kind: str, name: str, value: Any) -> None:
        if table.get(name, value) is not value:
            raise ValueError(f"{kind} {name!r} is already registered to another object")
        table[name] = value
