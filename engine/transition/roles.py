"""Who may act in a role on this instance: the reserved ``system`` role, and roles bound to the
actor id an instance records (e.g. only the request's own applicant acts as ``applicant``).

A definition binds a role with its ``bound_roles`` setting, role → dotted path in the instance's
data: ``{"applicant": "applicant.id"}``. An actor claiming a bound role acts in it only where
the instance's data holds its id at that path; an instance that records no id there has nobody
in the role. Both checks run with the role check, before data, guards and actions, so a refusal
writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.actor import RESERVED_ROLE, SYSTEM_ROLE, Actor
from engine.definition.model import Transition, WorkflowDefinition
from engine.errors import DefinitionError, PermissionDenied

BOUND_ROLES = "bound_roles"
"""The definition setting binding roles to an actor id in the instance's data."""


def check_reserved(actor: Actor, trigger: str, instance_id: str | None) -> None:
    """Refuse an actor that names the ``system`` role without a grant
    (:func:`engine.actor.grant_system`): raises :class:`PermissionDenied`, rule
    ``"reserved role"``. The engine's timers and schedules act as the granted ``SYSTEM``."""
    if actor.claims_reserved_role:
        error = PermissionDenied(instance_id, trigger, actor.id, actor.roles, (SYSTEM_ROLE,),
                                 rule=RESERVED_ROLE)
        error.add_note(f"the role {SYSTEM_ROLE!r} is reserved to the engine's own timers and "
                       "schedules; an embedding system grants it explicitly with "
                       "engine.grant_system(actor)")
        raise error


def bound_roles(definition: WorkflowDefinition) -> dict[str, tuple[str, ...]]:
    """The definition's bound roles as role → path parts; raises :class:`DefinitionError` for a
    setting that is not a mapping of declared (non-system) roles to non-empty dotted paths."""
    raw = definition.settings.get(BOUND_ROLES) or {}
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        problems.append(f"setting {BOUND_ROLES!r} must map roles to data paths")
        raw = {}
    found: dict[str, tuple[str, ...]] = {}
    for role, path in raw.items():
        parts = tuple(path.split(".")) if isinstance(path, str) else ()
        if role == SYSTEM_ROLE or (definition.roles and role not in definition.roles):
            problems.append(f"setting {BOUND_ROLES!r}: {role!r} is not a declared role")
        elif not parts or not all(parts):
            problems.append(f"setting {BOUND_ROLES!r}: role {role!r} needs a dotted data path "
                            f"such as 'applicant.id', got {path!r}")
        else:
            found[role] = parts
    if problems:
        raise DefinitionError(definition.name, definition.version, problems)
    return found


def _at(data: Mapping[str, Any], parts: tuple[str, ...]) -> Any:
    value: Any = data
    for part in parts:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def unbound(bindings: Mapping[str, tuple[str, ...]], actor: Actor,
            data: Mapping[str, Any]) -> Actor:
    """The actor without the bound roles it does not hold on an instance with ``data``."""
    foreign = [role for role, parts in bindings.items()
               if role in actor.roles and _at(data, parts) != actor.id]
    return actor.without(foreign) if foreign else actor


def check_bound(bindings: Mapping[str, tuple[str, ...]], candidates: list[Transition],
                trigger: str, actor: Actor, data: Mapping[str, Any],
                instance_id: str | None) -> Actor:
    """The actor as it may act on the instance (bound roles it does not hold dropped); raises
    :class:`PermissionDenied` (rule ``"not the <role>"``) when only such a role allowed it."""
    kept = unbound(bindings, actor, data)
    if kept is actor:
        return actor
    allowed = sorted({r for t in candidates for r in t.roles})
    if not allowed or kept.role_for(allowed) is not None:
        return kept
    role = next(r for r in sorted(actor.roles - kept.roles) if r in allowed)
    error = PermissionDenied(instance_id, trigger, actor.id, actor.roles, allowed,
                             rule=f"not the {role}")
    error.add_note(f"the role {role!r} acts on this instance only as the actor whose id it "
                   f"records at {'.'.join(bindings[role])!r}")
    raise error
