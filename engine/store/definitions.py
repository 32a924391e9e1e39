"""The store of registered definitions: every version kept verbatim, compiled once per process.

Registering version 2 makes new instances start on 2, while instances on 1 keep running on the
stored version 1. Re-registering a version with different content is refused.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine as SAEngine
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from engine.definition.io import definition_from_json, definition_to_json, json_digest
from engine.definition.model import WorkflowDefinition
from engine.errors import DefinitionError, NotFound
from engine.store import tables as storage
from engine.store.dialect import READ_ONLY
from engine.timesource import TimeSource, utc_now
from engine.transition.compile import CompiledDefinition
from engine.transition.registry import Registry


class DefinitionStore:
    """Registered definitions, in the database and as compiled machines in memory."""

    def __init__(self, db: SAEngine, registry: Registry, clock: TimeSource) -> None:
        self._db = db
        self.registry = registry
        self._clock = clock
        self._compiled: dict[tuple[str, int], CompiledDefinition] = {}
        self._lock = threading.Lock()

    def register(self, definition: WorkflowDefinition) -> CompiledDefinition:
        compiled = CompiledDefinition(definition, self.registry)
        body = definition_to_json(definition)
        digest = json_digest(body)
        with self._db.begin() as conn:
            stored = conn.execute(select(storage.definitions.c.digest).where(
                storage.definitions.c.name == definition.name,
                storage.definitions.c.version == definition.version)).scalar()
            if stored is None:
                conn.execute(insert(storage.definitions).values(
                    name=definition.name, version=definition.version,
                    body=body, digest=digest,
                    registered_at=utc_now(self._clock)))
            elif stored != digest:
                raise DefinitionError(definition.name, definition.version, [
                    "this version is already registered with different content; "
                    "publish the change as a new version"])
        with self._lock:
            self._compiled[(definition.name, definition.version)] = compiled
        return compiled

    def latest_version(self, name: str, conn: Connection | None = None) -> int:
        """The newest registered version (read in the caller's transaction when given)."""
        if conn is None:
            with self._read() as own:
                return self.latest_version(name, own)
        version = conn.execute(select(func.max(storage.definitions.c.version)).where(
            storage.definitions.c.name == name)).scalar()
        if version is None:
            raise NotFound("workflow", name)
        return int(version)

    def get(self, name: str, version: int | None = None,
            conn: Connection | None = None) -> CompiledDefinition:
        """The compiled definition (latest version by default), loaded from storage if needed."""
        if version is None:
            version = self.latest_version(name, conn)
        key = (name, version)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._load(name, version, conn)
            with self._lock:
                self._compiled[key] = compiled
        return compiled

    def _read(self) -> Connection:
        """A reading connection: on SQLite it never waits for (or deadlocks with) a writer."""
        return self._db.connect().execution_options(**READ_ONLY)

    def _load(self, name: str, version: int, conn: Connection | None = None
              ) -> CompiledDefinition:
        if conn is None:
            with self._read() as own:
                return self._load(name, version, own)
        body = conn.execute(select(storage.definitions.c.body).where(
            storage.definitions.c.name == name,
            storage.definitions.c.version == version)).scalar()
        if body is None:
            raise NotFound("definition", f"{name} v{version}")
        return CompiledDefinition(definition_from_json(body), self.registry)

    def names(self) -> list[tuple[str, int]]:
        with self._read() as conn:
            rows = conn.execute(select(storage.definitions.c.name,
                                       storage.definitions.c.version).order_by(
                storage.definitions.c.name, storage.definitions.c.version)).all()
        return [(r.name, r.version) for r in rows]
