"""One transition, one database transaction: check, decide, then write everything or nothing.

The helpers here check the actor's roles, the data and the guards and work out the new state,
data and clocks without writing (``engine.decide`` puts them together); :func:`write` then
updates the instance row under its event sequence, appends the hash-chained event, queues the
outbox messages and moves the timers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from engine import storage, timers
from engine.actor import Actor
from engine.audit import event_hash
from engine.clocks import (
    ClockEffectError,
    ClockLimitReached,
    ClockRecord,
    announced,
    apply_effect,
    stop_at_close,
)
from engine.context import TransitionContext
from engine.definition import ClockEffect, Transition
from engine.errors import (
    ConcurrentUpdate,
    GuardRejected,
    InvalidData,
    PermissionDenied,
)
from engine.machine import CompiledDefinition


@dataclass
class Change:
    """Everything one transition writes."""

    instance_id: str
    workflow: str
    definition_version: int
    seq: int
    version: int
    read_version: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: str
    actor_role: str
    data: dict[str, Any]
    event_data: dict[str, Any]
    clocks: dict[str, ClockRecord]
    changed_clocks: dict[str, ClockRecord]
    closed: bool
    prev_hash: str
    business_key: str | None = None
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def check_role(candidates: list[Transition], trigger: str, actor: Actor,
               instance_id: str | None) -> str:
    allowed = sorted({r for t in candidates for r in t.roles})
    role = actor.role_for(allowed)
    if role is None:
        raise PermissionDenied(instance_id, trigger, actor.id, actor.roles, allowed)
    return role


def validate_data(compiled: CompiledDefinition, trigger: str, data: Mapping[str, Any] | None,
                  instance_id: str | None) -> tuple[dict[str, Any], BaseModel | None]:
    model = compiled.models.get(trigger)
    raw = dict(data or {})
    if model is None:
        return raw, None
    try:
        obj = model.model_validate(raw)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "(data)", "message": e["msg"],
                   "type": e["type"]} for e in exc.errors()]
        raise InvalidData(trigger, errors, instance_id) from None
    return obj.model_dump(mode="json", exclude_none=True), obj


def effect_day(effect: ClockEffect, ctx: TransitionContext) -> date:
    """The day an effect happened: the named data field, or the event's own (Beijing) date.

    A day after today is refused: events record what happened, and a deadline counted from a
    future day would be silently wrong.
    """
    value = ctx.data.get(effect.date_field) if effect.date_field else None
    day = date.fromisoformat(value) if isinstance(value, str) else ctx.today
    if day > ctx.today:
        raise InvalidData(ctx.trigger, [{"field": effect.date_field or "(event date)",
                                         "message": f"{day} is after today ({ctx.today})"}],
                          ctx.instance_id)
    return day


def apply_clocks(ctx: TransitionContext, transition: Transition, entered: bool
                 ) -> dict[str, ClockRecord]:
    """The clocks changed by the transition's effects, then by entering its destination."""
    d = ctx.definition
    effects = transition.effects
    if entered and transition.dest:
        effects += d.state(transition.dest).effects
    records = dict(ctx.clock_records)
    changed: dict[str, ClockRecord] = {}
    for e in effects:
        length = ctx.data.get(e.length_field) if e.length_field else None
        try:
            new = apply_effect(records.get(e.clock), d.clock(e.clock), e, effect_day(e, ctx),
                               length)
        except ClockLimitReached as exc:
            raise GuardRejected(ctx.instance_id, ctx.state or "-", ctx.trigger,
                                f"clock {e.clock}", str(exc)) from None
        except ClockEffectError as exc:
            raise InvalidData(ctx.trigger, [{"field": e.date_field or "(event date)",
                                             "message": str(exc)}], ctx.instance_id) from None
        if new is not records.get(e.clock):
            records[e.clock] = changed[e.clock] = new
    if entered and transition.dest in d.terminal_states:
        for name, rec in records.items():
            if rec.started_on and not rec.stopped_on:
                changed[name] = stop_at_close(rec, ctx.today)
    return {name: announced(rec, d.clock(name).unit, ctx.calendar)
            for name, rec in changed.items()}


def run_actions(compiled: CompiledDefinition, ctx: TransitionContext,
                transition: Transition) -> dict[str, Any]:
    updates: dict[str, Any] = {}
    for name in transition.actions:
        result = compiled.actions[name](ctx)
        if result:
            updates.update(result)
    return updates


def merged_data(base: Mapping[str, Any], transition: Transition, event_data: dict[str, Any],
                updates: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(base)
    if transition.merge_data:
        if transition.data_key:
            data[transition.data_key] = event_data
        else:
            data.update(event_data)
    data.update(updates)
    return data


def select_transition(compiled: CompiledDefinition, ctx: TransitionContext
                      ) -> tuple[Transition, str]:
    """Let the machine run the guards (the caller has checked the trigger and the roles)."""
    assert ctx.state is not None
    chosen = compiled.select(ctx)
    if chosen is None:
        guard, reason = ctx.rejections[0] if ctx.rejections else ("?", "no transition applies")
        raise GuardRejected(ctx.instance_id, ctx.state, ctx.trigger, guard, reason)
    return chosen


# Statements built once with bound parameters: building them per call with literal values cost
# more than executing them (SQLAlchemy constructs and cache-keys every value each time).
_I = storage.instances
_ROW = ("state", "data", "clocks", "version", "seq", "last_hash", "updated_at", "closed_at")
_UPDATE_INSTANCE = (
    update(_I).where(_I.c.id == bindparam("b_id"), _I.c.seq == bindparam("b_expected"))
    .values({c: bindparam(f"b_{c}") for c in _ROW}))
_INSERT_INSTANCE = insert(_I)
_INSERT_EVENT = insert(storage.events)
_INSERT_OUTBOX = insert(storage.outbox)


def write(conn: Connection, change: Change, now: datetime, compiled: CompiledDefinition,
          cal: Any) -> None:
    """Persist ``change``: sequence-checked update (or insert), event, outbox, timers."""
    seq = change.seq
    event_data = change.event_data
    digest = event_hash(instance_id=change.instance_id, seq=seq, trigger=change.trigger,
                        from_state=change.from_state, to_state=change.to_state,
                        actor_id=change.actor_id, actor_role=change.actor_role, event_time=now,
                        recorded_at=now, data=event_data, prev_hash=change.prev_hash)
    row = dict(state=change.to_state, data=change.data,
               clocks={n: r.to_json() for n, r in change.clocks.items()},
               version=change.version, seq=seq, last_hash=digest, updated_at=now,
               closed_at=now if change.closed else None)
    if seq == 1:
        conn.execute(_INSERT_INSTANCE, dict(
            row, id=change.instance_id, workflow=change.workflow,
            definition_version=change.definition_version, created_at=now,
            business_key=change.business_key))
    else:
        done = conn.execute(_UPDATE_INSTANCE, {
            "b_id": change.instance_id, "b_expected": seq - 1,
            **{f"b_{k}": v for k, v in row.items()}})
        if done.rowcount != 1:
            actual = conn.execute(select(_I.c.version).where(
                _I.c.id == change.instance_id)).scalar()
            raise ConcurrentUpdate(change.instance_id, change.read_version, actual)
    conn.execute(_INSERT_EVENT, dict(
        instance_id=change.instance_id, seq=seq, trigger=change.trigger,
        from_state=change.from_state, to_state=change.to_state, actor_id=change.actor_id,
        actor_role=change.actor_role, event_time=now, recorded_at=now, data=event_data,
        prev_hash=change.prev_hash, hash=digest))
    _queue(conn, change, seq, now)
    _move_timers(conn, change, now, compiled, cal)


def _queue(conn: Connection, change: Change, seq: int, now: datetime) -> None:
    payload = dict(instance_id=change.instance_id, workflow=change.workflow, seq=seq,
                   trigger=change.trigger, from_state=change.from_state,
                   to_state=change.to_state, actor_id=change.actor_id,
                   actor_role=change.actor_role, data=change.event_data)
    rows = [dict(topic="event", payload=payload)]
    rows += [dict(topic=topic, payload=body) for topic, body in change.messages]
    params = [dict(r, instance_id=change.instance_id, seq=seq, workflow=change.workflow,
                   trigger=change.trigger, attempts=0, next_attempt_at=now) for r in rows]
    conn.execute(_INSERT_OUTBOX, params[0] if len(params) == 1 else params)


def _move_timers(conn: Connection, change: Change, now: datetime,
                 compiled: CompiledDefinition, cal: Any) -> None:
    if change.closed:
        timers.cancel(conn, storage.timers, change.instance_id, None, now)
        return
    timers.reschedule(conn, storage.timers, instance_id=change.instance_id,
                      workflow=change.workflow, state=change.to_state,
                      definition=compiled.definition, changed=change.changed_clocks,
                      cal=cal, now=now)
