"""The options the ``gongkai`` commands share, and opening the engine they name.

``--db`` and ``--agency`` say where and for whom; ``--actor``/``--role`` say who acts; ``--data``
is a trigger's JSON object; ``--show-personal-data`` lifts the masking of personal data. Every
bad value is a usage error naming its option (exit 2), never a traceback.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from calendars.errors import CalendarError
from engine.actor import Actor
from engine.definition.model import WorkflowDefinition
from engine.errors import DatabaseUnavailable, StorageError, WorkflowError
from engine.json_text import JSONTextError, read_json
from engine.store.limits import DEFAULT_AGENCY
from engine.text import mask_password

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

DEFAULT_DB = "sqlite:///gongkai.db"
db_option = click.option("--db", "db_url", envvar="GONGKAI_DB", default=DEFAULT_DB,
                         show_default=True, help="Database URL (or $GONGKAI_DB).")


def check_agency_option(ctx: click.Context, param: click.Parameter, value: str | None
                        ) -> str | None:
    """An agency code the engine accepts, refused as a usage error rather than a traceback."""
    from engine.runtime.core import check_agency

    if value is not None:
        try:
            check_agency(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


agency_option = click.option("--agency", envvar="GONGKAI_AGENCY", default=DEFAULT_AGENCY,
                             show_default=True, callback=check_agency_option,
                             help="Agency (机关) code (or $GONGKAI_AGENCY).")

personal_data_option = click.option(
    "--show-personal-data", "show_personal", is_flag=True,
    help="Print personal data (the definition's personal_data paths) unmasked.")


class FiniteFloatRange(click.FloatRange):
    """A float in a range, refusing NaN (which every comparison of ``FloatRange`` lets by)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


MAX_PAGE = 1_000_000
page_type = click.IntRange(1, MAX_PAGE)
"""A page number: 1 is the first; beyond ``MAX_PAGE`` no list reaches."""
seconds_type = FiniteFloatRange(0.01, 86_400)
"""An interval in seconds: from 0.01 (shorter only spins), at most a day."""


def _json_object(ctx: click.Context, param: click.Parameter, value: str | None
                 ) -> dict[str, Any] | None:
    """``--data`` parsed: a JSON object, or a usage error saying why not."""
    if value is None:
        return None
    try:
        parsed = read_json(value)
    except JSONTextError as exc:
        raise click.BadParameter(str(exc)) from None
    if not isinstance(parsed, dict):
        raise click.BadParameter(f"must be a JSON object, not {type(parsed).__name__}")
    return parsed


F = TypeVar("F", bound=Callable[..., Any])


def data_option(required: bool) -> Callable[[F], F]:
    """``--data JSON``: the trigger's data, a JSON object."""
    return click.option("--data", "data", required=required, callback=_json_object,
                        metavar="JSON", help="The trigger's data, a JSON object.")


def _actor_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("an actor needs a non-empty id")
    return value


actor_option = click.option("--actor", "actor_id", required=True, callback=_actor_id,
                            help="Id of the person acting.")
roles_option = click.option("--role", "roles", multiple=True, required=True,
                            help="Role(s) the actor holds (repeatable).")


def actor_of(actor_id: str, roles: tuple[str, ...]) -> Actor:
    """The actor ``--actor``/``--role`` name."""
    return Actor(actor_id, roles)


def workflow_modules() -> list[ModuleType]:
    """Packages that provide workflows (entry point group ``gongkai.workflows``)."""
    return [ep.load() for ep in entry_points(group="gongkai.workflows")]


def all_definitions() -> dict[str, WorkflowDefinition]:
    """Every installed workflow's definition, by name."""
    found: dict[str, WorkflowDefinition] = {}
    for module in workflow_modules():
        for d in module.definitions():
            found[d.name] = d
    return found


def open_engine(db_url: str, agency: str = DEFAULT_AGENCY, *, create: bool = False) -> Engine:
    """An engine on ``db_url`` for ``agency`` with every installed workflow registered.

    A SQLite file that does not exist is a usage error naming ``--db`` (exit 2) unless
    ``create`` (the commands that write a first record): a mistyped ``--db`` would otherwise give
    an empty database and reports of zeros. A database that cannot be opened (a malformed URL, an
    unknown driver, a file in a missing directory, a server that does not answer) raises
    :class:`~engine.errors.StorageError` naming ``--db`` without its password (exit 7); another
    gongkai error (another schema version, a bad schedule file) is raised as it is.
    """
    from engine.runtime.engine import Engine

    missing = _missing_sqlite_file(db_url)
    if missing is not None and not create:
        raise click.BadParameter(f"no database at {missing}; check the path (gongkai start and "
                                 "gongkai demo create a new one)", param_hint="'--db'")
    foreign = _foreign_sqlite_file(db_url)
    if foreign is not None:
        raise click.BadParameter(f"{foreign} is not a gongkai database (it has tables but no "
                                 "gongkai_meta); check the path", param_hint="'--db'")
    try:
        engine = Engine(db_url, agency=agency)
    except StorageError as exc:
        exc.add_note(f"(opening --db {masked_url(db_url)})")
        raise
    except (WorkflowError, CalendarError):
        raise
    except Exception as exc:  # any other failure to open is the user's --db to fix
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise DatabaseUnavailable(f"cannot open --db {masked_url(db_url)}: "
                                  f"{type(exc).__name__}: {masked_url(reason)}", exc) from exc
    for module in workflow_modules():
        module.register_all(engine)
    return engine


SQLITE_FILE = re.compile(r"sqlite(\+\w+)?:///(?P<path>[^?]*)")


def _missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite file URL (``sqlite:///``, ``sqlite+pysqlite:///``) whose file does
    not exist, else ``None``."""
    match = SQLITE_FILE.match(url)
    if match is None:
        return None
    path = match["path"]
    if path.startswith("file:"):  # a SQLite URI (?uri=true): file:name or file:///abs/name
        path = path.removeprefix("file:").removeprefix("//")
    if not path or path == ":memory:" or Path(path).exists():
        return None
    return path


def _foreign_sqlite_file(url: str) -> str | None:
    """The path of a SQLite file URL whose file holds tables but not gongkai's (a command that
    must not create gongkai's tables in another application's file), else ``None``.
    Read without writing, through SQLite's own read-only mode."""
    match = SQLITE_FILE.match(url)
    path = match["path"] if match is not None else ""
    if not path or path.startswith("file:") or not Path(path).is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro",
                                     uri=True)) as conn:
            names = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return None  # the engine says what is wrong with it
    return path if names and "gongkai_meta" not in names else None


def masked_url(url: str) -> str:
    """``url`` with its password (if any, also as a ``password=`` query parameter) replaced by
    ``***``."""
    return mask_password(url)


def known_workflow(engine: Engine, name: str, hint: str = "'WORKFLOW'") -> str:
    """``name`` if the engine has a definition of it; else a usage error naming ``hint`` (the
    argument or option) and listing those it has."""
    known = sorted({n for n, _ in engine.definitions.names()})
    if name not in known:
        raise click.BadParameter(f"unknown workflow {name!r}; known: {', '.join(known)}",
                                 param_hint=hint)
    return name
