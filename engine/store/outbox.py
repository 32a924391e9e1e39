"""Delivering committed events to subscribers, at least once, from the outbox table.

Each transition writes its outbox rows in its own transaction; after commit they are handed to
the subscribers whose filters match. A subscriber that raises leaves the row pending with a
growing back-off, and never blocks or undoes a transition. Subscribers should be idempotent: a
message is identified by ``(instance_id, seq, topic)`` and may arrive more than once.

A process takes only the rows of the topics and workflows it subscribes to; rows nobody here
wants stay for other processes. Processes subscribed to the same topic and workflow share the
rows like workers share a queue: each row is delivered at least once, to at least one of them
(durable per-consumer subscriptions are future work).

Retention keeps the table bounded: a delivered row is deleted at once, and a row no subscription
of this process wants is deleted once it is older than the retention (:meth:`Outbox.tidy`), the
time other processes have to take it. A row a live subscription here wants is never deleted
undelivered, however often its subscriber fails.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, true, update
from sqlalchemy import Engine as SAEngine

from engine.errors import InvalidArgument
from engine.store import tables as storage
from engine.store.dialect import READ_ONLY

log = logging.getLogger("gongkai.outbox")
Subscriber = Callable[[dict[str, Any]], None]
MAX_BACKOFF = timedelta(minutes=30)
DEFAULT_RETENTION = timedelta(hours=1)
"""How long a row no subscription of this process wants waits for another process to take it."""
TIDY_INTERVAL = timedelta(seconds=10)
TIDY_CALLS = 100
"""The outbox is tidied at most every :data:`TIDY_INTERVAL` of engine time or every
:data:`TIDY_CALLS` commits, whichever comes first: one delete per commit would double the
commits."""


def check_retention(retention: timedelta | None) -> None:
    """Refuse a negative retention (:class:`InvalidArgument`)."""
    if retention is not None and retention < timedelta(0):
        raise InvalidArgument("outbox_retention", "may not be negative")


@dataclass(frozen=True)
class Subscription:
    callback: Subscriber
    agency: str | None
    workflow: str | None
    triggers: frozenset[str] | None
    topics: frozenset[str]

    def wants(self, row: Any) -> bool:
        if row.topic not in self.topics or (self.workflow and self.workflow != row.workflow):
            return False
        if self.agency is not None and row.agency != self.agency:
            return False
        return self.triggers is None or row.trigger in self.triggers


class Outbox:
    """This process's subscriptions and the delivery loop over pending outbox rows."""

    def __init__(self, db: SAEngine, retention: timedelta | None = DEFAULT_RETENTION) -> None:
        """``retention``: how long a row no subscription here wants is kept (``timedelta(0)``:
        removed at the next tidy; ``None``: kept until some process delivers it). A negative
        retention raises :class:`InvalidArgument`."""
        check_retention(retention)
        self._db = db
        self.retention = retention
        self._subs: list[Subscription] = []
        self._lock = threading.RLock()
        self._local = threading.local()
        self._tidied_at: datetime | None = None
        self._since_tidy = 0

    def subscribe(self, callback: Subscriber, workflow: str | None = None,
                  triggers: Collection[str] | None = None,
                  topics: Collection[str] = ("event",), agency: str | None = None
                  ) -> Subscription:
        """Call ``callback`` with rows of ``topics`` (of one agency and workflow if given)."""
        sub = Subscription(callback, agency, workflow, frozenset(triggers) if triggers else None,
                           frozenset(topics))
        with self._lock:
            self._subs.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.remove(sub)

    @property
    def active(self) -> bool:
        return bool(self._subs)

    def deliver(self, now: datetime, limit: int = 500) -> int:
        """Hand pending rows that are due to subscribers; returns how many were delivered.

        Callbacks run outside any transaction, so a subscriber may itself fire transitions.
        """
        if not self._subs or getattr(self._local, "busy", False):
            return 0
        self._local.busy = True
        try:
            return self._deliver(now, limit)
        finally:
            self._local.busy = False

    def _deliver(self, now: datetime, limit: int) -> int:
        with self._lock:
            with self._db.connect().execution_options(**READ_ONLY) as conn:
                rows = conn.execute(
                    select(storage.outbox).where(storage.outbox.c.next_attempt_at <= now,
                                                 self._wanted())
                    .order_by(storage.outbox.c.id).limit(limit)).all()
            results = [(row, self._hand_over(row)) for row in rows]
            with self._db.begin() as conn:
                done = [row.id for row, error in results if error is None]
                if done:
                    conn.execute(delete(storage.outbox).where(storage.outbox.c.id.in_(done)))
                for row, error in results:
                    if error is not None:
                        backoff = min(MAX_BACKOFF, timedelta(seconds=2 ** min(row.attempts, 12)))
                        conn.execute(update(storage.outbox).where(storage.outbox.c.id == row.id)
                                     .values(attempts=row.attempts + 1, last_error=error,
                                             next_attempt_at=now + backoff))
        return len(done)

    def tidy(self, now: datetime, force: bool = False) -> int:
        """Delete rows no subscription here wants that are older than the retention, if a tidy
        is due (or ``force``); returns how many were deleted."""
        self._since_tidy += 1
        last = self._tidied_at
        due = last is None or now - last >= TIDY_INTERVAL or self._since_tidy >= TIDY_CALLS
        if self.retention is None or not (due or force):
            return 0
        self._tidied_at, self._since_tidy = now, 0
        o = storage.outbox
        with self._lock:
            stale = o.c.next_attempt_at <= now - self.retention
            where = and_(stale, ~self._wanted()) if self._subs else stale
            with self._db.begin() as conn:
                return int(conn.execute(delete(o).where(where)).rowcount or 0)

    def _wanted(self) -> ColumnElement[bool]:
        """Rows some subscription of this process takes (by topic, workflow and trigger)."""
        o = storage.outbox
        return or_(*[and_(o.c.topic.in_(sub.topics),
                          o.c.agency == sub.agency if sub.agency is not None else true(),
                          o.c.workflow == sub.workflow if sub.workflow else true(),
                          o.c.trigger.in_(sub.triggers) if sub.triggers else true())
                     for sub in self._subs])

    def _hand_over(self, row: Any) -> str | None:
        for sub in self._subs:
            if not sub.wants(row):
                continue
            try:
                sub.callback({**row.payload, "topic": row.topic, "instance_id": row.instance_id,
                              "seq": row.seq, "workflow": row.workflow, "agency": row.agency})
            except Exception as exc:  # a subscriber's failure must not escape into a transition
                log.warning("subscriber %r failed on %s: %s", sub.callback, row.topic, exc)
                return f"{type(exc).__name__}: {exc}"
        return None
