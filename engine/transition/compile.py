"""A definition compiled for running: resolved callables and one shared ``transitions`` Machine.

One :class:`transitions.Machine` is built per definition version and shared by every instance.
Instances are not attached to it; each call hands the machine a throw-away proxy whose state is
set from the row, so firing costs no ``add_model`` and holds no per-instance memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel
from transitions import Machine

from engine.actor import Actor
from engine.definition.graph import graph
from engine.definition.model import Transition, WorkflowDefinition
from engine.definition.validate import validate
from engine.transition.context import TransitionContext
from engine.transition.registry import Action, Guard, Registry
from engine.transition.roles import bound_roles, unbound


class _Proxy:
    """The minimal model ``transitions`` needs: a ``state`` attribute."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


class CompiledDefinition:
    """A validated definition with its guards, actions and models resolved by name."""

    def __init__(self, definition: WorkflowDefinition, registry: Registry) -> None:
        validate(definition, registry)
        self.definition = definition
        self.guards: dict[str, Guard] = {g: registry.guards[g] for t in definition.transitions
                                         for g in t.guards}
        self.actions: dict[str, Action] = {a: registry.actions[a]
                                           for t in definition.transitions for a in t.actions}
        self.models: dict[str, type[BaseModel]] = {
            t.trigger: registry.models[t.data] for t in definition.transitions if t.data}
        self.bound_roles = bound_roles(definition)
        self.start = next(t for t in definition.transitions
                          if t.trigger == definition.start_trigger)
        self.graph = graph(definition)
        self.machine = self._build_machine()

    def _build_machine(self) -> Machine:
        d = self.definition
        machine = Machine(model=None, states=[s.name for s in d.states],
                          initial=d.initial_state.name, auto_transitions=False, send_event=True,
                          ignore_invalid_triggers=False)
        for t in d.transitions:
            if t is self.start:
                continue
            machine.add_transition(
                t.trigger, list(self.graph.sources[t]), t.dest,
                prepare=[_marker(t)],
                conditions=[_condition(g, self.guards[g]) for g in t.guards],
            )
        return machine

    def valid_triggers(self, state: str) -> list[str]:
        return self.graph.triggers(state)

    def candidates(self, state: str, trigger: str) -> list[Transition]:
        return list(self.graph.candidates(state, trigger))

    def permitted(self, state: str, actor: Actor, data: Mapping[str, Any] | None = None
                  ) -> dict[str, list[Transition]]:
        """Trigger → the transitions from ``state`` the actor's roles may take (triggers none of
        whose transitions it may take are left out); given the instance's ``data``, without the
        bound roles it does not hold there."""
        if data is not None:
            actor = unbound(self.bound_roles, actor, data)
        found = {t: [c for c in self.candidates(state, t) if actor.role_for(c.roles) is not None]
                 for t in self.valid_triggers(state)}
        return {t: cs for t, cs in found.items() if cs}

    def select(self, ctx: TransitionContext) -> tuple[Transition, str] | None:
        """Run the guards through the machine; the chosen transition and the new state."""
        assert ctx.state is not None
        proxy = _Proxy(ctx.state)
        if not self.machine.events[ctx.trigger].trigger(proxy, ctx=ctx):
            return None
        assert ctx.transition is not None
        return ctx.transition, proxy.state

    def check_start(self, ctx: TransitionContext) -> bool:
        ctx.transition = self.start
        return all(ctx.check(g, self.guards[g]) for g in self.start.guards)


def _marker(t: Transition) -> Callable[[Any], None]:
    def mark(event: Any) -> None:
        event.kwargs["ctx"].transition = t

    return mark


def _condition(name: str, guard: Guard) -> Callable[[Any], bool]:
    def condition(event: Any) -> bool:
        ctx: TransitionContext = event.kwargs["ctx"]
        return ctx.check(name, guard)

    return condition


def separated_from(permitted: Mapping[str, list[Transition]]) -> frozenset[str]:
    """Every trigger whose earlier actor is barred from some of ``permitted`` (separation of
    duties): the history the caller must look up."""
    return frozenset(name for cs in permitted.values() for c in cs for name in c.separate_from)


def not_barred(permitted: Mapping[str, list[Transition]], fired: frozenset[str]) -> list[str]:
    """The permitted triggers the actor may still fire, given the triggers it ``fired`` before on
    the instance: a trigger stays if one of its transitions does not separate it from them."""
    return [t for t, cs in permitted.items()
            if any(not fired.intersection(c.separate_from) for c in cs)]
