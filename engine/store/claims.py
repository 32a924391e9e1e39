"""Claiming due work exactly once: timers and calendar schedules.

On PostgreSQL the claim locks the row ``FOR UPDATE SKIP LOCKED`` and then its instance, neither
waiting, so workers on many hosts share the table and two never fire on one instance at once (the
loser would hit ConcurrentUpdate and back off as if the timer had failed). Two statements, not a
join: a join's plan sorts every due timer. On SQLite the single writer lock does it all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from engine.store import tables
from engine.store.dialect import Dialect
from engine.store.schedules import PENDING, StoredSchedule, stored_schedule

_T, _I, _S = tables.timers, tables.instances, tables.schedules


def _due_timers(now: datetime, agency: str | None) -> Any:
    stmt = (select(_T).where(_T.c.status == "pending", _T.c.due_at <= now)
            .order_by(_T.c.due_at, _T.c.id))
    return stmt if agency is None else stmt.where(_T.c.agency == agency)


def claim_due_timer(conn: Connection, dialect: Dialect, now: datetime, agency: str | None
                    ) -> Any:
    """The earliest pending timer due by ``now`` (of one agency unless ``None``), claimed."""
    batch = claim_due_timers(conn, dialect, now, agency, 1)
    return batch[0] if batch else None


def claim_due_timers(conn: Connection, dialect: Dialect, now: datetime, agency: str | None,
                     limit: int) -> list[Any]:
    """Up to ``limit`` pending timers due by ``now`` (of one agency unless ``None``), earliest
    first, claimed with their instances: on PostgreSQL a timer whose instance another worker
    holds is passed over (it stays pending for a later round)."""
    stmt = _due_timers(now, agency)
    if not dialect.skip_locked:
        return list(conn.execute(stmt.limit(limit)).all())
    claimed: list[Any] = []
    passed: list[int] = []
    while len(claimed) < limit:
        wanted = limit - len(claimed)
        query = stmt.where(_T.c.id.not_in(passed)) if passed else stmt
        rows = conn.execute(query.limit(wanted).with_for_update(skip_locked=True)).all()
        if not rows:
            break
        held = set(conn.execute(select(_I.c.id).where(
            _I.c.id.in_({r.instance_id for r in rows})).with_for_update(skip_locked=True))
            .scalars())
        claimed += [r for r in rows if r.instance_id in held]
        passed += [r.id for r in rows]
        if len(rows) < wanted:
            break
    return claimed


def claim_due_schedule(conn: Connection, dialect: Dialect, now: datetime, agency: str | None
                       ) -> StoredSchedule | None:
    """The earliest pending schedule (active, retrying or waiting for calendar data) due by
    ``now`` (of one agency unless ``None``), claimed: another worker on PostgreSQL skips it, and
    finds it moved on once this commits."""
    stmt = (select(_S).where(_S.c.status.in_(PENDING), _S.c.next_due_at <= now)
            .order_by(_S.c.next_due_at, _S.c.id).limit(1))
    if agency is not None:
        stmt = stmt.where(_S.c.agency == agency)
    row = dialect.claim(conn, stmt)
    return stored_schedule(row) if row is not None else None


def claim_schedule(conn: Connection, dialect: Dialect, schedule_id: int
                   ) -> StoredSchedule | None:
    """The pending (active, retrying or waiting) schedule ``schedule_id``, claimed; None if it is
    no longer pending, or (PostgreSQL) a worker is firing it right now."""
    row = dialect.claim(conn, select(_S).where(_S.c.id == schedule_id,
                                               _S.c.status.in_(PENDING)))
    return stored_schedule(row) if row is not None else None
