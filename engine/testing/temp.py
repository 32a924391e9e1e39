"""A throw-away engine: a temporary SQLite file (or a given database) on a manual clock."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.definition.model import WorkflowDefinition
from engine.runtime.engine import Engine
from engine.testing.clock import ManualClock
from engine.transition.registry import Registry

Setup = Callable[[Engine], Any]
Definitions = WorkflowDefinition | Iterable[WorkflowDefinition] | Setup | None
DEFAULT_START = datetime(2025, 1, 2, 10, 0)
"""Where a temporary engine's clock starts unless told: 10:00 Beijing on a working Thursday."""


def register_definitions(engine: Engine, definitions: Definitions) -> None:
    """Register ``definitions`` on ``engine``: one definition, several, or a callable
    ``setup(engine)`` that registers a package's own (e.g. ``workflows.register_all``).
    ``TypeError`` for anything else."""
    if definitions is None:
        return
    if isinstance(definitions, WorkflowDefinition):
        engine.register(definitions)
    elif callable(definitions):
        definitions(engine)
    elif isinstance(definitions, Iterable) and not isinstance(definitions, str | bytes):
        for definition in definitions:
            if not isinstance(definition, WorkflowDefinition):
                raise TypeError(f"definitions must hold WorkflowDefinitions, not "
                                f"{type(definition).__name__}")
            engine.register(definition)
    else:
        raise TypeError("definitions must be a WorkflowDefinition, several, or a function "
                        f"setup(engine), not {type(definitions).__name__}")


@contextmanager
def temp_engine(definitions: Definitions = None, url: str | None = None, *,
                registry: Registry | None = None, clock: ManualClock | None = None,
                setup: Setup | None = None) -> Iterator[Engine]:
    """An :class:`Engine` with ``definitions`` registered, on a :class:`ManualClock` (10:00
    Beijing on 2 January 2025 unless ``clock`` is given), stored in a temporary SQLite file
    unless ``url`` names a database; on leaving, the engine is closed and the file removed.

    ``registry`` holds the guards, actions and models the definitions name; ``setup(engine)``
    runs after the definitions are registered (e.g. to register workflow tables or seed data).
    Raises what :meth:`Engine.register` raises for a definition that does not validate.
    """
    folder = None if url is not None else Path(tempfile.mkdtemp(prefix="gongkai-"))
    target = url if folder is None else f"sqlite:///{folder / 'gongkai.db'}"
    assert target is not None
    engine = Engine(target, clock=clock or ManualClock(DEFAULT_START), registry=registry)
    try:
        register_definitions(engine, definitions)
        if setup is not None:
            setup(engine)
        yield engine
    finally:
        engine.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
