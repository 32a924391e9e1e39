"""Named guards, actions and data models that definitions refer to.

Definitions are data, so they name their callables; a :class:`Registry` resolves the names when a
definition is registered. A workflow keeps its names under its own prefix (``Registry(prefix=
"disclosure_request")`` registers ``@guard("correction_once")`` as
``disclosure_request.correction_once``), so two workflows never take each other's names; a name
given twice to different objects raises :class:`DefinitionError` naming both. Guards are pure:
``guard(ctx) -> None`` to allow, or a reason string to refuse. Actions run inside the transition's
transaction and may return data updates for the instance; anything that leaves the database goes
through ``ctx.emit`` (the outbox).
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


SEPARATOR = "."


def qualify(prefix: str, name: str) -> str:
    """``prefix.name``, or ``name`` unchanged when it already holds a dot (another workflow's or a
    shared callable); no prefix leaves every name as it is. Raises ``ValueError`` for an empty
    name or a prefix that holds a dot."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"a guard, action or model name must be a non-empty string, got {name!r}")
    if not isinstance(prefix, str) or SEPARATOR in prefix:
        raise ValueError(f"a name prefix is a workflow name without {SEPARATOR!r}, got {prefix!r}")
    return name if not prefix or SEPARATOR in name else f"{prefix}{SEPARATOR}{name}"


@dataclass
class Registry:
    """Name → callable (or model) tables; one per embedding application is usual."""

    guards: dict[str, Guard] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    models: dict[str, type[BaseModel]] = field(default_factory=dict)
    prefix: str = ""

    def __post_init__(self) -> None:
        qualify(self.prefix, "check")

    def qualified(self, name: str) -> str:
        """``name`` under this registry's prefix (a name already holding a dot is kept)."""
        return qualify(self.prefix, name)

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
            raise DefinitionError(name.split(SEPARATOR)[0], None, [
                f"{kind} {name!r} is registered to both {_origin(held)} and {_origin(value)}"])
        table[name] = value


def _origin(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
