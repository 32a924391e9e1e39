"""Validation of workflow definitions: every problem found, reported together.

A definition is checked when it is registered or loaded. Problems name the element they concern,
so an agency that edited a definition's JSON learns everything wrong with it in one go.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, get_args

from engine.definition.clock_flow import clock_statuses
from engine.definition.graph import graph
from engine.definition.model import (
    ANY_STATE,
    CLOCK_OPS,
    CLOCK_UNITS,
    STATE_KINDS,
    Clock,
    ClockEffect,
    State,
    Transition,
    WorkflowDefinition,
)
from engine.definition.schema import name as name_problem
from engine.definition.schema import object_problems
from engine.errors import DefinitionError
from engine.personal import settings_problems
from engine.text import shown

SYSTEM_ROLE = "system"


class KnownNames(Protocol):
    """The named callables and models a definition may refer to (a ``Registry`` has them)."""

    @property
    def guards(self) -> Mapping[str, Any]: ...
    @property
    def actions(self) -> Mapping[str, Any]: ...
    @property
    def models(self) -> Mapping[str, Any]: ...


def validate(definition: WorkflowDefinition, registry: KnownNames | None = None) -> None:
    """Raise one :class:`DefinitionError` listing every problem, or return quietly.

    Shape problems (:func:`engine.definition.schema.object_problems`: a field of the wrong type,
    ``version=True``, ``roles="clerk"`` for ``("clerk",)``) are reported first and alone: the rules
    between elements cannot be read on a malformed definition, and read letter by letter a string
    would only bury the mistake under false problems. Takes time linear in the definition's size
    (states, transitions, clocks and effects, and the sources ``*`` expands to).
    """
    problems = object_problems(definition)
    if problems:
        raise DefinitionError(*_label(definition), problems)
    index = Index.of(definition)
    problems += _check_states(definition)
    problems += _check_transitions(definition, index)
    problems += _check_clocks(definition, index)
    problems += settings_problems(definition.settings) + _check_engine_settings(definition)
    if registry is not None:
        problems += _check_names(definition, registry, index)
        problems += _check_settings_model(definition, registry)
    if _has_one_start(definition):
        # the path analyses need a starting point; they skip elements already reported unknown
        problems += _check_graph(definition)
        problems += _check_clock_flow(definition, index)
    if problems:
        raise DefinitionError(definition.name, definition.version, problems)


def _label(d: object) -> tuple[str, int | None]:
    """The name and version a malformed definition is reported under."""
    name = getattr(d, "name", None)
    version = getattr(d, "version", None)
    return (name if isinstance(name, str) and name_problem(name) is None else "(unnamed)",
            version if isinstance(version, int) and not isinstance(version, bool) else None)


ENGINE_SETTINGS = ("label_field", "waiting_field")
"""Settings the engine's staff tools read: each names a data field."""


def _check_engine_settings(d: WorkflowDefinition) -> list[str]:
    return [f"settings.{key}: {problem}" for key in ENGINE_SETTINGS if key in d.settings
            for problem in [name_problem(d.settings[key])] if problem]


SETTINGS_MODEL = "settings"
"""A workflow's model for its definitions' settings is registered under this name (so as
``<workflow>.settings``): registration then validates ``settings`` with it, e.g. a register
number template rendered with a sample, so a setting no start could use is refused up front."""


def _check_settings_model(d: WorkflowDefinition, registry: KnownNames) -> list[str]:
    model = registry.models.get(f"{d.name}.{SETTINGS_MODEL}")
    if model is None:
        return []
    try:
        model.model_validate(d.settings)
    except ValueError as exc:  # pydantic's ValidationError
        listed = getattr(exc, "errors", None)
        errors: list[dict[str, Any]] = listed() if callable(listed) else [{"msg": str(exc)}]
        return [f"settings.{'.'.join(map(str, e.get('loc', ()))) or '?'}: {e.get('msg', '')}"
                for e in errors]
    return []


@dataclass(frozen=True)
class Index:
    """Lookups every check shares, built once per validation so each check stays linear."""

    states: Mapping[str, State]
    terminal: frozenset[str]
    triggers: frozenset[str]
    roles: frozenset[str]
    by_trigger: Mapping[str, tuple[Transition, ...]]
    effects_on: Mapping[str, tuple[ClockEffect, ...]]

    @staticmethod
    def of(d: WorkflowDefinition) -> Index:
        by_trigger: dict[str, list[Transition]] = defaultdict(list)
        for t in d.transitions:
            by_trigger[t.trigger].append(t)
        effects_on: dict[str, list[ClockEffect]] = defaultdict(list)
        for _, e in _all_effects(d):
            effects_on[e.clock].append(e)
        return Index(
            states={s.name: s for s in reversed(d.states)},
            terminal=frozenset(s.name for s in d.states if s.kind == "terminal"),
            triggers=frozenset(by_trigger), roles=frozenset(d.roles),
            by_trigger={k: tuple(v) for k, v in by_trigger.items()},
            effects_on={k: tuple(v) for k, v in effects_on.items()})


def _has_one_start(d: WorkflowDefinition) -> bool:
    initial = [s for s in d.states if s.kind == "initial"]
    starts = [t for t in d.transitions if t.trigger == d.start_trigger]
    return len(initial) == 1 and len(starts) == 1


def _duplicates(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dups = []
    for n in names:
        if n in seen:
            dups.append(n)
        seen.add(n)
    return dups


def _check_states(d: WorkflowDefinition) -> list[str]:
    problems = [f"state {shown(n)} is declared twice"
                for n in _duplicates(s.name for s in d.states)]
    problems += [f"state {shown(s.name)} has unknown kind {shown(s.kind)}" for s in d.states
                 if s.kind not in STATE_KINDS]
    initial = [s.name for s in d.states if s.kind == "initial"]
    if len(initial) != 1:
        problems.append(f"exactly one initial state is required, found {initial or 'none'}")
    if not any(s.kind == "terminal" for s in d.states):
        problems.append("no terminal state")
    return problems


def _check_start(d: WorkflowDefinition, index: Index) -> list[str]:
    starts = [t for t in d.transitions if t.trigger == d.start_trigger]
    if len(starts) != 1:
        return [f"exactly one start transition {shown(d.start_trigger)} is required"]
    where = f"transition {shown(d.start_trigger)}"
    initial = [s.name for s in d.states if s.kind == "initial"]
    problems = [f"{where}: the start transition takes no sources"] if starts[0].sources else []
    if starts[0].dest not in initial:
        problems.append(f"{where}: the start transition must lead to the initial state")
    return problems + _check_roles(starts[0], index) + _check_separation(d, starts[0], index)


def _check_transition(d: WorkflowDefinition, t: Transition, index: Index) -> list[str]:
    names = index.states
    where = f"transition {shown(t.trigger)}"
    problems = [] if t.sources else [f"{where}: no source states"]
    for src in t.sources:
        if src != ANY_STATE and src not in names:
            problems.append(f"{where}: unknown source state {shown(src)}")
        elif src in index.terminal:
            problems.append(f"{where}: terminal state {shown(src)} has an exit")
    if t.dest is not None and t.dest not in names:
        problems.append(f"{where}: unknown destination state {shown(t.dest)}")
    return problems + _check_roles(t, index) + _check_separation(d, t, index)


def _check_roles(t: Transition, index: Index) -> list[str]:
    """Roles that may fire a transition are the definition's (or the engine's ``system``)."""
    where = f"transition {shown(t.trigger)}"
    problems = [f"{where}: no roles may fire it"] if index.roles and not t.roles else []
    return problems + [f"{where}: unknown role {shown(role)}" for role in t.roles
                       if index.roles and role not in index.roles and role != SYSTEM_ROLE]


def _check_separation(d: WorkflowDefinition, t: Transition, index: Index) -> list[str]:
    """Separation of duties names triggers of the definition; a start has no history yet."""
    where = f"transition {shown(t.trigger)}"
    if t.trigger == d.start_trigger and t.separate_from:
        return [f"{where}: the start transition cannot be separated from earlier triggers"]
    return [f"{where}: separate_from names unknown trigger {shown(name)}"
            for name in t.separate_from if name not in index.triggers]


def _check_transitions(d: WorkflowDefinition, index: Index) -> list[str]:
    problems = _check_start(d, index)
    for t in d.transitions:
        if t.trigger != d.start_trigger:
            problems += _check_transition(d, t, index)
    return problems + _check_ambiguity(d)


def _check_ambiguity(d: WorkflowDefinition) -> list[str]:
    by_pair: dict[tuple[str, str], list[Transition]] = defaultdict(list)
    models: dict[str, set[str | None]] = defaultdict(set)
    sources = graph(d).sources
    for t in d.transitions:
        models[t.trigger].add(t.data)
        for src in sources[t]:
            by_pair[(src, t.trigger)].append(t)
    problems = [f"trigger {shown(trig)} uses several data models {sorted(map(str, m))}"
                for trig, m in models.items() if len(m) > 1]
    for (src, trig), ts in by_pair.items():
        guard_sets = [frozenset(t.guards) for t in ts]
        if len(ts) > 1 and len(set(guard_sets)) < len(guard_sets):
            problems.append(
                f"state {shown(src)} has {len(ts)} transitions on {shown(trig)} without "
                "distinguishing guards"
            )
    return problems


def _check_graph(d: WorkflowDefinition) -> list[str]:
    g = graph(d)
    reachable = g.reachable([d.initial_state.name])
    problems = [f"state {shown(s.name)} is unreachable from the initial state"
                for s in d.states if s.name not in reachable]
    finishing = g.reachable(d.terminal_states, reverse=True)
    problems += [f"state {shown(s.name)} cannot reach any terminal state"
                 for s in d.states if s.name in reachable and s.name not in finishing]
    return problems


def _all_effects(d: WorkflowDefinition) -> list[tuple[str, ClockEffect]]:
    found = [(f"state {shown(s.name)}", e) for s in d.states for e in s.effects]
    return found + [(f"transition {shown(t.trigger)}", e) for t in d.transitions for e in t.effects]


def _dated(index: Index, c: Clock) -> bool:
    """Due on a date: a fixed day of the year, or a date its start reads from the data."""
    return c.due_month_day is not None or any(
        e.due_field for e in index.effects_on.get(c.name, ()))


def _month_day_ok(value: object) -> bool:
    """``"MM-DD"`` naming a day every year has (so not ``"02-29"``)."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != "-" or value == "02-29":
        return False
    try:
        date.fromisoformat(f"2024-{value}")
    except ValueError:
        return False
    return True


def _check_length(index: Index, c: Clock) -> list[str]:
    where = f"clock {shown(c.name)}"
    if not _dated(index, c):
        if not isinstance(c.length, int) or c.length < 1:
            return [f"{where}: length must be a positive integer"]
        if any(not isinstance(r, int) or not 0 < r < c.length for r in c.reminders):
            return [f"{where}: reminders must lie between 1 and {c.length - 1}"]
        return []
    problems = []
    if c.length != 0:
        problems.append(f"{where} is due on a date: its length must be 0, not {shown(c.length)}")
    if c.due_month_day is not None and not _month_day_ok(c.due_month_day):
        problems.append(f"{where}: due_month_day {shown(c.due_month_day)} must be 'MM-DD', "
                        "a day every year has")
    if any(not isinstance(r, int) or isinstance(r, bool) or r < 1 for r in c.reminders):
        problems.append(f"{where}: reminders must be positive integers")
    return problems


def _check_clock(c: Clock, triggers: frozenset[str]) -> list[str]:
    where = f"clock {shown(c.name)}"
    problems = []
    if c.unit not in CLOCK_UNITS:
        problems.append(f"{where}: unknown unit {shown(c.unit)}")
    if c.on_expiry is not None and c.on_expiry not in triggers:
        problems.append(f"{where}: on_expiry trigger {shown(c.on_expiry)} is not defined")
    if not isinstance(c.name, str) or "[" in c.name or "]" in c.name:
        problems.append(f"{where}: a clock name may not contain '[' or ']'")
    if not isinstance(c.family, bool):
        problems.append(f"{where}: family must be true or false")
    if c.expiry_key_field is not None and not c.family:
        problems.append(f"{where}: expiry_key_field is for clock families only")
    return problems


def _check_clocks(d: WorkflowDefinition, index: Index) -> list[str]:
    clocks = {c.name: c for c in reversed(d.clocks)}
    triggers = index.triggers
    problems = [f"clock {shown(n)} is declared twice"
                for n in _duplicates(c.name for c in d.clocks)]
    for c in d.clocks:
        problems += _check_clock(c, triggers) + _check_length(index, c)
    for where, e in _all_effects(d):
        if e.clock not in clocks:
            problems.append(f"{where}: effect on unknown clock {shown(e.clock)}")
        if e.op not in CLOCK_OPS:
            problems.append(f"{where}: unknown clock operation {shown(e.op)}")
        fixed = isinstance(e.by, int) and e.by >= 1
        if e.op == "extend" and not fixed and not e.length_field:
            problems.append(f"{where}: extend needs a positive 'by' or a 'length_field'")
        if e.clock in clocks:
            problems += _check_effect(index, clocks[e.clock], e, where)
    return problems


def _check_effect(index: Index, c: Clock, e: ClockEffect, where: str) -> list[str]:
    """Date and family rules of one effect on a known clock."""
    what = f"{where}: {e.op} of clock {shown(c.name)}"
    starts = e.op in ("start", "restart")
    problems = [f"{what}: {label} must be a field name" for label in ("due_field", "key_field",
                                                                      "each")
                if getattr(e, label) is not None and not isinstance(getattr(e, label), str)]
    if e.due_field and not starts:
        problems.append(f"{what}: due_field dates only a start or restart")
    if starts and _dated(index, c):
        if e.length_field:
            problems.append(f"{what}: a clock due on a date takes no length_field")
        if c.due_month_day is None and not e.due_field:
            problems.append(f"{what}: the clock is due on a date, and this effect names no "
                            "due_field")
    if not c.family and (e.key_field or e.each):
        problems.append(f"{what}: key_field and each are for clock families only")
    if c.family and starts and not e.key_field:
        problems.append(f"{what}: an effect on a clock family needs a key_field to start a "
                        "member")
    if e.each and not e.key_field:
        problems.append(f"{what}: each needs a key_field naming the key in every object")
    return problems


def _check_names(d: WorkflowDefinition, registry: KnownNames, index: Index) -> list[str]:
    problems = []
    for t in d.transitions:
        where = f"transition {shown(t.trigger)}"
        problems += [f"{where}: unknown guard {shown(g)}" for g in t.guards
                     if g not in registry.guards]
        problems += [f"{where}: unknown action {shown(a)}" for a in t.actions
                     if a not in registry.actions]
        if t.data is not None and t.data not in registry.models:
            problems.append(f"{where}: unknown data model {shown(t.data)}")
    return problems + _check_fields(d, registry, index)


def _fields(t: Transition, registry: KnownNames) -> set[str] | None:
    model = registry.models.get(t.data) if t.data else None
    return set(model.model_fields) if model is not None else None


def _item_fields(t: Transition, registry: KnownNames, each: str) -> set[str] | None:
    """The fields of the objects in the list field ``each`` (e.g. ``list[Party]``), if the
    trigger's model declares them as a model; ``None`` when they cannot be told."""
    model = registry.models.get(t.data) if t.data else None
    info = model.model_fields.get(each) if model is not None else None
    todo: list[Any] = [getattr(info, "annotation", None)]
    while todo:
        annotation = todo.pop()
        if isinstance(getattr(annotation, "model_fields", None), dict):
            return set(annotation.model_fields)
        todo += get_args(annotation)
    return None


def _effect_fields(t: Transition, e: ClockEffect, registry: KnownNames) -> list[str]:
    """The fields ``e`` reads that the trigger's data (or each object of its list) lacks."""
    fields = _fields(t, registry)
    named = [n for n in (e.key_field, e.date_field, e.due_field, e.length_field)
             if isinstance(n, str)]
    missing = [e.when_field] if (isinstance(e.when_field, str) and fields is not None
                                 and e.when_field not in fields) else []
    if isinstance(e.each, str):
        if fields is not None and e.each not in fields:
            missing.append(e.each)
        fields = _item_fields(t, registry, e.each) if fields is not None else None
    prefix = f"{e.each}[]." if isinstance(e.each, str) else ""
    return missing + [f"{prefix}{name}" for name in named
                      if name and fields is not None and name not in fields]


def _check_fields(d: WorkflowDefinition, registry: KnownNames, index: Index) -> list[str]:
    """Data fields named by clock effects and expiry triggers exist in the trigger's model
    (a trigger without a model takes free-form data)."""
    problems = []
    for t in d.transitions:
        dest = index.states.get(t.dest) if t.dest else None
        entry = dest.effects if dest is not None else ()
        for e in t.effects + entry:
            problems += [f"transition {shown(t.trigger)}: clock effect on {shown(e.clock)} "
                         "reads field "
                         f"{shown(name)}, which its data does not have"
                         for name in _effect_fields(t, e, registry)]
    for c in d.clocks:
        for t in index.by_trigger.get(c.on_expiry or "", ()):
            fields = _fields(t, registry)
            if c.expiry_date_field and fields is not None and c.expiry_date_field not in fields:
                problems.append(f"clock {shown(c.name)}: its expiry trigger "
                                f"{shown(t.trigger)} has no "
                                f"field {shown(c.expiry_date_field)} for the due date")
            if c.expiry_key_field and fields is not None and c.expiry_key_field not in fields:
                problems.append(f"clock {shown(c.name)}: its expiry trigger "
                                f"{shown(t.trigger)} has no "
                                f"field {shown(c.expiry_key_field)} for the member's key")
    return problems


def _check_clock_flow(d: WorkflowDefinition, index: Index) -> list[str]:
    statuses = clock_statuses(d)
    g = graph(d)
    problems = []
    for t in d.transitions:
        sources = g.sources[t]
        for e in t.effects:
            if e.op == "resume" and not any(
                    "paused" in statuses.get(s, {}).get(e.clock, {"paused"}) for s in sources):
                problems.append(
                    f"transition {shown(t.trigger)}: resumes clock {shown(e.clock)}, "
                    "which is never paused in its source states"
                )
    valid = {(s, t.trigger) for t in d.transitions for s in g.sources[t]}
    for c in d.clocks:
        if c.on_expiry is None or c.on_expiry not in index.triggers:
            continue
        for s in d.states:
            running = s.kind != "terminal" and "running" in statuses[s.name][c.name]
            if running and (s.name, c.on_expiry) not in valid:
                problems.append(
                    f"clock {shown(c.name)}: its expiry trigger {shown(c.on_expiry)} is not valid "
                f"in "
                    f"state {shown(s.name)}, where the clock may be running"
                )
        if not any(SYSTEM_ROLE in t.roles for t in index.by_trigger[c.on_expiry]):
            problems.append(f"clock {shown(c.name)}: the system may not fire {shown(c.on_expiry)}")
    return problems
