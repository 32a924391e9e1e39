"""Who fires a trigger: an actor id and the roles the embedding system vouches for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, init=False)
class Actor:
    """A person or system acting on an instance; ``roles`` are checked against each transition."""

    id: str
    roles: frozenset[str]

    def __init__(self, id: str, roles: Iterable[str] | str = ()) -> None:  # noqa: A002
        if not isinstance(id, str) or not id:
            raise ValueError("an actor needs a non-empty string id")
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "roles", frozenset([roles] if isinstance(roles, str) else roles))

    def role_for(self, allowed: Iterable[str]) -> str | None:
        """The role under which this actor may act, given the roles allowed (sorted, stable)."""
        allowed = tuple(allowed)
        if not allowed:
            return next(iter(sorted(self.roles)), "")
        return next((r for r in sorted(self.roles) if r in allowed), None)


SYSTEM = Actor("system", {"system"})
