"""One error handler for every ``gongkai`` command, and the table of its exit codes.

Whatever goes wrong, a command prints one line on stderr, ``gongkai: error: <ClassName>:
<message>``, and exits with the code of the error's family in :data:`EXIT_CODES`:

====  =============  ==========================================================================
code  family         errors
====  =============  ==========================================================================
0     ok             the command did what was asked (also when the reader of its output left)
1     refused        a :class:`~engine.errors.WorkflowError` of no family below; also a check
                     that ran and found a problem (``check``, ``verify``, ``calendar check``)
2     usage          a bad option or argument, bad ``--data``, a SQLite file that does not exist
3     not found      :class:`~engine.errors.NotFound`
4     not allowed    InvalidTransition, GuardRejected, PermissionDenied, ConcurrentUpdate,
                     DuplicateBusinessKey, DuplicateRow
5     invalid data   InvalidData, InvalidRow, InvalidArgument, ScheduleError
6     definition     DefinitionError (and TableMisuse)
7     storage        StorageError (DatabaseUnavailable, DatabaseReadOnly, DatabaseBusy, DiskFull),
                     SchemaMismatch, a database driver's error (wrapped in StorageError)
8     calendar       calendars.CalendarError (schedule files, dates out of range), DeadlineError
9     tampered       HistoryTampered
10    file           a file named on the command line cannot be read or written (OSError)
70    bug            any other exception: a bug (EX_SOFTWARE); the line says so
====  =============  ==========================================================================

``gongkai --debug ...`` (or ``GONGKAI_DEBUG=1``) prints the traceback instead, with the same exit
code. Commands of workflow packages get the same handler through :class:`GongkaiCommand` and
:class:`GongkaiGroup`, also when they are invoked on their own.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import takewhile
from typing import IO, Any

import click
from click.exceptions import Exit, NoArgsIsHelpError

from calendars.errors import CalendarError
from engine.cli.render import one_line
from engine.errors import (
    ConcurrentUpdate,
    DeadlineError,
    DefinitionError,
    DuplicateBusinessKey,
    DuplicateRow,
    GuardRejected,
    HistoryTampered,
    InvalidArgument,
    InvalidData,
    InvalidRow,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ScheduleError,
    SchemaMismatch,
    StorageError,
    WorkflowError,
)

DEBUG = "--debug"
DEBUG_ENV = "GONGKAI_DEBUG"
MAX_MESSAGE = 2000
"""Characters of a message shown at most (the rest is cut, marked ``…``)."""
DRIVER_MODULES = frozenset({"sqlalchemy", "sqlmodel", "sqlite3", "psycopg", "psycopg2"})
"""Top-level packages whose exceptions are the database's: shown as a StorageError."""


@dataclass(frozen=True)
class ExitCode:
    """One row of the table: the exit code, its family's name, the error classes in it."""

    code: int
    family: str
    errors: tuple[type[BaseException], ...]


REFUSED, USAGE, BUG = 1, 2, 70
EXIT_CODES: tuple[ExitCode, ...] = (
    ExitCode(REFUSED, "refused", (WorkflowError,)),
    ExitCode(USAGE, "usage", (click.UsageError,)),
    ExitCode(3, "not found", (NotFound,)),
    ExitCode(4, "not allowed", (InvalidTransition, GuardRejected, PermissionDenied,
                                ConcurrentUpdate, DuplicateBusinessKey, DuplicateRow)),
    ExitCode(5, "invalid data", (InvalidData, InvalidRow, InvalidArgument, ScheduleError)),
    ExitCode(6, "definition", (DefinitionError,)),
    ExitCode(7, "storage", (StorageError, SchemaMismatch)),
    ExitCode(8, "calendar", (CalendarError, DeadlineError)),
    ExitCode(9, "tampered", (HistoryTampered,)),
    ExitCode(10, "file", (OSError,)),
    ExitCode(BUG, "bug", ()),
)
"""The exit codes of ``gongkai`` (see the module's table); the most specific family wins."""


def exit_code_of(exc: BaseException) -> int:
    """The exit code of ``exc``'s family: a specific family before the generic refusal (1);
    another click error keeps its own code; anything else is a bug (70)."""
    for row in EXIT_CODES[1:]:
        if isinstance(exc, row.errors):
            return row.code
    if isinstance(exc, WorkflowError):
        return REFUSED
    if isinstance(exc, click.ClickException):
        return exc.exit_code
    return BUG


def known(exc: Exception) -> Exception:
    """``exc`` as the handler reports it: a database driver's error becomes a
    :class:`StorageError` that keeps it as its cause; anything else as it is."""
    if type(exc).__module__.split(".")[0] in DRIVER_MODULES:
        first = (str(exc).strip().splitlines() or [""])[0]
        wrapped = StorageError(f"the database refused: {type(exc).__name__}: {first}", exc)
        wrapped.__cause__ = exc
        return wrapped
    return exc


def message_of(exc: BaseException) -> str:
    """``exc``'s message with its notes, as one line of at most :data:`MAX_MESSAGE`
    characters."""
    if isinstance(exc, click.ClickException):
        text = exc.format_message()
    elif isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}"
    else:
        text = str(exc)
    line = one_line("\n".join([text, *getattr(exc, "__notes__", [])]))
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "…"


class Reported(click.ClickException):
    """An error shown as one line (or, with ``--debug``, as the traceback of ``cause``), exiting
    with the code of its family."""

    def __init__(self, cause: BaseException, debug: bool) -> None:
        self.code = exit_code_of(cause)
        text = f"{type(cause).__name__}: {message_of(cause)}"
        if self.code == BUG:
            text = (f"internal error (a bug in gongkai or a workflow package, please report "
                    f"it): {text}; run with {DEBUG} (gongkai {DEBUG} COMMAND ...) or "
                    f"{DEBUG_ENV}=1 for the traceback")
        super().__init__(text)
        self.cause = cause
        self.debug = debug

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        """The family's code (click exits with it), not one code for the class."""
        return self.code

    def show(self, file: IO[Any] | None = None) -> None:
        if self.debug:
            text = "".join(traceback.format_exception(self.cause))
            click.echo(text.rstrip("\n"), err=True)
            return
        click.echo(f"gongkai: error: {self.message}", err=True)


class ReportedUsage(Reported):
    """A usage error, reported (kept for code that catches it by name)."""


def reported(cause: BaseException, debug: bool) -> Reported:
    """``cause`` reported with the exit code of its family."""
    kind = ReportedUsage if isinstance(cause, click.UsageError) else Reported
    return kind(cause, debug)


def _debug_in(args: Sequence[str]) -> bool:
    """Whether ``--debug`` comes among the group's own options (before the command's name)."""
    return DEBUG in takewhile(lambda a: a.startswith("-"), args)


def _debug_env() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def debug_wanted(ctx: click.Context | None) -> bool:
    """Whether the traceback was asked for: ``gongkai --debug`` or ``GONGKAI_DEBUG=1``."""
    root = ctx.find_root() if ctx is not None else None
    return _debug_env() or bool(root is not None and root.params.get("debug"))


def _passes(exc: BaseException) -> bool:
    """Already reported, click's own flow (``--help``, ``ctx.exit``, Ctrl-C), or click's help
    for a group called without a command (shown as is)."""
    return isinstance(exc, Reported | NoArgsIsHelpError | Exit | click.Abort)


def _check_text(args: Sequence[str]) -> None:
    """A usage error for an argument that is not text (bytes that are not UTF-8 reach Python
    as lone surrogates, which no database stores)."""
    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape")[:40]
            raise click.UsageError(f"argument {number} is not UTF-8 text: {shown!r}") from None


class Handled(click.Command):
    """A command whose errors, while parsing or while running, go through :class:`Reported`."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            if parent is None:
                _check_text(args)
            return super().make_context(info_name, args, parent, **extra)
        except Exception as exc:
            if _passes(exc):
                raise
            debug = debug_wanted(parent) or (parent is None and _debug_in(args))
            raise reported(known(exc), debug) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _reader_gone()
        except Exception as exc:
            if _passes(exc):
                raise
            raise reported(known(exc), debug_wanted(ctx)) from exc


def _reader_gone() -> None:
    """The reader of standard output closed it (``gongkai fire ... | head -c1``): the command
    has done its work, so it ends quietly with 0; what is left to print goes nowhere."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    raise Exit(0)


class GongkaiCommand(Handled):
    """A click command with the ``gongkai`` error handler (``@click.command(cls=...)``)."""


class GongkaiGroup(Handled, click.Group):
    """A click group with the ``gongkai`` error handler: the errors of its sub-commands (and of
    their sub-groups) are reported once, by the outermost handler that sees them."""


def exit_code_table() -> str:
    """The exit codes as ``gongkai --help`` lists them, one family a line."""
    return "\n".join(f"{row.code:>3}  {row.family}" for row in EXIT_CODES)


@contextmanager
def one_line_refusals() -> Iterator[None]:
    """A gongkai error (:class:`WorkflowError` or a calendar's) raised inside is reported as the
    handler reports it: for a package's command that is also invoked on its own, outside the
    handler of ``gongkai``."""
    try:
        yield
    except (WorkflowError, CalendarError) as exc:
        raise reported(exc, debug_wanted(click.get_current_context(silent=True))) from exc
