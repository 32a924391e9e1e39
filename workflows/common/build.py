"""Builders that write a workflow definition's transitions and clock effects with little noise.

A definition is data (:mod:`engine.definition`), and spelling it out with the engine's dataclasses
means one-element tuples, ``Title(...)`` wrappers and a data-model name repeated on every line.
:class:`Builder` is bound to one workflow: it takes a single role or source as a plain string, a
title as a (Chinese, English) pair, names the trigger's data model when the workflow has one, and
qualifies guard, action and model names with the workflow's name (as ``Registry(prefix=...)``
does), so a definition writes ``guards=("correction_once",)`` exactly as its rules register it.
:class:`ClockOps` writes the effects on one statutory clock: ``reply.stop("replied_on")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine import ClockEffect, Registry, Title, Transition
from engine.transition.registry import qualify

__all__ = ["Builder", "ClockOps", "Names"]

Names = str | Iterable[str]
"""One name, or several."""


def _names(value: Names) -> tuple[str, ...]:
    """A tuple of names from one name or several (a string is one name, not its characters)."""
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class ClockOps:
    """The effects a transition can have on the statutory clock named ``clock``.

    ``date_field`` names the event-data field holding the day the effect takes place (the event's
    own date when absent); ``length_field`` names the field giving a length the event decides.
    """

    clock: str

    def start(self, date_field: str | None = None, *, length_field: str | None = None,
              when_field: str | None = None) -> ClockEffect:
        """Start the period (its length from ``length_field`` when the event sets it; only when
        the event's data carries ``when_field``, if given)."""
        return ClockEffect(self.clock, "start", date_field, length_field=length_field,
                           when_field=when_field)

    def pause(self, date_field: str | None = None) -> ClockEffect:
        """Stop counting and keep the units used (e.g. while others are consulted, 条例 32)."""
        return ClockEffect(self.clock, "pause", date_field)

    def resume(self, date_field: str | None = None) -> ClockEffect:
        """Count on from where the pause left off."""
        return ClockEffect(self.clock, "resume", date_field)

    def restart(self, date_field: str | None = None, *,
                length_field: str | None = None) -> ClockEffect:
        """Start the period again from nothing (e.g. from a corrected request, 条例 30)."""
        return ClockEffect(self.clock, "restart", date_field, length_field=length_field)

    def extend(self, *, by: int | None = None, max_times: int | None = None,
               length_field: str | None = None, date_field: str | None = None) -> ClockEffect:
        """Add ``by`` units (or ``length_field``'s), at most ``max_times`` times."""
        return ClockEffect(self.clock, "extend", date_field, by=by, max_times=max_times,
                           length_field=length_field)

    def stop(self, date_field: str | None = None) -> ClockEffect:
        """End the period: what it was for has been done."""
        return ClockEffect(self.clock, "stop", date_field)


class Builder:
    """Writes the transitions of the workflow ``workflow``.

    ``models`` are the triggers that carry a data model (a mapping by trigger will do); such a
    trigger's transition names the model ``workflow.trigger``, the name the workflow registers it
    under.
    """

    __slots__ = ("models", "workflow")

    def __init__(self, workflow: str, models: Iterable[str] = ()) -> None:
        if not isinstance(workflow, str) or not workflow:
            raise ValueError(f"a builder needs the workflow's name, got {workflow!r}")
        qualify(workflow, "check")
        self.workflow: str = workflow
        self.models: frozenset[str] = frozenset(models)

    def name(self, name: str) -> str:
        """``name`` qualified with the workflow's name, unless it already is."""
        return qualify(self.workflow, name)

    def transition(self, trigger: str, sources: Names, dest: str | None, roles: Names,
                   title: Title | tuple[str, str], *, guards: Names = (), actions: Names = (),
                   data_key: str | None = None, merge_data: bool = True,
                   effects: ClockEffect | Iterable[ClockEffect] = (),
                   separate_from: Names = ()) -> Transition:
        """A transition on ``trigger`` from ``sources`` to ``dest`` (``None``: stay) for ``roles``.

        Guards and actions are given by their bare names and come out qualified;
        ``separate_from`` names triggers whose actor may not fire this one (e.g. the drafter does
        not approve their own document, source document 二(一)).
        """
        return Transition(
            trigger, _names(sources), dest, roles=_names(roles),
            guards=tuple(map(self.name, _names(guards))),
            actions=tuple(map(self.name, _names(actions))),
            data=self.name(trigger) if trigger in self.models else None,
            data_key=data_key, merge_data=merge_data,
            effects=(effects,) if isinstance(effects, ClockEffect) else tuple(effects),
            title=title if isinstance(title, Title) else Title(*title),
            separate_from=_names(separate_from))


def workflow_registry(workflow: str, rules: Iterable[Registry],
                      models: Mapping[str, type[Any]]) -> Registry:
    """One registry for a workflow: its rule modules' guards and actions, and its trigger data
    models registered under the workflow's name (``disclosure_request.register``)."""
    reg = Registry(prefix=workflow)
    for part in rules:
        reg.update(part)
    for trigger, model in models.items():
        reg.model(trigger, model)
    return reg
