"""Deciding a transition: from (instance row, trigger, actor, data) to the :class:`Change`.

Nothing here writes except through the context's two doors (counters and the outbox queue), and
all of it runs inside the caller's transaction, so a refusal anywhere leaves no trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from engine.actor import Actor
from engine.audit import GENESIS
from engine.clocks import ClockRecord, WorkingCalendar
from engine.context import TransitionContext
from engine.errors import GuardRejected, InvalidTransition, PermissionDenied
from engine.machine import CompiledDefinition
from engine.timesource import local_date
from engine.transaction import (
    Change,
    apply_clocks,
    check_role,
    merged_data,
    run_actions,
    select_transition,
    validate_data,
)


def records_of(raw: Mapping[str, Any]) -> dict[str, ClockRecord]:
    return {name: ClockRecord.from_json(r) for name, r in raw.items()}


def _context(compiled: CompiledDefinition, conn: Connection, *, instance_id: str,
             state: str | None, trigger: str, actor: Actor, data: Mapping[str, Any] | None,
             instance_data: Mapping[str, Any], clocks: dict[str, ClockRecord], now: datetime,
             cal: WorkingCalendar) -> TransitionContext:
    event_data, model = validate_data(compiled, trigger, data, instance_id)
    return TransitionContext(
        instance_id=instance_id, definition=compiled.definition, state=state, trigger=trigger,
        actor=actor, data=event_data, model=model, instance_data=instance_data,
        clock_records=clocks, now=now, today=local_date(now), calendar=cal, conn=conn)


def decide_start(compiled: CompiledDefinition, conn: Connection, actor: Actor,
                 data: Mapping[str, Any] | None, business_key: str | None, now: datetime,
                 cal: WorkingCalendar) -> Change:
    start = compiled.start
    role = check_role([start], start.trigger, actor, None)
    ctx = _context(compiled, conn, instance_id=str(uuid.uuid4()), state=None,
                   trigger=start.trigger, actor=actor, data=data, instance_data={}, clocks={},
                   now=now, cal=cal)
    if not compiled.check_start(ctx):
        guard, reason = ctx.rejections[0]
        raise GuardRejected("(new)", "(none)", start.trigger, guard, reason)
    changed = apply_clocks(ctx, start, entered=True)
    updates = run_actions(compiled, ctx, start)
    assert start.dest is not None
    return Change(
        instance_id=ctx.instance_id, workflow=compiled.definition.name,
        definition_version=compiled.definition.version, seq=1, version=1, read_version=0,
        trigger=start.trigger,
        from_state=None, to_state=start.dest, actor_id=actor.id, actor_role=role,
        data=merged_data({}, start, ctx.data, updates), event_data={**ctx.data, **updates},
        clocks=changed, changed_clocks=changed, closed=False, prev_hash=GENESIS,
        business_key=business_key, messages=ctx.messages)


def decide_fire(compiled: CompiledDefinition, conn: Connection, row: Any, trigger: str,
                actor: Actor, data: Mapping[str, Any] | None, now: datetime,
                cal: WorkingCalendar) -> Change:
    if row.closed_at is not None:
        raise InvalidTransition(row.id, row.state, trigger, (), "the instance is closed")
    candidates = compiled.candidates(row.state, trigger)
    if not candidates:
        raise InvalidTransition(row.id, row.state, trigger, compiled.valid_triggers(row.state))
    check_role(candidates, trigger, actor, row.id)
    clocks = records_of(row.clocks)
    ctx = _context(compiled, conn, instance_id=row.id, state=row.state, trigger=trigger,
                   actor=actor, data=data, instance_data=row.data, clocks=clocks, now=now,
                   cal=cal)
    transition, new_state = select_transition(compiled, ctx)
    role = actor.role_for(transition.roles)
    if role is None:
        raise PermissionDenied(row.id, trigger, actor.id, actor.roles, transition.roles)
    changed = apply_clocks(ctx, transition, entered=transition.dest is not None)
    updates = run_actions(compiled, ctx, transition)
    return Change(
        instance_id=row.id, workflow=row.workflow, definition_version=row.definition_version,
        seq=row.seq + 1, version=row.version + 1, read_version=row.version, trigger=trigger,
        from_state=row.state, to_state=new_state,
        actor_id=actor.id, actor_role=role,
        data=merged_data(row.data, transition, ctx.data, updates),
        event_data={**ctx.data, **updates}, clocks={**clocks, **changed},
        changed_clocks=changed, closed=new_state in compiled.definition.terminal_states,
        prev_hash=row.last_hash, messages=ctx.messages)


def decide_mark(row: Any, trigger: str, actor: Actor, data: dict[str, Any],
                clocks: Mapping[str, ClockRecord] | None = None) -> Change:
    """An engine event that changes no state: a reminder, an overdue mark, a moved deadline."""
    current = records_of(row.clocks)
    changed = dict(clocks or {})
    return Change(
        instance_id=row.id, workflow=row.workflow, definition_version=row.definition_version,
        seq=row.seq + 1, version=row.version, read_version=row.version, trigger=trigger,
        from_state=row.state, to_state=row.state, actor_id=actor.id,
        actor_role=actor.role_for(()) or "", data=dict(row.data),
        event_data=data, clocks={**current, **changed}, changed_clocks=changed, closed=False,
        prev_hash=row.last_hash)
