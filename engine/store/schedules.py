"""Calendar schedule rows: written, read, listed and moved on, one agency's at a time.

A row becomes a :class:`StoredSchedule` here (the public :class:`Schedule` plus the row id and the
moment its occurrence was counted after); nothing above the store sees a SQLAlchemy row. Claiming a
due row for firing is in :mod:`engine.store.claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from engine.clocks.schedules import ScheduleSpec
from engine.snapshot import Schedule
from engine.store import tables
from engine.timesource import utc_dt

_S = tables.schedules
WAITING = "waiting_calendar"
"""The calendar lacks a year the schedule needs (its next occurrence, or the pending one, cannot be
counted): the worker looks again at ``next_due_at``, and ``recompute_deadlines`` does at once."""
PENDING = ("active", "retrying", WAITING)
"""Statuses the worker claims: waiting for the occurrence, retrying it after a failure, or
waiting for calendar data."""


@dataclass(frozen=True)
class StoredSchedule:
    """A schedule row, typed: the public view plus what only the runtime needs."""

    id: int
    basis_at: datetime
    """The moment ``view.occurrence`` was counted after (strictly): creation or the last firing."""
    view: Schedule


def stored_schedule(row: Any) -> StoredSchedule:
    last = row.last_occurrence
    view = Schedule(
        name=row.name, workflow=row.workflow, action=row.action, trigger=row.trigger,
        spec=ScheduleSpec.from_dict(row.spec), data=row.data,
        occurrence=date.fromisoformat(row.occurrence),
        next_due_at=utc_dt(row.next_due_at),  # type: ignore[arg-type]
        status=row.status, attempts=row.attempts, last_error=row.last_error,
        last_occurrence=date.fromisoformat(last) if last else None,
        last_fired_at=utc_dt(row.last_fired_at), agency=row.agency)
    return StoredSchedule(id=row.id, basis_at=utc_dt(row.basis_at),  # type: ignore[arg-type]
                          view=view)


def find_schedule(conn: Connection, agency: str, name: str) -> StoredSchedule | None:
    """The agency's schedule called ``name``, if any."""
    row = conn.execute(select(_S).where(_S.c.agency == agency, _S.c.name == name)).first()
    return stored_schedule(row) if row is not None else None


def insert_schedule(conn: Connection, agency: str, values: Mapping[str, Any]) -> None:
    """A new schedule row (``values``: the columns of :func:`content` and :func:`position`)."""
    conn.execute(insert(_S).values(agency=agency, **values))


def update_schedule(conn: Connection, schedule_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(_S).where(_S.c.id == schedule_id).values(**values))


def content(workflow: str, action: str, trigger: str | None, spec: ScheduleSpec,
            data: Mapping[str, Any]) -> dict[str, Any]:
    """The columns a caller of ``Engine.schedule`` decides."""
    return dict(workflow=workflow, action=action, trigger=trigger, spec=spec.to_dict(),
                data=dict(data))


def position(occurrence: date, due_at: datetime, basis_at: datetime) -> dict[str, Any]:
    """The columns of a schedule waiting for ``occurrence`` (due at ``due_at``), healthy again."""
    return dict(occurrence=occurrence.isoformat(), next_due_at=due_at, basis_at=basis_at,
                status="active", attempts=0, last_error=None)


def fired(conn: Connection, schedule_id: int, occurrence: date, now: datetime,
          nxt: Mapping[str, Any]) -> None:
    """Record ``occurrence`` as fired at ``now`` and move on to ``nxt`` (a :func:`position`)."""
    update_schedule(conn, schedule_id, dict(
        nxt, last_occurrence=occurrence.isoformat(), last_fired_at=now))


def waiting(checks: int, error: str, check_at: datetime) -> dict[str, Any]:
    """The columns of a schedule waiting for calendar data: ``checks`` looks so far, the error
    naming the missing year, and when the worker looks again. Its occurrence stays as it is."""
    return dict(status=WAITING, attempts=checks, last_error=error, next_due_at=check_at)


def failed_attempt(conn: Connection, schedule_id: int, attempts: int, error: str,
                   retry_at: datetime | None) -> None:
    """Record a failed attempt: retrying at ``retry_at``, or parked as failed (``None``)."""
    values: dict[str, Any] = dict(attempts=attempts, last_error=error,
                                  status="retrying" if retry_at else "failed")
    if retry_at is not None:
        values["next_due_at"] = retry_at
    update_schedule(conn, schedule_id, values)


def delete_schedule(conn: Connection, agency: str, name: str) -> bool:
    """Remove the agency's schedule ``name``; False if there was none."""
    done = conn.execute(delete(_S).where(_S.c.agency == agency, _S.c.name == name))
    return bool(done.rowcount)


def schedules(conn: Connection, agency: str, status: str | None) -> list[Schedule]:
    """The agency's schedules by next due time, then name (optionally of one status)."""
    query = select(_S).where(_S.c.agency == agency).order_by(_S.c.next_due_at, _S.c.name)
    if status is not None:
        query = query.where(_S.c.status == status)
    return [stored_schedule(r).view for r in conn.execute(query).all()]


def pending_ids(conn: Connection, agency: str | None, workflow: str | None) -> list[int]:
    """Ids of schedules the worker will fire (of one agency and workflow, if given)."""
    query = select(_S.c.id).where(_S.c.status.in_(PENDING)).order_by(_S.c.id)
    if agency is not None:
        query = query.where(_S.c.agency == agency)
    if workflow is not None:
        query = query.where(_S.c.workflow == workflow)
    return list(conn.execute(query).scalars())


def next_schedule_due(conn: Connection, agency: str | None) -> datetime | None:
    """When the earliest pending schedule falls due (of one agency, or of all when ``None``)."""
    query = select(func.min(_S.c.next_due_at)).where(_S.c.status.in_(PENDING))
    if agency is not None:
        query = query.where(_S.c.agency == agency)
    return utc_dt(conn.execute(query).scalar())
