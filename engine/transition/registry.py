"""Named guards, actions and data models that definitions refer to.

Definitions are data, so they name their callables; a :class:`Registry` resolves the names when a
definition is registered. A workflow keeps its names under its own prefix (``Registry(prefix=
"disclosure_request")`` registers ``@guard("correction_once")`` as
``disclosure_request.correction_once``), so two workflows never take each other's names; a name
given twice to different objects raises :class:`DefinitionError` naming both. Guards are pure:
``guard(ctx) -> None`` to allow, or a reason string to refuse. Actions run inside the transition's
transaction and may return data updates for the instance; anything that leaves the database goes through ``ctx.emit`` (the outbox).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from engine.errors import DefinitionError

if TYPE_CHECKING:
    from engine.transition.context import TransitionContext

Guard = Callable[["TransitionContext"], "str | None"]
Action = Callable[["TransitionContext"], "Mapping[str, Any] | None"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Registry:
    """Name → callable (or model) tables; one per embedding application is usual."""

    guards: dict[str, Guard] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    models: dict[str, type[BaseModel]] = field(default_factory=dict)
    prefix: str = ""

    def qualified(self, name: str) -> str:
        """``name`` under this registry's prefix (a name already holding a dot is kept)."""
        return f"{self.prefix}.{name}" if self.prefix and "." not in name else name

    def guard(self, name: str) -> Callable[[F], F]:
        """Decorator: register a guard under ``name``."""

        def deco(fn: F) -> F:
            self._put(self.guards, "guard", self.qualified(name), fn)
            return fn

        return deco

    def action(self, name: str) -> Callable[[F], F]:
        """Decorator: register an action under ``name``."""

        def deco(fn: F) -> F:
            self._put(self.actions, "action", self.qualified(name), fn)
            return fn

        return deco

    def model(self, name: str, model: type[BaseModel]) -> None:
        """Register a pydantic model that transitions name as their ``data``."""
        self._put(self.models, "model", self.qualified(name), model)

    def update(self, other: Registry) -> None:
        """Take every name of ``other`` (already qualified); a clash raises DefinitionError."""
        for table, kind, theirs in (
            (self.guards, "guard", other.guards),
            (self.actions, "action", other.actions),
            (self.models, "model", other.models),
        ):
            for name, value in theirs.items():
                self._put(table, kind, name, value)

    @staticmethod
    def _put(table: dict[str, Any], kind: str, name: str, value: Any) -> None:
        held = table.get(name, value)
        if held is not value:
            raise DefinitionError(name, None, [
                f"{kind} {name!r} is registered to both {_origin(held)} and {_origin(value)}"])
        table[name] = value


def _origin(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
