"""Who fires a trigger: an actor id and the roles the embedding system vouches for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.errors import InvalidArgument
from engine.limits import ACTOR_ID_MAX
from engine.text import text_problem


@dataclass(frozen=True, init=False)
class Actor:
    """A person or system acting on an instance; ``roles`` are checked against each transition.

    The id and every role follow the rule for names (``engine.text``): not blank, no control or
    invisible characters, NFC, at most :data:`~engine.limits.ACTOR_ID_MAX` characters. Raises
    :class:`InvalidArgument` (a ``ValueError``) for one that does not, and ``TypeError`` for
    roles that are not strings.
    """

    id: str
    roles: frozenset[str]

    def __init__(self, id: str, roles: Iterable[str] | str = ()) -> None:  # noqa: A002
        if (problem := text_problem(id, ACTOR_ID_MAX)) is not None:
            raise InvalidArgument("actor id", problem)
        if id != id.strip():
            raise InvalidArgument("actor id", f"may not begin or end with spaces: {id!r}")
        given = [roles] if isinstance(roles, str) else _listed(roles)
        for role in given:
            if (problem := text_problem(role, ACTOR_ID_MAX)) is not None:
                raise InvalidArgument("actor role", problem)
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "roles", frozenset(given))

    def role_for(self, allowed: Iterable[str]) -> str | None:
        """The role under which this actor may act, given the roles allowed (sorted, stable)."""
        allowed = tuple(allowed)
        if not allowed:
            return next(iter(sorted(self.roles)), "")
        return next((r for r in sorted(self.roles) if r in allowed), None)


def _listed(roles: object) -> list[str]:
    if not isinstance(roles, Iterable):
        raise TypeError(f"an actor's roles must be a string or strings, not {type(roles).__name__}")
    listed = list(roles)
    if not all(isinstance(r, str) for r in listed):
        raise TypeError("an actor's roles must be strings")
    return listed


SYSTEM = Actor("system", {"system"})
