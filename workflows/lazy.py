"""Names a package publishes but imports only when first used (PEP 562).

A package's ``__init__`` that imported all its modules would load SQLModel, SQLAlchemy and the
workflow definitions for anyone who imports one light module of it (``gongkai --help`` imports
the command modules of ``workflows.reports``, ``workflows.ledger`` and ``workflows.demo``).
:class:`LazyNames` keeps the names where they are and imports their module on first access.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from importlib import import_module
from typing import Any

__all__ = ["LazyNames"]


class LazyNames:
    """The published names of ``package`` and the module each lives in (``homes``); a name
    whose home is ``package.name`` is that submodule itself."""

    def __init__(self, package: str, homes: Mapping[str, str]) -> None:
        self.package = package
        self.homes = dict(homes)

    def load(self, name: str) -> Any:
        """The value of ``name``, imported now and kept on the package. Raises
        ``AttributeError`` for a name the package does not publish (as ``getattr`` expects)."""
        home = self.homes.get(name)
        if home is None:
            raise AttributeError(f"module {self.package!r} has no attribute {name!r}")
        module = import_module(home)
        value = module if home == f"{self.package}.{name}" else getattr(module, name)
        setattr(sys.modules[self.package], name, value)
        return value

    def names(self) -> list[str]:
        """The package's names for ``dir()``: those already set and those not yet imported."""
        return sorted({*vars(sys.modules[self.package]), *self.homes})
