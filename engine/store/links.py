"""Links: an instance tied to a business object or to another instance, as ``(kind, key)`` rows.

A link belongs to its instance's agency (机关) and is looked up both ways: an instance's links in
the order they were made, and the agency's instances linked to ``(kind, key)`` (through the
``(agency, kind, key)`` index). Linking the same pair twice leaves one row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from engine.errors import InvalidData
from engine.snapshot import Link
from engine.store import tables
from engine.store.dialect import Dialect
from engine.text import text_problem

_L, _I = tables.links, tables.instances
KIND_MAX: int = _L.c.kind.type.length
"""The longest kind the table holds, in characters."""
KEY_MAX: int = _L.c.key.type.length
"""The longest key the table holds, in characters."""

_SELECT_OF = (select(_L).where(_L.c.agency == bindparam("b_agency"),
                               _L.c.instance_id == bindparam("b_id")).order_by(_L.c.id))
_INSERTS: dict[str, Any] = {}


def check(kind: object, key: object, what: str, instance_id: str | None = None) -> None:
    """Refuse a kind or key that is not a non-empty string within the table's limits: raises
    :class:`InvalidData` naming ``what`` was attempted (``"link"``, ``"find"``), one entry each."""
    errors = [{"field": name, "message": problem}
              for name, value, limit in (("kind", kind, KIND_MAX), ("key", key, KEY_MAX))
              if (problem := text_problem(value, limit)) is not None]
    if errors:
        raise InvalidData(what, errors, instance_id)


def add(conn: Connection, dialect: Dialect, agency: str, instance_id: str, kind: str, key: str,
        now: datetime) -> None:
    """Link the (written) instance to ``(kind, key)``; nothing happens if it already is."""
    insert = _INSERTS.get(dialect.name)
    if insert is None:
        insert = _INSERTS[dialect.name] = dialect.insert_ignoring(
            _L, ["instance_id", "kind", "key"])
    conn.execute(insert, dict(agency=agency, instance_id=instance_id, kind=kind, key=key,
                              created_at=now))


def of_instance(conn: Connection, agency: str, instance_id: str) -> list[Link]:
    """The instance's links in the order they were made."""
    rows = conn.execute(_SELECT_OF, {"b_agency": agency, "b_id": instance_id}).all()
    return [Link(instance_id=r.instance_id, kind=r.kind, key=r.key, created_at=r.created_at)
            for r in rows]


def linked_to(query: Any, agency: str, kind: str, key: str) -> Any:
    """``query`` over instances narrowed to those of the agency linked to ``(kind, key)``."""
    linked = select(_L.c.instance_id).where(_L.c.agency == agency, _L.c.kind == kind,
                                            _L.c.key == key)
    return query.where(_I.c.agency == agency, _I.c.id.in_(linked))
