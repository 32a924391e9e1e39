"""Who fires a trigger: an actor id and the roles the embedding system vouches for.

One role is the engine's own: ``system`` (:data:`SYSTEM_ROLE`), under which timers and schedules
fire lapses, reminders and yearly rounds. An actor that merely names it (``Actor("x",
"system")``) is refused (:class:`~engine.errors.PermissionDenied`, rule :data:`RESERVED_ROLE`);
only :data:`SYSTEM` and actors an embedding system grants it with :func:`grant_system` act in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.errors import InvalidArgument
from engine.limits import ACTOR_ID_MAX
from engine.text import text_problem

SYSTEM_ROLE = "system"
"""The role reserved to the engine's own timers and schedules (and to actors granted it)."""
RESERVED_ROLE = "reserved role"
"""The rule named by a :class:`~engine.errors.PermissionDenied` refusing an actor that claims
:data:`SYSTEM_ROLE` without a grant."""


@dataclass(frozen=True, init=False)
class Actor:
    """A person or system acting on an instance; ``roles`` are checked against each transition.

    The id and every role follow the rule for names (``engine.text``): not blank, no control or
    invisible characters, NFC, at most :data:`~engine.limits.ACTOR_ID_MAX` characters. Raises
    :class:`InvalidArgument` (a ``ValueError``) for one that does not, and ``TypeError`` for
    roles that are not strings.

    ``system_granted`` is true only for :data:`SYSTEM` and the actors :func:`grant_system`
    returns; it takes no part in equality, so an actor's identity stays its id and roles.
    """

    id: str
    roles: frozenset[str]
    system_granted: bool = field(default=False, compare=False, repr=False)

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
        object.__setattr__(self, "system_granted", False)

    def role_for(self, allowed: Iterable[str]) -> str | None:
        """The role under which this actor may act, given the roles allowed (sorted, stable)."""
        allowed = tuple(allowed)
        if not allowed:
            return next(iter(sorted(self.roles)), "")
        return next((r for r in sorted(self.roles) if r in allowed), None)

    def without(self, roles: Iterable[str]) -> Actor:
        """This actor without ``roles`` (its grant of the system role kept if it still holds
        the role): the roles it may use on one instance."""
        kept = Actor(self.id, self.roles.difference(roles))
        object.__setattr__(kept, "system_granted", self.system_granted)
        return kept

    @property
    def claims_reserved_role(self) -> bool:
        """Whether the actor names the ``system`` role without holding a grant for it."""
        return SYSTEM_ROLE in self.roles and not self.system_granted


def _listed(roles: object) -> list[str]:
    if not isinstance(roles, Iterable):
        raise TypeError(f"an actor's roles must be a string or strings, not {type(roles).__name__}")
    listed = list(roles)
    if not all(isinstance(r, str) for r in listed):
        raise TypeError("an actor's roles must be strings")
    return listed


def grant_system(actor: Actor | str) -> Actor:
    """``actor`` (or a new actor with this id) holding the reserved ``system`` role as well.

    For an embedding system that fires the engine's own kind of event itself (e.g. a scheduler
    bridge recording a lapse the engine's worker missed): the grant is explicit in its code, so
    a role name arriving from outside (a form, a token) never carries it. The lapse triggers'
    guards still refuse a period that has not ended. Raises :class:`InvalidArgument` (a
    ``ValueError``) for an id that is not a storable name.
    """
    base = Actor(actor) if isinstance(actor, str) else actor
    granted = Actor(base.id, base.roles | {SYSTEM_ROLE})
    object.__setattr__(granted, "system_granted", True)
    return granted


SYSTEM = grant_system("system")
"""The engine's own actor: timers, schedules and recomputed deadlines act as it."""
