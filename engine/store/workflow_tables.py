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
data a user sent: each raises :class:`DefinitionError` naming the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine as SAEngine
from sqlalchemy import String, Table, TypeDecorator, and_, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from engine.errors import DefinitionError
from engine.store.connect import ensure_tables
from engine.store.dialect import READ_ONLY

AGENCY = "agency"
ENGINE_PREFIX = "gongkai_"
"""The engine's own tables are named ``gongkai_*``; no workflow table may be."""


def meta_key(package: str) -> str:
    """The ``gongkai_meta`` key under which a package's table version is recorded."""
    return f"tables:{package}"


@dataclass
class TableRegistry:
    """The workflow tables registered with one engine: table name → (package, table)."""

    owners: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    packages: dict[str, tuple[int, frozenset[str]]] = field(default_factory=dict)
    _statements: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = field(
        default_factory=dict)

    def register(self, db: SAEngine, package: str, version: int,
                 models: Sequence[type[SQLModel]]) -> None:
        """Create the package's missing tables and record (or check) its version.

        Re-registering the same package, version and tables is a no-op. Raises
        :class:`DefinitionError` (nothing created) for a model that is not a table, lacks a
        string ``agency`` column, is named ``gongkai_*`` or is already another package's, and
        :class:`SchemaMismatch` (nothing created) if the database holds another version.
        """
        found = _checked(package, version, models, self.owners)
        names = frozenset(t.name for t in found)
        known = self.packages.get(package)
        if known == (version, names):
            return
        if known is not None:
            raise DefinitionError(meta_key(package), version, [
                f"package {package!r} already registered tables {sorted(known[1])} at version "
                f"{known[0]} with this engine; other tables need another version"])
        ensure_tables(db, meta_key(package), str(version), found)
        self.packages[package] = (version, names)
        for table in found:
            self.owners[table.name] = package
            self.tables[table.name] = table

    def table(self, model: type[Any]) -> Table:
        """The registered table of ``model``; :class:`DefinitionError` if it was not registered."""
        table = getattr(model, "__table__", None)
        name = getattr(table, "name", getattr(model, "__name__", repr(model)))
        if not isinstance(table, Table) or self.tables.get(table.name) is not table:
            raise DefinitionError(str(name), None, [
                f"table {name!r} is not registered with this engine; a workflow's "
                "register(engine) registers its tables with Engine.register_tables"])
        return table

    def statement(self, kind: str, table: Table, where: Sequence[str],
                  values: Sequence[str] = ()) -> Any:
        """A statement of ``kind`` (insert, select, update) on ``table``, filtered by the agency
        and the ``where`` columns, with bound parameters; built once per shape and kept."""
        key = (kind, table.name, tuple(where), tuple(values))
        stmt = self._statements.get(key)
        if stmt is None:
            stmt = self._statements[key] = _build(kind, table, where, values)
        return stmt


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
    problems: list[str] = []
    if table.name.startswith(ENGINE_PREFIX):
        problems.append(f"table {table.name!r} clashes with the engine's own tables "
                        f"({ENGINE_PREFIX}*); package {package!r} must name it otherwise")
    owner = owners.get(table.name)
    if owner is not None and owner != package:
        problems.append(f"table {table.name!r} of package {package!r} is already registered "
                        f"by package {owner!r}")
    if table.name in seen:
        problems.append(f"table {table.name!r} is listed twice")
    column = table.c.get(AGENCY)
    if column is None or not _is_string(column.type):
        problems.append(f"table {table.name!r} has no {AGENCY!r} column of type str; its rows "
                        "must belong to an agency")
    return problems


def _is_string(sa_type: Any) -> bool:
    """Whether a column type stores text (SQLModel's ``str`` is a decorated ``String``)."""
    if isinstance(sa_type, TypeDecorator):
        sa_type = sa_type.impl_instance
    return isinstance(sa_type, String)


def _build(kind: str, table: Table, where: Sequence[str], values: Sequence[str]) -> Any:
    condition = and_(table.c[AGENCY] == bindparam("w_agency"),
                     *(table.c[name] == bindparam(f"w_{name}") for name in where))
    if kind == "insert":
        return insert(table)
    if kind == "select":
        return select(table).where(condition).order_by(*table.primary_key.columns)
    if kind == "update":
        return update(table).where(condition).values(
            {name: bindparam(f"v_{name}") for name in values})
    raise ValueError(f"unknown statement kind {kind!r}")


def _columns(table: Table, names: Sequence[str], what: str) -> list[str]:
    """``names`` in a stable order; :class:`DefinitionError` for ``agency`` or a column the table
    lacks."""
    problems = [f"{what}: {AGENCY!r} is filled by the engine with the instance's agency"
                for name in names if name == AGENCY]
    unknown = sorted(n for n in names if n != AGENCY and n not in table.c)
    if unknown:
        problems.append(f"{what}: table {table.name!r} has no column {', '.join(unknown)}")
    if problems:
        raise DefinitionError(table.name, None, problems)
    return sorted(names)


def _params(agency: str, where: Mapping[str, Any], values: Mapping[str, Any] | None = None
            ) -> dict[str, Any]:
    params = {f"w_{k}": v for k, v in where.items()}
    params.update({f"v_{k}": v for k, v in (values or {}).items()})
    params["w_agency"] = agency
    return params


def select_rows(conn: Connection, registry: TableRegistry, agency: str, model: type[Any],
                filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The agency's rows of ``model`` whose columns equal ``filters``, by primary key."""
    table = registry.table(model)
    stmt = registry.statement("select", table, _columns(table, list(filters), "select"))
    return [dict(r) for r in conn.execute(stmt, _params(agency, filters)).mappings()]


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
        """Insert one row of the agency; ``agency`` is filled in, never given."""
        t = self.registry.table(table)
        _columns(t, list(values), "insert")
        stmt = self.registry.statement("insert", t, ())
        self.conn.execute(stmt, {**values, AGENCY: self.agency})

    def update(self, table: type[Any], /, where: Mapping[str, Any], **values: Any) -> int:
        """Set ``values`` on the agency's rows matching ``where`` (columns equal); how many."""
        t = self.registry.table(table)
        if not values:
            raise DefinitionError(t.name, None, ["update: no values to set"])
        stmt = self.registry.statement("update", t, _columns(t, list(where), "update where"),
                                       _columns(t, list(values), "update"))
        return int(self.conn.execute(stmt, _params(self.agency, where, values)).rowcount)

    def get(self, table: type[Any], /, **key: Any) -> dict[str, Any] | None:
        """The agency's row with this primary key (its columns other than ``agency``), or
        ``None``."""
        t = self.registry.table(table)
        wanted = sorted(c.name for c in t.primary_key.columns if c.name != AGENCY)
        if sorted(key) != wanted:
            raise DefinitionError(t.name, None, [
                f"get: the key of table {t.name!r} is {wanted}, not {sorted(key)}; "
                "use select() to filter by other columns"])
        found = self.select(table, **key)
        return found[0] if found else None

    def select(self, table: type[Any], /, **filters: Any) -> list[dict[str, Any]]:
        """The agency's rows whose columns equal ``filters``, by primary key."""
        return select_rows(self.conn, self.registry, self.agency, table, filters)
