"""Deciding a transition: from (stored instance, trigger, actor, data) to the :class:`Change`.

The steps run in the order the law of refusals needs: is the trigger valid here, may this actor
fire it, does the data fit, do the guards allow it, what do the clock effects and actions make of
it. Nothing here writes except through the context's port, and all of it runs inside the caller's
transaction, so a refusal anywhere leaves no trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.actor import Actor
from engine.audit import GENESIS
from engine.clocks.deadline import WorkingCalendar
from engine.clocks.effects import apply_clocks
from engine.clocks.record import ClockEffectError, ClockLimitReached, ClockRecord
from engine.data import checked_data
from engine.definition.model import Transition
from engine.errors import GuardRejected, InvalidData, InvalidTransition, PermissionDenied
from engine.limits import DEFAULT_LIMITS, Limits
from engine.timesource import local_date
from engine.transition.change import Change, StoredInstance
from engine.transition.compile import CompiledDefinition
from engine.transition.context import TransitionContext, TransitionPort
from engine.transition.roles import check_bound, check_reserved

SEPARATION_OF_DUTIES = "separation of duties"
"""The rule named by a :class:`PermissionDenied` that ``Transition.separate_from`` raised."""


def decide_start(compiled: CompiledDefinition, port: TransitionPort, actor: Actor,
                 data: Mapping[str, Any] | None, business_key: str | None, now: datetime,
                 cal: WorkingCalendar, agency: str, instance_id: str | None = None) -> Change:
    """The change that starts an instance (with ``instance_id``, a new UUID by default); raises
    the refusals of :func:`decide_fire`."""
    start = compiled.start
    check_reserved(actor, start.trigger, None)
    check_role([start], start.trigger, actor, None)
    ctx = _context(compiled, port, instance_id=instance_id or str(uuid.uuid4()), state=None,
                   trigger=start.trigger, actor=actor, data=data, instance_data={}, clocks={},
                   now=now, cal=cal, agency=agency, existing=False)
    ctx.actor = actor = check_bound(compiled.bound_roles, [start], start.trigger, actor,
                                    merged_data({}, start, ctx.data, {}), None)
    role = check_role([start], start.trigger, actor, None)
    if not compiled.check_start(ctx):
        guard, reason = ctx.rejections[0]
        raise GuardRejected("(new)", "(none)", start.trigger, guard, reason)
    changed = _clocks(ctx, start, entered=True)
    updates = run_actions(compiled, ctx, start)
    assert start.dest is not None
    return Change(
        instance_id=ctx.instance_id, agency=agency, workflow=compiled.definition.name,
        definition_version=compiled.definition.version, seq=1, version=1, read_version=0,
        trigger=start.trigger, from_state=None, to_state=start.dest, actor_id=actor.id,
        actor_role=role, data=merged_data({}, start, ctx.data, updates),
        event_data={**ctx.data, **updates}, clocks=changed, changed_clocks=changed,
        closed=False, prev_hash=GENESIS, business_key=business_key, messages=ctx.messages)


def decide_fire(compiled: CompiledDefinition, port: TransitionPort, row: StoredInstance,
                trigger: str, actor: Actor, data: Mapping[str, Any] | None, now: datetime,
                cal: WorkingCalendar) -> Change:
    """The change ``trigger`` makes; raises :class:`InvalidTransition`, :class:`PermissionDenied`,
    :class:`InvalidData` or :class:`GuardRejected`, in that order of checking.

    :class:`PermissionDenied` also refuses an actor naming the reserved ``system`` role without a
    grant (rule ``"reserved role"``) and one acting in a role the definition binds to another
    actor's id on this instance (rule ``"not the <role>"``, see :mod:`engine.transition.roles`).
    """
    if row.closed:
        raise InvalidTransition(row.id, row.state, trigger, (), "the instance is closed")
    candidates = compiled.candidates(row.state, trigger)
    if not candidates:
        raise InvalidTransition(row.id, row.state, trigger, compiled.valid_triggers(row.state))
    check_reserved(actor, trigger, row.id)
    check_role(candidates, trigger, actor, row.id)
    actor = check_bound(compiled.bound_roles, candidates, trigger, actor, row.data, row.id)
    fired = check_separation(port, candidates, trigger, actor, row.id)
    ctx = _context(compiled, port, instance_id=row.id, state=row.state, trigger=trigger,
                   actor=actor, data=data, instance_data=row.data, clocks=row.records, now=now,
                   cal=cal, agency=row.agency)
    transition, new_state = select_transition(compiled, ctx)
    role = actor.role_for(transition.roles)
    if role is None:
        raise PermissionDenied(row.id, trigger, actor.id, actor.roles, transition.roles)
    _refuse_separated(transition, fired, actor, row.id)
    changed = _clocks(ctx, transition, entered=transition.dest is not None)
    updates = run_actions(compiled, ctx, transition)
    return Change(
        instance_id=row.id, agency=row.agency, workflow=row.workflow,
        definition_version=row.definition_version, seq=row.seq + 1, version=row.version + 1,
        read_version=row.version, trigger=trigger, from_state=row.state, to_state=new_state,
        actor_id=actor.id, actor_role=role,
        data=merged_data(row.data, transition, ctx.data, updates),
        event_data={**ctx.data, **updates}, clocks={**row.records, **changed},
        changed_clocks=changed, closed=new_state in compiled.definition.terminal_states,
        prev_hash=row.last_hash, business_key=row.business_key, messages=ctx.messages)


def decide_mark(row: StoredInstance, trigger: str, actor: Actor, data: dict[str, Any],
                clocks: Mapping[str, ClockRecord] | None = None) -> Change:
    """An engine event that changes no state: a reminder, an overdue mark, a moved deadline."""
    changed = dict(clocks or {})
    return Change(
        instance_id=row.id, agency=row.agency, workflow=row.workflow,
        definition_version=row.definition_version, seq=row.seq + 1, version=row.version,
        read_version=row.version, trigger=trigger, from_state=row.state, to_state=row.state,
        actor_id=actor.id, actor_role=actor.role_for(()) or "", data=dict(row.data),
        event_data=data, clocks={**row.records, **changed}, changed_clocks=changed,
        closed=False, prev_hash=row.last_hash, business_key=row.business_key)


def _context(compiled: CompiledDefinition, port: TransitionPort, *, instance_id: str,
             state: str | None, trigger: str, actor: Actor, data: Mapping[str, Any] | None,
             instance_data: Mapping[str, Any], clocks: Mapping[str, ClockRecord],
             now: datetime, cal: WorkingCalendar, agency: str, existing: bool = True
             ) -> TransitionContext:
    event_data, model = validate_data(compiled, trigger, data,
                                      instance_id if existing else None, port.limits, now)
    return TransitionContext(
        instance_id=instance_id, definition=compiled.definition, state=state, trigger=trigger,
        actor=actor, data=event_data, model=model, instance_data=instance_data,
        clock_records=clocks, now=now, today=local_date(now), calendar=cal, port=port,
        agency=agency)


def check_role(candidates: list[Transition], trigger: str, actor: Actor,
               instance_id: str | None) -> str:
    """The role the actor fires under; raises :class:`PermissionDenied` if it holds none."""
    allowed = sorted({r for t in candidates for r in t.roles})
    role = actor.role_for(allowed)
    if role is None:
        raise PermissionDenied(instance_id, trigger, actor.id, actor.roles, allowed)
    return role


def check_separation(port: TransitionPort, candidates: list[Transition], trigger: str,
                     actor: Actor, instance_id: str) -> frozenset[str]:
    """Refuse the actor if every transition its roles allow is separated from a trigger it fired
    earlier on the instance (separation of duties, checked before guards run); returns the
    separated-from triggers it fired, for the check of the transition the guards then choose."""
    permitted = [t for t in candidates if actor.role_for(t.roles) is not None]
    names = {name for t in permitted for name in t.separate_from}
    if not names:
        return frozenset()
    fired = port.fired_by(instance_id, actor.id, names)
    if fired and all(fired.intersection(t.separate_from) for t in permitted):
        _refuse_separated(permitted[0], fired, actor, instance_id)
    return fired


def _refuse_separated(transition: Transition, fired: frozenset[str], actor: Actor,
                      instance_id: str) -> None:
    earlier = next((name for name in transition.separate_from if name in fired), None)
    if earlier is not None:
        raise PermissionDenied(instance_id, transition.trigger, actor.id, actor.roles,
                               transition.roles, rule=SEPARATION_OF_DUTIES,
                               earlier_trigger=earlier)


def validate_data(compiled: CompiledDefinition, trigger: str, data: object,
                  instance_id: str | None, limits: Limits = DEFAULT_LIMITS,
                  now: datetime | None = None) -> tuple[dict[str, Any], BaseModel | None]:
    """The trigger's data checked as ``engine.data`` says (JSON-safe, bounded, clean text), then
    against its model; raises :class:`InvalidData` per field, naming ``instance_id`` (``None``
    at a start, where no instance exists yet).

    A model's validators find the Beijing date of ``now`` in the validation context as
    ``today`` (to refuse a past event dated in the future).
    """
    model = compiled.models.get(trigger)
    raw = checked_data(trigger, data, limits, strict=model is None, instance_id=instance_id)
    if model is None:
        return raw, None
    context = {"today": local_date(now)} if now is not None else None
    try:
        obj = model.model_validate(raw, context=context)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "(data)",
                   "message": _cut(e["msg"]), "type": e["type"]} for e in exc.errors()]
        raise InvalidData(trigger, errors, instance_id) from None
    dumped = obj.model_dump(mode="json", exclude_none=True)
    return checked_data(trigger, dumped, limits, strict=True, instance_id=instance_id), obj


def _cut(message: str, limit: int = 300) -> str:
    """A model's message, cut short: some quote the refused value whole."""
    return message if len(message) <= limit else f"{message[:limit]}…"


def select_transition(compiled: CompiledDefinition, ctx: TransitionContext
                      ) -> tuple[Transition, str]:
    """Let the machine run the guards (the caller has checked the trigger and the roles)."""
    assert ctx.state is not None
    chosen = compiled.select(ctx)
    if chosen is None:
        guard, reason = ctx.rejections[0] if ctx.rejections else (
            "(none)", f"no transition of {ctx.trigger!r} from {ctx.state!r} applies")
        raise GuardRejected(ctx.instance_id, ctx.state, ctx.trigger, guard, reason)
    return chosen


def _clocks(ctx: TransitionContext, transition: Transition, entered: bool
            ) -> dict[str, ClockRecord]:
    try:
        return apply_clocks(ctx.definition, transition, ctx.clock_records, ctx.data, ctx.today,
                            ctx.calendar, entered=entered)
    except ClockLimitReached as exc:
        raise GuardRejected(ctx.instance_id, ctx.state or "-", ctx.trigger,
                            f"clock {exc.clock}", str(exc)) from None
    except ClockEffectError as exc:
        raise InvalidData(ctx.trigger, [{"field": exc.field or "(event date)",
                                         "message": str(exc)}], ctx.instance_id) from None


def run_actions(compiled: CompiledDefinition, ctx: TransitionContext,
                transition: Transition) -> dict[str, Any]:
    """Run the transition's actions in order; their returned updates merge into the data."""
    updates: dict[str, Any] = {}
    for name in transition.actions:
        result = compiled.actions[name](ctx)
        if result:
            updates.update(result)
    return updates


def merged_data(base: Mapping[str, Any], transition: Transition, event_data: dict[str, Any],
                updates: Mapping[str, Any]) -> dict[str, Any]:
    """The instance's data after the event: its data merged (or under ``data_key``), then the
    actions' updates."""
    data = dict(base)
    if transition.merge_data:
        if transition.data_key:
            data[transition.data_key] = event_data
        else:
            data.update(event_data)
    data.update(updates)
    return data
