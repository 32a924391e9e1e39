"""Writing one :class:`Change`: the instance row under its event sequence, the hash-chained event,
the outbox messages and the timers of the changed clocks — in the caller's transaction.

Statements are built once with bound parameters: building them per call with literal values cost
more than executing them (SQLAlchemy constructs and cache-keys every value each time).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from engine.audit import KEYED_PREFIX, ROW_FIELDS, HistoryKey, row_digest, scheme_of, seal
from engine.clocks.deadline import WorkingCalendar
from engine.clocks.record import ClockRecord
from engine.clocks.timers import derive
from engine.definition.model import WorkflowDefinition
from engine.errors import ConcurrentUpdate, HistoryKeyMissing, HistoryTampered
from engine.snapshot import EventFields
from engine.store import tables
from engine.store.checkpoints import Heads, heads_of
from engine.store.dialect import Dialect
from engine.transition.change import Change

_I = tables.instances
_ROW = ("state", "data", "clocks", "version", "seq", "last_hash", "updated_at", "closed_at")
_UPDATE_INSTANCE = (
    update(_I).where(_I.c.id == bindparam("b_id"), _I.c.seq == bindparam("b_expected"))
    .values({c: bindparam(f"b_{c}") for c in _ROW}))
_INSERT_INSTANCE = insert(_I)
_INSERT_EVENT = insert(tables.events)
_INSERT_OUTBOX = insert(tables.outbox)
_INSERT_TIMERS = insert(tables.timers)
_T = tables.timers
_CANCEL_ALL = (update(_T).where(_T.c.instance_id == bindparam("b_id"), _T.c.status == "pending")
               .values(status="cancelled", fired_at=bindparam("b_now")))
_CANCEL_CLOCKS = _CANCEL_ALL.where(_T.c.clock.in_(bindparam("b_clocks", expanding=True)))
_CANCEL_CLOCK = _CANCEL_ALL.where(_T.c.clock == bindparam("b_clock"))
"""One clock (the usual case): an expanding ``IN`` is rendered afresh on every call."""


def write(conn: Connection, change: Change, now: datetime, definition: WorkflowDefinition,
          cal: WorkingCalendar, pre_image: Mapping[str, Any] | None = None) -> None:
    """Persist ``change``; raises :class:`ConcurrentUpdate` if another writer came first.

    The event is sealed (``engine.audit.seal``) over the row it writes, with the transaction's
    history key (``engine.store.checkpoints``), and the new head is noted for the checkpoint
    log."""
    heads = heads_of(conn)
    key = heads.key if heads is not None else None
    if change.seq > 1:
        found = pre_image if pre_image is not None else conn.execute(
            _PRE_IMAGE, {"b_id": change.instance_id}).mappings().first()
        _check_unaltered(found, change, key)
    else:
        _check_key_of_database(conn, change, key)
    fields = _event_fields(change, now)
    row = _row(change, now)
    covered = row_digest(row)
    scheme = scheme_of(key)
    digest = seal(fields, covered, scheme, key)
    _write_row(conn, change, now, dict(row, last_hash=digest))
    conn.execute(_INSERT_EVENT, dict(
        vars(fields), hash=digest, agency=change.agency, workflow=change.workflow,
        scheme=scheme, row_digest=covered))
    _queue(conn, change, now, heads)
    if change.closed:
        cancel_timers(conn, change.instance_id, None, now)
    else:
        reschedule(conn, change, definition, cal, now)
    if heads is not None:
        heads.note(change.agency, change.instance_id, change.seq, digest, now)


_E = tables.events
_PRE_IMAGE = (select(*(_I.c[name] for name in ROW_FIELDS), _E.c.row_digest, _E.c.hash,
                     _E.c.scheme)
              .select_from(_I.outerjoin(_E, (_E.c.instance_id == _I.c.id)
                                        & (_E.c.seq == _I.c.seq)))
              .where(_I.c.id == bindparam("b_id")))


def _check_unaltered(found: Any, change: Change, key: HistoryKey | None) -> None:
    """Refuse to build on an instance changed outside the engine: its row must be what its last
    event wrote, and that event the chain head the transition was decided on. Otherwise the new
    event would seal the altered row and hide the change from every later verification.
    Refuse as well to add an event sealed without the key (or with another) to a keyed chain:
    it would break the chain for good. Raises :class:`HistoryTampered` (its
    :class:`HistoryKeyMissing` for the key); a row changed by another writer since it was read
    is left to the version check (:class:`ConcurrentUpdate`). ``found`` is the pre-image:
    the row's covered columns with its last event's ``row_digest``, ``hash`` and ``scheme``."""
    if found is None or found["seq"] != change.seq - 1:
        return
    scheme = found["scheme"] or ""
    if scheme.startswith(KEYED_PREFIX) and (key is None or key.scheme != scheme):
        raise HistoryKeyMissing(change.instance_id, change.seq - 1,
                                scheme[len(KEYED_PREFIX):], None if key is None else key.id)
    problem = None
    if found["hash"] is None or found["hash"] != change.prev_hash:
        problem = "its last event is missing or is not the instance's chain head"
    elif found["row_digest"] is not None and row_digest(dict(found)) != found["row_digest"]:
        problem = "the instance row differs from what this event wrote"
    if problem is not None:
        raise HistoryTampered(change.instance_id, change.seq - 1,
                              f"{problem}; nothing was written (gongkai verify)")


HISTORY_KEY = "history_key"
"""The ``gongkai_meta`` key under which the scheme (fingerprint) of the database's history key
is recorded, by the first engine that opens the database with a key."""
_RECORDED_KEY = select(tables.meta.c.value).where(tables.meta.c.key == HISTORY_KEY)


def record_key(db: Any, dialect: Dialect, key: HistoryKey) -> None:
    """Record ``key``'s scheme as the database's history key unless one is recorded."""
    with db.begin() as conn:
        conn.execute(dialect.insert_ignore(tables.meta, ["key"],
                                           {"key": HISTORY_KEY, "value": key.scheme}))


def _check_key_of_database(conn: Connection, change: Change, key: HistoryKey | None) -> None:
    """Refuse to start an instance sealed without the database's history key (or with another
    one): a process that lost its key would otherwise write chains anyone can recompute.
    Raises :class:`HistoryKeyMissing`."""
    recorded = conn.execute(_RECORDED_KEY).scalar()
    if recorded is not None and (key is None or key.scheme != recorded):
        raise HistoryKeyMissing(change.instance_id, 0, str(recorded)[len(KEYED_PREFIX):],
                                None if key is None else key.id)


def write_new(conn: Connection, change: Change, now: datetime, definition: WorkflowDefinition,
              cal: WorkingCalendar) -> bool:
    """Persist a starting change; ``False`` (and nothing usable written: the caller must roll
    back) if the agency already has an instance of the workflow with its business key."""
    key = change.business_key
    if key is not None and conn.execute(select(_I.c.id).where(
            _I.c.agency == change.agency, _I.c.workflow == change.workflow,
            _I.c.business_key == key)).first() is not None:
        return False
    try:
        write(conn, change, now, definition, cal)
    except IntegrityError:
        if key is None:
            raise
        return False
    return True


def _event_fields(change: Change, now: datetime) -> EventFields:
    return EventFields(
        instance_id=change.instance_id, seq=change.seq, trigger=change.trigger,
        from_state=change.from_state, to_state=change.to_state, actor_id=change.actor_id,
        actor_role=change.actor_role, event_time=now, recorded_at=now, data=change.event_data,
        prev_hash=change.prev_hash)


def _row(change: Change, now: datetime) -> dict[str, Any]:
    """The instance row's covered columns as this transition writes them."""
    return dict(id=change.instance_id, agency=change.agency, workflow=change.workflow,
                definition_version=change.definition_version,
                business_key=change.business_key, state=change.to_state, data=change.data,
                clocks={n: r.to_json() for n, r in change.clocks.items()},
                version=change.version, seq=change.seq, updated_at=now,
                closed_at=now if change.closed else None)


def _write_row(conn: Connection, change: Change, now: datetime, row: dict[str, Any]) -> None:
    if change.seq == 1:
        conn.execute(_INSERT_INSTANCE, dict(row, created_at=now))
        return
    done = conn.execute(_UPDATE_INSTANCE, {
        "b_id": change.instance_id, "b_expected": change.seq - 1,
        **{f"b_{k}": row[k] for k in _ROW}})
    if done.rowcount != 1:
        actual = conn.execute(select(_I.c.version).where(_I.c.id == change.instance_id)).scalar()
        raise ConcurrentUpdate(change.instance_id, change.read_version, actual)


def _queue(conn: Connection, change: Change, now: datetime, heads: Heads | None) -> None:
    """The event's outbox row and the change's messages: inserted now, or held by the
    transaction (:meth:`Heads.hold_outbox`) for :func:`flush_outbox`."""
    payload = dict(instance_id=change.instance_id, workflow=change.workflow, seq=change.seq,
                   trigger=change.trigger, from_state=change.from_state,
                   to_state=change.to_state, actor_id=change.actor_id,
                   actor_role=change.actor_role, data=change.event_data)
    rows = [dict(topic="event", payload=payload)]
    rows += [dict(topic=topic, payload=body) for topic, body in change.messages]
    params = [dict(r, instance_id=change.instance_id, seq=change.seq, agency=change.agency,
                   workflow=change.workflow, trigger=change.trigger, attempts=0,
                   next_attempt_at=now) for r in rows]
    if heads is not None and heads.held is not None:
        heads.held.extend(params)
    else:
        conn.execute(_INSERT_OUTBOX, params[0] if len(params) == 1 else params)


def flush_outbox(conn: Connection) -> None:
    """Insert the outbox rows the transaction held back (in the order they were written), in
    one statement; the transaction holds none afterwards."""
    heads = heads_of(conn)
    if heads is not None and heads.held:
        rows, heads.held[:] = list(heads.held), []
        conn.execute(_INSERT_OUTBOX, rows)


def reschedule(conn: Connection, change: Change, definition: WorkflowDefinition,
               cal: WorkingCalendar, now: datetime) -> None:
    """Cancel the pending timers of each changed clock and write the ones it needs now; a
    starting instance (``seq`` 1) has no timers yet, so nothing is cancelled."""
    changed: Mapping[str, ClockRecord] = change.changed_clocks
    if not changed:
        return
    if change.seq != 1:
        cancel_timers(conn, change.instance_id, changed.keys(), now)
    rows = [dict(r, instance_id=change.instance_id, agency=change.agency,
                 workflow=change.workflow, state=change.to_state, status="pending", attempts=0)
            for name, rec in changed.items()
            for r in derive(definition.clock(name), rec, cal, now, name)]
    if rows:
        conn.execute(_INSERT_TIMERS, rows)


def cancel_timers(conn: Connection, instance_id: str, clocks: Iterable[str] | None,
                  now: datetime) -> None:
    """Cancel pending timers of an instance (of the given clocks, or all of them)."""
    if clocks is None:
        conn.execute(_CANCEL_ALL, {"b_id": instance_id, "b_now": now})
        return
    names = list(clocks)
    if len(names) == 1:
        conn.execute(_CANCEL_CLOCK, {"b_id": instance_id, "b_now": now, "b_clock": names[0]})
    else:
        conn.execute(_CANCEL_CLOCKS, {"b_id": instance_id, "b_now": now, "b_clocks": names})


_SETTLE = (update(_T).where(_T.c.id == bindparam("b_id"))
           .values(status=bindparam("b_status"), fired_at=bindparam("b_now")))
_FAILED = (update(_T).where(_T.c.id == bindparam("b_id"))
           .values(attempts=bindparam("b_attempts"), last_error=bindparam("b_error"),
                   status=bindparam("b_status"), due_at=bindparam("b_due")))


def settle_timer(conn: Connection, timer_id: int, status: str, now: datetime) -> None:
    """Mark a claimed timer fired or cancelled."""
    conn.execute(_SETTLE, {"b_id": timer_id, "b_status": status, "b_now": now})


def settle_timers(conn: Connection, settled: Sequence[tuple[int, str]], now: datetime) -> None:
    """Mark claimed timers fired or cancelled (``(timer id, status)`` pairs), in one
    ``executemany``."""
    if settled:
        conn.execute(_SETTLE, [{"b_id": timer_id, "b_status": status, "b_now": now}
                               for timer_id, status in settled])


def timer_failed(conn: Connection, timer_id: int, attempts: int, error: str, failed: bool,
                 due_at: datetime) -> None:
    """Record a failed attempt: pending again at ``due_at``, or parked as ``failed``."""
    conn.execute(_FAILED, {"b_id": timer_id, "b_attempts": attempts, "b_error": error,
                           "b_status": "failed" if failed else "pending", "b_due": due_at})
