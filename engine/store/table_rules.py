"""What a workflow-owned table must be, and what may be written to or asked of it.

Shared by the store (:mod:`engine.store.workflow_tables`) and the in-memory tables of guard tests
(:mod:`engine.testing.guards`), so both refuse the same things with the same errors:

- a table an engine can own: its rows belong to an agency, so ``agency`` is a NOT NULL text
  column in the primary key, and every unique constraint includes it (otherwise two agencies
  would collide on a key and learn that each other's rows exist) — :class:`DefinitionError`;
- a call naming a column the table lacks, giving ``agency``, or getting without the whole key —
  :class:`TableMisuse`;
- a value that does not fit its column — :class:`InvalidRow`, checked before the statement runs,
  because SQLite stores a string in an integer column where PostgreSQL refuses it: checking
  first makes both refuse alike;
- what the database still refuses (a key taken, a foreign key, a CHECK) — translated by
  :func:`translated` into :class:`DuplicateRow` or :class:`InvalidRow`.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Table,
    Time,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.sql.schema import ColumnCollectionConstraint
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from engine.errors import DuplicateRow, InvalidRow, TableMisuse, WorkflowError

AGENCY = "agency"
ENGINE_PREFIX = "gongkai_"
"""The engine's own tables are named ``gongkai_*``; no workflow table may be."""

INTEGER_BITS = ((BigInteger, 64), (SmallInteger, 16), (Integer, 32))
"""The range of each integer column type, as PostgreSQL keeps it (SQLite would take 64 bits in
any of them): checked on both so a value fits or fails the same everywhere."""


def table_of(model: type[Any]) -> Table:
    """The table of a SQLModel table class; :class:`TableMisuse` if it has none."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, Table):
        name = getattr(model, "__name__", repr(model))
        raise TableMisuse(str(name), [f"{name!r} is not a SQLModel table (table=True)"])
    return table


def table_problems(table: Table) -> list[str]:
    """Why an engine cannot own ``table`` (empty if it can)."""
    problems: list[str] = []
    if table.name.startswith(ENGINE_PREFIX):
        problems.append(f"table {table.name!r} clashes with the engine's own tables "
                        f"({ENGINE_PREFIX}*); name it otherwise")
    column = table.c.get(AGENCY)
    if column is None or not isinstance(_base(column.type), String):
        problems.append(f"table {table.name!r} has no {AGENCY!r} column of type str; its rows "
                        "must belong to an agency")
        return problems
    if column.nullable:
        problems.append(f"table {table.name!r}: column {AGENCY!r} must be NOT NULL; every row "
                        "belongs to an agency")
    if not column.primary_key:
        problems.append(f"table {table.name!r}: column {AGENCY!r} must be part of the primary "
                        "key, or agencies would collide on it and see each other's keys")
    problems.extend(
        f"table {table.name!r}: unique constraint on {list(key)} must include {AGENCY!r}, or "
        "agencies would collide on it and see each other's keys"
        for key in unique_keys(table)[1:] if AGENCY not in key)
    return problems


def unique_keys(table: Table) -> list[tuple[str, ...]]:
    """The primary key's columns, then those of every unique constraint and unique index."""
    keys = [tuple(c.name for c in table.primary_key.columns)]
    keys.extend(tuple(c.name for c in con.columns) for con in table.constraints
                if isinstance(con, UniqueConstraint))
    keys.extend(tuple(c.name for c in index.columns) for index in table.indexes
                if index.unique and index.columns)
    return keys


def key_columns(table: Table) -> list[str]:
    """The primary key's columns other than ``agency``, sorted: what ``get`` takes."""
    return sorted(c.name for c in table.primary_key.columns if c.name != AGENCY)


def columns(table: Table, names: Sequence[str], what: str) -> list[str]:
    """``names`` sorted; :class:`TableMisuse` for ``agency`` or a column the table lacks."""
    problems = [f"{what}: {AGENCY!r} is filled by the engine with the instance's agency"
                for name in names if name == AGENCY]
    unknown = sorted(n for n in names if n != AGENCY and n not in table.c)
    if unknown:
        problems.append(f"{what}: table {table.name!r} has no column {', '.join(unknown)}")
    if problems:
        raise TableMisuse(table.name, problems)
    return sorted(names)


def check_key(table: Table, key: Mapping[str, Any]) -> None:
    """:class:`TableMisuse` unless ``key`` names exactly the primary key (``agency`` aside)."""
    columns(table, list(key), "get")
    wanted = key_columns(table)
    if sorted(key) != wanted:
        raise TableMisuse(table.name, [
            f"get takes the primary key {wanted}, not {sorted(key)}; use select() to filter "
            "by other columns"])


def check_insert(table: Table, values: Mapping[str, Any]) -> None:
    """:class:`TableMisuse` for unknown columns; :class:`InvalidRow` for values that do not fit
    or a required column (NOT NULL, no default) left out."""
    columns(table, list(values), "insert")
    errors = _value_errors(table, values, filtering=False)
    errors.extend({"column": c.name, "message": "required (NOT NULL, no default), not given"}
                  for c in table.columns
                  if c.name != AGENCY and c.name not in values and _required(c))
    if errors:
        raise InvalidRow(table.name, sorted(errors, key=lambda e: e["column"]))


def check_values(table: Table, values: Mapping[str, Any], what: str) -> list[str]:
    """The sorted column names of ``values`` set by an update; raises like :func:`check_insert`
    for unknown columns and unfit values."""
    names = columns(table, list(values), what)
    _raise(table, _value_errors(table, values, filtering=False))
    return names


def check_filters(table: Table, filters: Mapping[str, Any], what: str) -> list[str]:
    """The sorted column names of ``filters``; a value that no row could hold (a string for an
    integer) is :class:`InvalidRow`; ``None`` is allowed everywhere and means IS NULL."""
    names = columns(table, list(filters), what)
    _raise(table, _value_errors(table, filters, filtering=True))
    return names


def _raise(table: Table, errors: list[dict[str, str]]) -> None:
    if errors:
        raise InvalidRow(table.name, errors)


def _required(column: Any) -> bool:
    return not (column.nullable or column.default is not None
                or column.server_default is not None or column.autoincrement is True
                or column.identity is not None or column.computed is not None)


def _value_errors(table: Table, values: Mapping[str, Any], filtering: bool
                  ) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    for name in sorted(values):
        column = table.c[name]
        value = values[name]
        if value is None:
            if not filtering and not column.nullable:
                errors.append({"column": name, "message": "may not be None (NOT NULL)"})
            continue
        problem = _misfit(_base(column.type), value, filtering)
        if problem:
            errors.append({"column": name, "message": f"{problem}, not {_shown(value)}"})
    return errors


def _base(sa_type: Any) -> Any:
    """The storage type under SQLModel's decorated ones (its ``str`` is a decorated ``String``,
    its ``datetime`` an aware ``DateTime``); any other decorated type is left as it is."""
    if isinstance(sa_type, AutoString | UTCDateTime):
        return sa_type.impl_instance
    return sa_type


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


def _misfit(sa_type: Any, value: Any, filtering: bool) -> str | None:
    """Why ``value`` cannot be stored in (or compared with) a column of ``sa_type``, or None."""
    if isinstance(sa_type, JSON) or (isinstance(sa_type, TypeDecorator)
                                     and not isinstance(sa_type, Interval)):
        return None  # what a decorated type accepts is the decorator's business
    if isinstance(sa_type, Boolean):
        return None if isinstance(value, bool) else "expected a bool"
    for kind, bits in INTEGER_BITS:
        if isinstance(sa_type, kind):
            return _integer_misfit(value, bits)
    if isinstance(sa_type, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a float"
        return None if math.isfinite(value) else "expected a finite number"
    if isinstance(sa_type, Numeric):
        return _decimal_misfit(sa_type, value)
    if isinstance(sa_type, SAEnum):
        return _enum_misfit(sa_type, value)
    if isinstance(sa_type, String):
        return _string_misfit(sa_type, value, filtering)
    return _plain_misfit(sa_type, value)


def _integer_misfit(value: Any, bits: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "expected an int"
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return None if low <= value <= high else f"expected an int from {low} to {high}"


def _decimal_misfit(sa_type: Any, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return "expected a Decimal or an int"
    number = Decimal(value)
    if not number.is_finite():
        return "expected a finite number"
    precision, scale = sa_type.precision, sa_type.scale or 0
    if precision is not None and number != 0 and number.adjusted() + 1 > precision - scale:
        return f"expected at most {precision - scale} digits before the decimal point"
    return None


def _enum_misfit(sa_type: Any, value: Any) -> str | None:
    enum_class = sa_type.enum_class
    if enum_class is not None and isinstance(value, enum_class):
        return None
    if isinstance(value, str) and value in sa_type.enums:
        return None
    return f"expected one of {list(sa_type.enums)}"


def _string_misfit(sa_type: Any, value: Any, filtering: bool) -> str | None:
    if not isinstance(value, str):
        return "expected a str"
    if "\x00" in value:
        return "a str without NUL characters (PostgreSQL cannot store them)"
    if not filtering and sa_type.length is not None and len(value) > sa_type.length:
        return f"expected at most {sa_type.length} characters ({len(value)} given)"
    return None


def _plain_misfit(sa_type: Any, value: Any) -> str | None:
    """Dates, times, durations, bytes, UUIDs, and any other type with a Python type."""
    if isinstance(sa_type, DateTime):
        if not isinstance(value, datetime):
            return "expected a datetime"
        aware = value.utcoffset() is not None
        if aware != bool(sa_type.timezone):
            return f"expected a {'timezone-aware' if sa_type.timezone else 'naive'} datetime"
        return None
    if isinstance(sa_type, Date):
        ok = isinstance(value, date) and not isinstance(value, datetime)
        return None if ok else "expected a date"
    wanted: tuple[type, ...] | None = (
        (time,) if isinstance(sa_type, Time) else (timedelta,) if isinstance(sa_type, Interval)
        else (bytes,) if isinstance(sa_type, LargeBinary)
        else ((uuid.UUID,) if sa_type.as_uuid else (str,)) if isinstance(sa_type, Uuid)
        else _python_type(sa_type))
    if wanted is None or isinstance(value, wanted):
        return None
    return f"expected {' or '.join(t.__name__ for t in wanted)}"


def _python_type(sa_type: Any) -> tuple[type, ...] | None:
    try:
        found = sa_type.python_type
    except NotImplementedError:
        return None
    return None if found is object else (found,)


def filled(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """A row as an insert of ``values`` would store it: scalar column defaults for what was not
    given, ``None`` for the rest (for the in-memory tables of guard tests)."""
    row: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in values:
            row[column.name] = values[column.name]
        elif default is not None and getattr(default, "is_scalar", False):
            row[column.name] = getattr(default, "arg", None)
        else:
            row[column.name] = None
    return row


def taken_key(table: Table, row: Mapping[str, Any], others: Sequence[Mapping[str, Any]]
              ) -> dict[str, Any] | None:
    """The first unique key of ``table`` whose values in ``row`` another row already holds
    (``agency`` left out), or None (for the in-memory tables of guard tests). A key with a NULL
    in it is never taken, as in SQL."""
    for key in unique_keys(table):
        if any(row.get(c) is None for c in key):
            continue
        if any(all(o.get(c) == row.get(c) for c in key) for o in others):
            return {c: row.get(c) for c in key if c != AGENCY}
    return None


_SQLITE_COLUMNS = re.compile(r"constraint failed: (.+)$")


def translated(table: Table, error: Exception, row: Mapping[str, Any], agency: str
               ) -> WorkflowError:
    """The package's error for what the database refused on ``table``: :class:`DuplicateRow`
    naming the key for a unique violation, :class:`InvalidRow` for the rest. ``row`` holds the
    values the statement gave (an update's ``where`` and new values)."""
    orig = getattr(error, "orig", None)
    state = str(getattr(orig, "sqlstate", "") or getattr(orig, "sqlite_errorname", ""))
    message = str(orig or error).strip().splitlines()[0] if str(orig or error).strip() else ""
    if isinstance(error, IntegrityError) and state in (
            "23505", "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE"):
        names = _violated(table, orig, message) or unique_keys(table)[0]
        return DuplicateRow(table.name, {c: row.get(c) for c in names if c != AGENCY}, agency)
    if isinstance(error, IntegrityError | DataError):
        column = _column_named(table, orig, message)
        return InvalidRow(table.name, [{"column": column or "?",
                                        "message": f"refused by the database: {message}"}])
    raise TypeError(f"not a database refusal: {error!r}")


def _violated(table: Table, orig: Any, message: str) -> tuple[str, ...] | None:
    """The columns of the unique key the database says was violated, if it says."""
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if name is not None:
        named: dict[Any, tuple[str, ...]] = {
            index.name: tuple(c.name for c in index.columns) for index in table.indexes}
        named.update({con.name: tuple(c.name for c in con.columns) for con in table.constraints
                      if isinstance(con, ColumnCollectionConstraint)})
        return named.get(name)
    found = _SQLITE_COLUMNS.search(message)
    if found is None:
        return None
    names = tuple(part.strip().split(".")[-1] for part in found.group(1).split(","))
    return names if all(n in table.c for n in names) else None


def _column_named(table: Table, orig: Any, message: str) -> str | None:
    name = getattr(getattr(orig, "diag", None), "column_name", None)
    if name is None and (found := _SQLITE_COLUMNS.search(message)):
        name = found.group(1).strip().split(".")[-1]
    return name if isinstance(name, str) and name in table.c else None
