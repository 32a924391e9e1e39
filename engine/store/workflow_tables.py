"""Tables a workflow package brings along (e.g. the ledger 台账 of non-public documents).

A package registers its SQLModel tables with the engine (:meth:`TableRegistry.register`); they
are created beside the engine's own and versioned per package in ``gongkai_meta`` under
``tables:<package>``. Every such table has an ``agency`` column, because its rows belong to an
agency (机关) like everything else: the engine fills it on insert and filters by it on every read
and update, so a caller never sets or sees another agency's rows.

Writes happen only inside a transition, through :class:`TransactionTables` on the transition's
connection, so a ledger row and the event that changed it commit together or not at all. Reads
outside a transition go through :func:`rows`. Using a table that was not registered, naming a
column the table lacks, or setting ``agency`` is a mistake of the workflow package, not of the
data a user sent: each raises :class:`TableMisuse` (a :class:`DefinitionError`) naming the table.
A value that does not fit its column is :class:`InvalidRow`, and a key the agency already holds
:class:`DuplicateRow`, alike on SQLite and PostgreSQL (:mod:`engine.store.table_rules`). A
filter or ``where`` value ``None`` means IS NULL.

Each insert and update runs in a savepoint: a refused one is undone alone, so an action that
catches :class:`DuplicateRow` carries on the same on both databases (PostgreSQL would otherwise
refuse every later statement of the transaction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine as SAEngine
from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import SQLModel

from engine.errors import DefinitionError, TableMisuse
from engine.store import table_rules
from engine.store.connect import ensure_tables
from engine.store.dialect import READ_ONLY
from engine.store.table_rules import AGENCY, ENGINE_PREFIX

__all__ = ["AGENCY", "ENGINE_PREFIX", "TableRegistry", "TransactionTables", "meta_key", "rows",
           "select_rows"]


def meta_key(package: str) -> str:
    """The ``gongkai_meta`` key under which a package's table version is recorded."""
    return f"tables:{package}"


@dataclass
class TableRegistry:
    """The workflow tables registered with one engine: table name → (package, table)."""

    owners: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    packages: dict[str, tuple[int, frozenset[str]]] = field(default_factory=dict)
    _statements: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def register(self, db: SAEngine, package: str, version: int,
                 models: Sequence[type[SQLModel]]) -> None:
        """Create the package's missing tables and record (or check) its version.

        Re-registering the same package, version and tables is a no-op. Raises
        :class:`DefinitionError` (nothing created) for a model that is not a table, lacks a
        NOT NULL string ``agency`` column in its primary key, has a unique constraint without
        ``agency``, is named ``gongkai_*`` or is already another package's, or for a package
        this engine already registered with another version or other tables; and
        :class:`SchemaMismatch` (nothing created) if the database holds another version.
        """
        found = _checked(package, version, models, self.owners)
        names = frozenset(t.name for t in found)
        known = self.packages.get(package)
        if known == (version, names):
            return
        if known is not None:
            raise DefinitionError(meta_key(package), version, [_reregistered(
                package, known, (version, names))])
        ensure_tables(db, meta_key(package), str(version), found)
        self.packages[package] = (version, names)
        for table in found:
            self.owners[table.name] = package
            self.tables[table.name] = table

    def table(self, model: type[Any]) -> Table:
        """The registered table of ``model``; :class:`TableMisuse` if it was not registered."""
        table = table_rules.table_of(model)
        if self.tables.get(table.name) is not table:
            raise TableMisuse(table.name, [
                f"table {table.name!r} is not registered with this engine; a workflow's "
                "register(engine) registers its tables with Engine.register_tables"])
        return table

    def statement(self, kind: str, table: Table, where: Mapping[str, Any],
                  values: Sequence[str] = ()) -> Any:
        """A statement of ``kind`` (insert, select, update) on ``table``, filtered by the agency
        and the ``where`` columns (IS NULL where the value is ``None``), with bound parameters;
        built once per shape and kept."""
        names = tuple(sorted(where))
        nulls = tuple(n for n in names if where[n] is None)
        key = (kind, table.name, names, nulls, tuple(values))
        stmt = self._statements.get(key)
        if stmt is None:
            stmt = self._statements[key] = _build(kind, table, names, nulls, values)
        return stmt


def _reregistered(package: str, known: tuple[int, frozenset[str]],
                  wanted: tuple[int, frozenset[str]]) -> str:
    """What went wrong registering ``package`` again on the same engine, said plainly."""
    (had, had_names), (version, names) = known, wanted
    now = f"package {package!r} is registered with this engine at version {had}"
    if had_names == names:
        return (f"{now} (tables {sorted(had_names)}); the same tables cannot be registered "
                f"again at version {version}: one engine serves one version of a package")
    if had == version:
        return (f"{now} with tables {sorted(had_names)}, not {sorted(names)}; a version's "
                "tables are fixed: other tables need another version, on a fresh engine")
    return (f"{now} with tables {sorted(had_names)}; it cannot switch to version {version} "
            f"with tables {sorted(names)}: use a fresh engine")


def _checked(package: str, version: int, models: Sequence[type[SQLModel]],
             owners: Mapping[str, str]) -> list[Table]:
    """The models' tables, or :class:`DefinitionError` listing every problem."""
    problems: list[str] = []
    if not isinstance(package, str) or not package.strip():
        problems.append("the package name must be a non-empty string")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(f"the version must be a positive integer, not {version!r}")
    if not models:
        problems.append("no tables given")
    found: list[Table] = []
    for model in models:
        table = getattr(model, "__table__", None)
        if not isinstance(table, Table):
            problems.append(f"{getattr(model, '__name__', model)!r} is not a SQLModel table "
                            "(table=True)")
            continue
        problems.extend(_problems_of(table, package, owners, [t.name for t in found]))
        found.append(table)
    if problems:
        raise DefinitionError(meta_key(str(package)), version, problems)
    return found


def _problems_of(table: Table, package: str, owners: Mapping[str, str],
                 seen: Sequence[str]) -> list[str]:
    problems = table_rules.table_problems(table)
    owner = owners.get(table.name)
    if owner is not None and owner != package:
        problems.append(f"table {table.name!r} of package {package!r} is already registered "
                        f"by package {owner!r}")
    if table.name in seen:
        problems.append(f"table {table.name!r} is listed twice")
    return problems


def _build(kind: str, table: Table, where: Sequence[str], nulls: Sequence[str],
           values: Sequence[str]) -> Any:
    condition = and_(table.c[AGENCY] == bindparam("w_agency"),
                     *(table.c[name].is_(None) if name in nulls
                       else table.c[name] == bindparam(f"w_{name}") for name in where))
    if kind == "insert":
        return insert(table)
    if kind == "select":
        return select(table).where(condition).order_by(*table.primary_key.columns)
    if kind == "update":
        return update(table).where(condition).values(
            {name: bindparam(f"v_{name}") for name in values})
    raise ValueError(f"unknown statement kind {kind!r}")


def _params(agency: str, where: Mapping[str, Any], values: Mapping[str, Any] | None = None
            ) -> dict[str, Any]:
    params = {f"w_{k}": v for k, v in where.items() if v is not None}
    params.update({f"v_{k}": v for k, v in (values or {}).items()})
    params["w_agency"] = agency
    return params


def select_rows(conn: Connection, registry: TableRegistry, agency: str, model: type[Any],
                filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The agency's rows of ``model`` whose columns equal ``filters`` (IS NULL for ``None``),
    by primary key; :class:`TableMisuse` or :class:`InvalidRow` for a filter no column takes."""
    table = registry.table(model)
    table_rules.check_filters(table, filters, "select")
    stmt = registry.statement("select", table, filters)
    try:
        found = conn.execute(stmt, _params(agency, filters)).mappings()
        return [dict(r) for r in found]
    except DataError as error:
        raise table_rules.translated(table, error, filters, agency) from error


def rows(db: SAEngine, registry: TableRegistry, agency: str, model: type[Any],
         filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """:func:`select_rows` on a reading connection of its own (reports, CLIs)."""
    with db.connect().execution_options(**READ_ONLY) as conn:
        return select_rows(conn, registry, agency, model, filters)


class TransactionTables:
    """The workflow tables inside one transition's transaction, for one agency.

    Implements :class:`engine.transition.context.WorkflowTables`; everything it writes commits
    with the transition's event or not at all.
    """

    def __init__(self, conn: Connection, registry: TableRegistry, agency: str) -> None:
        self.conn = conn
        self.registry = registry
        self.agency = agency

    def insert(self, table: type[Any], /, **values: Any) -> None:
        """Insert one row of the agency; ``agency`` is filled in, never given.
        :class:`DuplicateRow` if the agency already has a row with its key."""
        t = self.registry.table(table)
        table_rules.check_insert(t, values)
        stmt = self.registry.statement("insert", t, {})
        self._run(t, stmt, {**values, AGENCY: self.agency}, values)

    def update(self, table: type[Any], /, where: Mapping[str, Any], **values: Any) -> int:
        """Set ``values`` on the agency's rows matching ``where`` (columns equal, IS NULL for
        ``None``); how many. :class:`DuplicateRow` if that would give two rows one key."""
        t = self.registry.table(table)
        if not values:
            raise TableMisuse(t.name, ["update: no values to set"])
        table_rules.check_filters(t, where, "update where")
        names = table_rules.check_values(t, values, "update")
        stmt = self.registry.statement("update", t, where, names)
        done = self._run(t, stmt, _params(self.agency, where, values), {**where, **values})
        return int(done.rowcount)

    def _run(self, table: Table, stmt: Any, params: dict[str, Any], given: Mapping[str, Any]
             ) -> Any:
        """Execute a write in a savepoint; what the database refuses becomes the package's
        error and leaves the transaction usable."""
        try:
            with self.conn.begin_nested():
                return self.conn.execute(stmt, params)
        except (IntegrityError, DataError) as error:
            raise table_rules.translated(table, error, given, self.agency) from error

    def get(self, table: type[Any], /, **key: Any) -> dict[str, Any] | None:
        """The agency's row with this primary key (its columns other than ``agency``), or
        ``None``."""
        t = self.registry.table(table)
        table_rules.check_key(t, key)
        found = self.select(table, **key)
        return found[0] if found else None

    def select(self, table: type[Any], /, **filters: Any) -> list[dict[str, Any]]:
        """The agency's rows whose columns equal ``filters`` (IS NULL for ``None``), by primary
        key."""
        return select_rows(self.conn, self.registry, self.agency, table, filters)
