"""Reading: the instance row (once per transition), histories, searches, timers and events.

Rows become typed values here (:class:`StoredInstance`, :class:`Event`, :class:`Timer`); nothing
above the store sees a SQLAlchemy row. Every read is scoped to one agency: another agency's
instance is :class:`NotFound`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection

from engine.audit import ROW_FIELDS
from engine.clocks.record import ClockRecord
from engine.errors import NotFound, StorageError
from engine.snapshot import Event, Instance, Timer
from engine.store import tables
from engine.store.faults import UNREADABLE
from engine.text import shown
from engine.timesource import utc_dt
from engine.transition.change import StoredInstance

_I, _E, _T = tables.instances, tables.events, tables.timers

_SELECT_INSTANCE = select(_I).where(_I.c.id == bindparam("b_id"))
"""Built once: the hot path's row read (building a statement per call costs more than running
it)."""


def stored(row: Any) -> StoredInstance:
    """The typed instance of a row, its clock records parsed; :class:`StorageError` if the row
    holds values no transition writes (a record changed outside the engine)."""
    with readable("instance", row.id):
        if not isinstance(row.data, dict) or not isinstance(row.clocks, dict):
            raise TypeError("its data and clocks must be JSON objects")
        return _stored(row)


def _stored(row: Any) -> StoredInstance:
    return StoredInstance(
        id=row.id, agency=row.agency, workflow=row.workflow,
        definition_version=row.definition_version, state=row.state,
        business_key=row.business_key, data=row.data,
        records={n: ClockRecord.from_json(r) for n, r in row.clocks.items()},
        version=row.version, seq=row.seq, last_hash=row.last_hash,
        created_at=utc_dt(row.created_at),  # type: ignore[arg-type]
        updated_at=utc_dt(row.updated_at),  # type: ignore[arg-type]
        closed_at=utc_dt(row.closed_at))


@contextmanager
def readable(what: str, key: object) -> Iterator[None]:
    """Raise a value of a record that cannot be read as a :class:`StorageError` naming it."""
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StorageError(f"the {what} {shown(key)} holds a value gongkai cannot read "
                           f"({UNREADABLE}): {exc}", exc) from exc


def view(row: StoredInstance) -> Instance:
    """The read-only snapshot of a stored instance, without deadlines (the runtime adds them)."""
    return Instance(
        id=row.id, workflow=row.workflow, definition_version=row.definition_version,
        state=row.state, data=row.data, version=row.version, business_key=row.business_key,
        created_at=row.created_at, updated_at=row.updated_at, closed_at=row.closed_at,
        agency=row.agency)


def load_instance(conn: Connection, instance_id: str, agency: str | None) -> StoredInstance:
    """The instance, if it exists and belongs to ``agency`` (any agency when ``None``)."""
    row = conn.execute(_SELECT_INSTANCE, {"b_id": instance_id}).first()
    if row is None or (agency is not None and row.agency != agency):
        raise NotFound("instance", instance_id)
    return stored(row)


_SELECT_INSTANCES = (
    select(_I, _E.c.row_digest.label("head_row_digest"), _E.c.hash.label("head_hash"),
           _E.c.scheme.label("head_scheme"))
    .select_from(_I.outerjoin(_E, (_E.c.instance_id == _I.c.id) & (_E.c.seq == _I.c.seq)))
    .where(_I.c.id.in_(bindparam("b_ids", expanding=True))))


Loaded = tuple[StoredInstance, dict[str, Any]]
"""A stored instance and its pre-image (see :func:`load_instances`)."""


def load_instances(conn: Connection, instance_ids: Collection[str]) -> dict[str, Loaded]:
    """The instances among ``instance_ids`` that exist, by id, in one query (any agency: for
    the timer drain, which reads a batch's claimed instances at once), each with its pre-image
    as ``engine.store.write`` checks it before writing (its covered columns, and the row digest,
    hash and scheme of its last event), read with it."""
    found: dict[str, Loaded] = {}
    for row in conn.execute(_SELECT_INSTANCES, {"b_ids": list(instance_ids)}).mappings():
        pre_image = {**{k: row[k] for k in ROW_FIELDS}, "row_digest": row["head_row_digest"],
                     "hash": row["head_hash"], "scheme": row["head_scheme"]}
        found[row["id"]] = (stored(_Row(row)), pre_image)
    return found


class _Row:
    """Attribute access to a row mapping (what :func:`stored` reads)."""

    def __init__(self, mapping: Any) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        return self._mapping[name]


_COVERED = select(*(_I.c[name] for name in ROW_FIELDS)).where(_I.c.id == bindparam("b_id"))


def covered_row(conn: Connection, instance_id: str) -> dict[str, Any]:
    """The instance row's columns the history chain covers (``engine.audit.ROW_FIELDS``), as
    stored (read for verification only, never on a transition)."""
    return dict(conn.execute(_COVERED, {"b_id": instance_id}).one()._mapping)


def has_instances(conn: Connection, agency: str) -> bool:
    """Whether the agency has any instance."""
    return conn.execute(select(_I.c.id).where(_I.c.agency == agency).limit(1)).first() is not None


def existing_ids(conn: Connection, agency: str, ids: Collection[str]) -> set[str]:
    """Which of ``ids`` are instances of ``agency``."""
    found: set[str] = set()
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        found.update(conn.execute(select(_I.c.id).where(
            _I.c.agency == agency, _I.c.id.in_(wanted[start:start + 500]))).scalars())
    return found


def history(conn: Connection, row: StoredInstance) -> list[Event]:
    """Events up to the row's sequence (later ones committed after the row was read)."""
    rows = conn.execute(select(_E).where(_E.c.instance_id == row.id, _E.c.seq <= row.seq)
                        .order_by(_E.c.seq)).all()
    return [event_from_row(r) for r in rows]


def last_event(conn: Connection, instance_id: str, trigger: str) -> Event | None:
    """The latest event of ``trigger`` on the instance."""
    row = conn.execute(select(_E).where(_E.c.instance_id == instance_id, _E.c.trigger == trigger)
                       .order_by(_E.c.seq.desc()).limit(1)).first()
    return event_from_row(row) if row is not None else None


_FIRED_BY = select(_E.c.trigger).distinct().where(
    _E.c.instance_id == bindparam("b_id"), _E.c.actor_id == bindparam("b_actor"),
    _E.c.trigger.in_(bindparam("b_triggers", expanding=True)))


def triggers_fired_by(conn: Connection, instance_id: str, actor_id: str,
                      triggers: Collection[str]) -> frozenset[str]:
    """Which of ``triggers`` the actor has fired on the instance (separation of duties)."""
    rows = conn.execute(_FIRED_BY, {"b_id": instance_id, "b_actor": actor_id,
                                    "b_triggers": list(triggers)})
    return frozenset(rows.scalars())


def find_query(agency: str, workflow: str | None, state: str | None, business_key: str | None,
               closed: bool | None) -> Any:
    """Instances of the agency matching every filter given, in id order."""
    query = select(_I).where(_I.c.agency == agency).order_by(_I.c.id)
    for column, value in ((_I.c.workflow, workflow), (_I.c.state, state),
                          (_I.c.business_key, business_key)):
        if value is not None:
            query = query.where(column == value)
    if closed is not None:
        query = query.where(_I.c.closed_at.is_not(None) if closed else _I.c.closed_at.is_(None))
    return query


def ids_of(db: Any, agency: str, read_options: dict[str, Any], page_size: int = 500
           ) -> Iterator[str]:
    """The ids of the agency's instances in id order, a page at a time, without reading their
    records (so that one record that cannot be read does not stop the others)."""
    last = ""
    while True:
        with db.connect().execution_options(**read_options) as conn:
            ids = conn.execute(select(_I.c.id).where(_I.c.agency == agency, _I.c.id > last)
                               .order_by(_I.c.id).limit(page_size)).scalars().all()
        yield from ids
        if len(ids) < page_size:
            return
        last = ids[-1]


def pages(db: Any, query: Any, page_size: int, read_options: dict[str, Any]
          ) -> Iterator[StoredInstance]:
    """Rows of an id-ordered instance query, a page (and a short read) at a time."""
    last = ""
    while True:
        with db.connect().execution_options(**read_options) as conn:
            rows = conn.execute(query.where(_I.c.id > last).limit(page_size)).all()
        yield from (stored(r) for r in rows)
        if len(rows) < page_size:
            return
        last = rows[-1].id


def open_in_states(conn: Connection, agency: str, keys: Sequence[tuple[str, int, str]]
                   ) -> list[StoredInstance]:
    """Open instances of the agency in any of the (workflow, version, state) triples."""
    if not keys:
        return []
    query = select(_I).where(_I.c.agency == agency, _I.c.closed_at.is_(None), or_(*[
        and_(_I.c.workflow == w, _I.c.definition_version == v, _I.c.state == s)
        for w, v, s in keys]))
    return [stored(r) for r in conn.execute(query).all()]


def open_ids(conn: Connection, agency: str | None, workflow: str | None) -> list[str]:
    """Ids of open instances (of one agency unless ``None``, of one workflow if given)."""
    query = select(_I.c.id).where(_I.c.closed_at.is_(None)).order_by(_I.c.id)
    if agency is not None:
        query = query.where(_I.c.agency == agency)
    if workflow is not None:
        query = query.where(_I.c.workflow == workflow)
    return list(conn.execute(query).scalars())


def timers(conn: Connection, agency: str, instance_id: str | None, status: str | None
           ) -> list[Timer]:
    """The agency's timers by due time, optionally of one instance or status."""
    query = select(_T).where(_T.c.agency == agency).order_by(_T.c.due_at, _T.c.id)
    if instance_id is not None:
        query = query.where(_T.c.instance_id == instance_id)
    if status is not None:
        query = query.where(_T.c.status == status)
    return [timer_from_row(r) for r in conn.execute(query).all()]


def next_timer_due(conn: Connection, agency: str | None) -> datetime | None:
    """When the earliest pending timer falls due (of one agency, or of all when ``None``)."""
    query = select(func.min(_T.c.due_at)).where(_T.c.status == "pending")
    if agency is not None:
        query = query.where(_T.c.agency == agency)
    return utc_dt(conn.execute(query).scalar())


def events(conn: Connection, agency: str, workflow: str | None, triggers: Sequence[str] | None,
           since: datetime | None, until: datetime | None, after_id: int, limit: int
           ) -> list[tuple[int, Event]]:
    """A page of the agency's events (by the events index), oldest first, with their row ids."""
    where: list[ColumnElement[bool]] = [_E.c.agency == agency, _E.c.id > after_id]
    if workflow is not None:
        where.append(_E.c.workflow == workflow)
    if triggers is not None:
        where.append(_E.c.trigger.in_(list(triggers)))
    if since is not None:
        where.append(_E.c.event_time >= since)
    if until is not None:
        where.append(_E.c.event_time < until)
    rows = conn.execute(select(_E).where(*where).order_by(_E.c.id).limit(limit)).all()
    return [(r.id, event_from_row(r)) for r in rows]


def timer_from_row(row: Any) -> Timer:
    return Timer(**{name: getattr(row, name) for name in Timer.__dataclass_fields__})


def event_from_row(row: Any) -> Event:
    """The event of a row; :class:`StorageError` if it holds values no transition writes."""
    with readable("event of instance", row.instance_id):
        if not isinstance(row.data, dict):
            raise TypeError("its data must be a JSON object")
        return _event(row)


def _event(row: Any) -> Event:
    return Event(
        instance_id=row.instance_id, seq=row.seq, trigger=row.trigger,
        from_state=row.from_state, to_state=row.to_state, actor_id=row.actor_id,
        actor_role=row.actor_role, event_time=utc_dt(row.event_time),  # type: ignore[arg-type]
        recorded_at=utc_dt(row.recorded_at),  # type: ignore[arg-type]
        data=row.data, prev_hash=row.prev_hash, hash=row.hash, workflow=row.workflow,
        agency=row.agency, scheme=row.scheme, row_digest=row.row_digest,
    )
