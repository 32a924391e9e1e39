"""Claiming due work exactly once: timers now, calendar schedules next.

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

_T, _I = tables.timers, tables.instances


def claim_due_timer(conn: Connection, dialect: Dialect, now: datetime, agency: str | None
                    ) -> Any:
    """The earliest pending timer due by ``now`` (of one agency unless ``None``), claimed."""
    stmt = (select(_T).where(_T.c.status == "pending", _T.c.due_at <= now)
            .order_by(_T.c.due_at, _T.c.id).limit(1))
    if agency is not None:
        stmt = stmt.where(_T.c.agency == agency)
    if not dialect.skip_locked:
        return conn.execute(stmt).first()
    passed: list[int] = []
    while True:
        query = stmt.where(_T.c.id.not_in(passed)) if passed else stmt
        timer = dialect.claim(conn, query)
        if timer is None or dialect.claim(conn, select(_I.c.id).where(
                _I.c.id == timer.instance_id)):
            return timer
        passed.append(timer.id)
