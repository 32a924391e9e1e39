"""Hypothesis strategies for a workflow definition: actors, trigger data, event sequences and
invalid steps (needs ``hypothesis``; ``engine.testing`` imports this module only on use).

Data is drawn from the trigger's pydantic model when the registry has one — field by field from
its annotations: ``Literal`` and enum fields from their values, dates near ``today`` (as ISO
strings, as a form or another system sends them), numbers and texts within the model's bounds,
nested models and lists of them — and kept only when the model accepts it (its validators
included); a trigger without a model gets a small JSON object.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from engine.actor import Actor
from engine.definition.graph import graph
from engine.definition.model import Transition, WorkflowDefinition
from engine.text import FORBIDDEN
from engine.transition.registry import Registry

SYSTEM_ROLE = "system"
"""The engine's own role (timers, schedules): generated actors never hold it."""
DEFAULT_TODAY = dt.date(2025, 9, 28)
"""A 调休 Sunday that is a working day, three days before the National Day holiday."""
DATE_SPREAD = 20
"""Generated dates lie within this many calendar days of ``today``."""
ACTOR_IDS = ("actor-1", "actor-2", "actor-3")
"""Few ids, so that one person often acts twice on an instance (separation of duties)."""
TEXTS = ("依申请公开", "政策法规处", "某府发〔2025〕3号", "x", "不涉及国家秘密和商业秘密",
         "Report 2025", "课题研究需要历年数据")


class Step(NamedTuple):
    """One step of an event sequence: fire ``trigger`` as ``actor`` with ``data``, then let
    ``days_to_advance`` calendar days pass."""

    trigger: str
    actor: Actor
    data: dict[str, Any]
    days_to_advance: int


class InvalidStep(NamedTuple):
    """A step the engine must refuse in ``state``: ``kind`` is ``"wrong_role"``,
    ``"wrong_state"``, ``"malformed_data"`` or ``"other_trigger_data"``."""

    kind: str
    trigger: str
    actor: Actor
    data: dict[str, Any]


def human_roles(definition: WorkflowDefinition) -> list[str]:
    """The roles people hold: the definition's, and any a transition allows, but ``system``."""
    roles = set(definition.roles) | {r for t in definition.transitions for r in t.roles}
    return sorted(roles - {SYSTEM_ROLE})


def actors(definition: WorkflowDefinition, roles: Sequence[str] | None = None
           ) -> st.SearchStrategy[Actor]:
    """An actor holding one of ``roles`` (the definition's human roles by default), sometimes
    several of the definition's roles besides."""
    wanted = sorted(roles) if roles is not None else human_roles(definition)
    if not wanted:
        raise ValueError(f"definition {definition.name!r} has no role an actor could hold")
    return st.builds(
        lambda id_, role, more: Actor(id_, {role, *more}), st.sampled_from(ACTOR_IDS),
        st.sampled_from(wanted),
        st.frozensets(st.sampled_from(human_roles(definition) or wanted), max_size=2))


def model_of(definition: WorkflowDefinition, trigger: str, registry: Registry | None
             ) -> type[BaseModel] | None:
    """The pydantic model ``trigger``'s data must fit, or ``None`` (none named, or the registry
    does not know it)."""
    names = [t.data for t in definition.transitions if t.trigger == trigger and t.data]
    if not names or registry is None:
        return None
    return registry.models.get(names[0])


def json_objects() -> st.SearchStrategy[dict[str, Any]]:
    """Small JSON objects, the data of a trigger without a model."""
    scalars = st.none() | st.booleans() | st.integers(-5, 50) | st.sampled_from(TEXTS)
    return st.dictionaries(st.sampled_from(("note", "on", "value", "items")), scalars,
                           max_size=3)


def trigger_data(definition: WorkflowDefinition, trigger: str, registry: Registry | None = None,
                 today: dt.date | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Data ``trigger``'s model accepts, dates near ``today`` (2025-09-28 by default); small JSON
    objects when the trigger has no model."""
    model = model_of(definition, trigger, registry)
    if model is None:
        return json_objects()
    return raw_model_data(model, today or DEFAULT_TODAY).filter(lambda d: accepts(model, d))


def raw_data(definition: WorkflowDefinition, trigger: str, registry: Registry | None = None,
             today: dt.date | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Like :func:`trigger_data` but unfiltered: what the fields allow, which the model's own
    validators may still refuse (a state machine wants those refusals too)."""
    model = model_of(definition, trigger, registry)
    return json_objects() if model is None else raw_model_data(model, today or DEFAULT_TODAY)


def accepts(model: type[BaseModel], data: Mapping[str, Any]) -> bool:
    """Whether ``model`` validates ``data``."""
    try:
        model.model_validate(dict(data))
    except ValidationError:
        return False
    return True


def raw_model_data(model: type[BaseModel], today: dt.date) -> st.SearchStrategy[dict[str, Any]]:
    """A dict per the model's fields: required ones always, optional ones now and then."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        value = for_type(info.annotation, tuple(info.metadata), today)
        (required if info.is_required() else optional)[key] = value
    return st.fixed_dictionaries(required, optional=optional)


def _bound(metadata: tuple[Any, ...], name: str) -> Any:
    for item in metadata:
        value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def _numbers(tp: type, metadata: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    low, high = _bound(metadata, "ge"), _bound(metadata, "le")
    if low is None and _bound(metadata, "gt") is not None:
        low = _bound(metadata, "gt") + 1
    if high is None and _bound(metadata, "lt") is not None:
        high = _bound(metadata, "lt") - 1
    low = -5 if low is None else low
    high = max(low, 60 if high is None else high)
    if tp is float:
        return st.floats(float(low), float(high), allow_nan=False)
    return st.integers(int(low), int(high))


STORABLE = st.characters(exclude_categories=tuple(FORBIDDEN))  # type: ignore[arg-type]
"""Characters the engine keeps in text (``engine.text``): no control or invisible ones."""


def _texts(metadata: tuple[Any, ...]) -> st.SearchStrategy[str]:
    pattern = _bound(metadata, "pattern")
    if pattern is not None:
        return st.from_regex(pattern, fullmatch=True)
    low = _bound(metadata, "min_length") or 0
    high = _bound(metadata, "max_length")
    texts = st.sampled_from(TEXTS) | st.text(STORABLE, min_size=low, max_size=high or 12)
    if low or high:
        texts = texts.filter(lambda s: low <= len(s.strip()) and (high is None or len(s) <= high))
    return texts


def _dates(today: dt.date) -> st.SearchStrategy[str]:
    spread = dt.timedelta(days=DATE_SPREAD)
    return st.dates(today - spread, today).map(dt.date.isoformat)


def _sequences(args: tuple[Any, ...], metadata: tuple[Any, ...], today: dt.date
               ) -> st.SearchStrategy[Any]:
    item = for_type(args[0] if args else Any, (), today)
    low = _bound(metadata, "min_length") or 0
    return st.lists(item, min_size=low, max_size=max(low, _bound(metadata, "max_length") or 3))


def for_type(tp: Any, metadata: tuple[Any, ...], today: dt.date) -> st.SearchStrategy[Any]:
    """A strategy of JSON-ready values for a field annotated ``tp`` with pydantic ``metadata``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return for_type(args[0], (*metadata, *args[1:]), today)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([for_type(a, metadata, today) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (list, tuple, set, frozenset, Sequence):
        return _sequences(args, metadata, today)
    if origin in (dict, Mapping):
        return json_objects()
    return _plain(tp, metadata, today)


def _plain(tp: Any, metadata: tuple[Any, ...], today: dt.date) -> st.SearchStrategy[Any]:
    if tp is type(None):
        return st.none()
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return raw_model_data(tp, today)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from([m.value for m in tp])
    simple: dict[Any, st.SearchStrategy[Any]] = {
        bool: st.booleans(), dt.date: _dates(today), Any: json_objects(),
        dt.datetime: _dates(today).map(lambda d: f"{d}T10:00:00+08:00")}
    if tp in simple:
        return simple[tp]
    if tp in (int, float):
        return _numbers(tp, metadata)
    if tp is str:
        return _texts(metadata)
    return st.from_type(tp)


def _firable(transitions: Sequence[Transition]) -> bool:
    """Whether a person (no ``system`` role) may take one of these transitions."""
    return any(not t.roles or set(t.roles) - {SYSTEM_ROLE} for t in transitions)


def _actor_for(definition: WorkflowDefinition, transition: Transition
               ) -> st.SearchStrategy[Actor]:
    roles = [r for r in transition.roles if r != SYSTEM_ROLE]
    return actors(definition, roles or None)


@st.composite
def event_sequences(draw: st.DrawFn, definition: WorkflowDefinition, max_steps: int = 10,
                    registry: Registry | None = None, today: dt.date | None = None,
                    max_days: int = 10) -> list[Step]:
    """Steps valid by the definition's structure: the start trigger first, then triggers valid
    in the state the step before leads to (one of the trigger's transitions, as if its guards
    chose it; triggers only the system may fire are left to the timers), each fired by an actor
    holding a role the transition allows, with data from its model, and 0..``max_days``
    calendar days to let pass after it. Ends early in a terminal state."""
    g = graph(definition)
    day = today or DEFAULT_TODAY
    start = next(t for t in definition.transitions if t.trigger == definition.start_trigger)
    state = start.dest or definition.initial_state.name
    steps = [Step(start.trigger, draw(_actor_for(definition, start)),
                  draw(raw_data(definition, start.trigger, registry, day)),
                  draw(st.integers(0, max_days)))]
    while len(steps) < max_steps and state not in definition.terminal_states:
        options = {t: ts for t, ts in g.by_state.get(state, {}).items() if _firable(ts)}
        if not options:
            break
        trigger = draw(st.sampled_from(sorted(options)))
        chosen = draw(st.sampled_from([t for t in options[trigger] if _firable([t])]))
        day += dt.timedelta(days=steps[-1].days_to_advance)
        steps.append(Step(trigger, draw(_actor_for(definition, chosen)),
                          draw(raw_data(definition, trigger, registry, day)),
                          draw(st.integers(0, max_days))))
        state = chosen.dest or state
    return steps


def _allowed_roles(definition: WorkflowDefinition, state: str, trigger: str) -> set[str]:
    return {r for t in graph(definition).candidates(state, trigger) for r in t.roles}


def _everyone(definition: WorkflowDefinition) -> Actor:
    return Actor("actor-everyone", human_roles(definition))


def _wrong_role(definition: WorkflowDefinition, state: str, registry: Registry | None,
                today: dt.date) -> st.SearchStrategy[InvalidStep] | None:
    roles = set(human_roles(definition)) | {"outsider"}
    options = [t for t in graph(definition).triggers(state)
               if _allowed_roles(definition, state, t) and
               roles - _allowed_roles(definition, state, t)]
    if not options:
        return None

    @st.composite
    def step(draw: st.DrawFn) -> InvalidStep:
        trigger = draw(st.sampled_from(options))
        others = sorted(roles - _allowed_roles(definition, state, trigger))
        actor = Actor(draw(st.sampled_from(ACTOR_IDS)),
                      draw(st.frozensets(st.sampled_from(others), min_size=1, max_size=2)))
        data = draw(raw_data(definition, trigger, registry, today))
        return InvalidStep("wrong_role", trigger, actor, data)

    return step()


def _wrong_state(definition: WorkflowDefinition, state: str, registry: Registry | None,
                 today: dt.date) -> st.SearchStrategy[InvalidStep] | None:
    valid = set(graph(definition).triggers(state))
    options = sorted({t.trigger for t in definition.transitions if t.sources} - valid)
    if not options:
        return None
    return st.sampled_from(options).flatmap(lambda trigger: raw_data(
        definition, trigger, registry, today).map(
        lambda data: InvalidStep("wrong_state", trigger, _everyone(definition), data)))


def _malformed(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with one field's value of a type no field accepts as is, or an unknown field."""
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    if required:
        return {**data, required[0]: {"malformed": [1, 2]}}
    return {**data, "__unexpected_field__": {"malformed": [1, 2]}}


def _bad_data(definition: WorkflowDefinition, state: str, registry: Registry | None,
              today: dt.date) -> st.SearchStrategy[InvalidStep] | None:
    options = [t for t in graph(definition).triggers(state)
               if model_of(definition, t, registry) is not None]
    others = sorted({t.trigger for t in definition.transitions})
    if not options:
        return None

    @st.composite
    def step(draw: st.DrawFn) -> InvalidStep:
        trigger = draw(st.sampled_from(options))
        model = model_of(definition, trigger, registry)
        assert model is not None
        actor = _everyone(definition)
        other = draw(st.sampled_from(others))
        if other != trigger and draw(st.booleans()):
            data = draw(raw_data(definition, other, registry, today))
            if not accepts(model, data):
                return InvalidStep("other_trigger_data", trigger, actor, data)
        data = _malformed(model, draw(raw_data(definition, trigger, registry, today)))
        return InvalidStep("malformed_data", trigger, actor, data)

    return step().filter(lambda s: not accepts(model_of(definition, s.trigger, registry)
                                               or BaseModel, s.data))


def invalid_steps(definition: WorkflowDefinition, state: str | None = None,
                  registry: Registry | None = None, today: dt.date | None = None
                  ) -> st.SearchStrategy[InvalidStep]:
    """Steps the engine must refuse on an instance in ``state`` (the initial state by default):
    a valid trigger fired by an actor holding none of its roles, a trigger of another state,
    data the trigger's model refuses (a field of the wrong type), or another trigger's data the
    model refuses. Raises ``ValueError`` when ``state`` leaves nothing invalid to try."""
    where = state or definition.initial_state.name
    day = today or DEFAULT_TODAY
    kinds = [s for s in (_wrong_role(definition, where, registry, day),
                         _wrong_state(definition, where, registry, day),
                         _bad_data(definition, where, registry, day)) if s is not None]
    if not kinds:
        raise ValueError(f"no invalid step to try in state {where!r} of {definition.name!r}")
    return st.one_of(kinds)
