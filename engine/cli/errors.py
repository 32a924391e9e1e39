"""One error handler for every ``gongkai`` command.

A refused action (any :class:`~engine.errors.WorkflowError`), a bad ``--data`` and a usage error
print one line on stderr, ``gongkai: error: <ClassName>: <message>``, and exit non-zero: 1 for a
refusal, 2 for a usage error (click's code). ``gongkai --debug ...`` prints the traceback
instead, with the same exit code. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import takewhile
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError

from engine.cli.render import one_line
from engine.errors import WorkflowError

DEBUG = "--debug"
USAGE = 2
"""Exit code of a usage error (click's); a refused action exits 1."""


class Reported(click.ClickException):
    """An error shown as one line (or, with ``--debug``, as the traceback of ``cause``); exits
    1, as a refused action does."""

    def __init__(self, cause: Exception, debug: bool) -> None:
        message = cause.format_message() if isinstance(cause, click.ClickException) else str(
            cause)
        super().__init__(f"{type(cause).__name__}: {one_line(message)}")
        self.cause = cause
        self.debug = debug

    def show(self, file: IO[Any] | None = None) -> None:
        if self.debug:
            text = "".join(traceback.format_exception(self.cause))
            click.echo(text.rstrip("\n"), err=True)
            return
        click.echo(f"gongkai: error: {self.message}", err=True)


class ReportedUsage(Reported):
    """A usage error (a bad option or argument, bad ``--data``), reported."""

    exit_code = USAGE


def reported(cause: Exception, debug: bool) -> Reported:
    """``cause`` reported: a usage error exits 2, a refusal (or another click error) 1."""
    kind = ReportedUsage if isinstance(cause, click.UsageError) else Reported
    return kind(cause, debug)


def _debug_in(args: Sequence[str]) -> bool:
    """Whether ``--debug`` comes among the group's own options (before the command's name)."""
    return DEBUG in takewhile(lambda a: a.startswith("-"), args)


def _passes(exc: Exception) -> bool:
    """Already reported, or click's help for a group called without a command (shown as is)."""
    return isinstance(exc, Reported | NoArgsIsHelpError)


class GongkaiGroup(click.Group):
    """The ``gongkai`` group: its commands' refusals and usage errors go through
    :class:`Reported`, whether they happen while parsing or while running."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            if _passes(exc):
                raise
            raise reported(exc, _debug_in(args)) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (WorkflowError, click.ClickException) as exc:
            if _passes(exc):
                raise
            raise reported(exc, bool(ctx.params.get("debug"))) from exc


@contextmanager
def one_line_refusals() -> Iterator[None]:
    """A :class:`WorkflowError` raised inside (with its notes) becomes a one-line click error,
    exit 1: for a package's command that is also invoked on its own, outside the handler of
    ``gongkai``."""
    try:
        yield
    except WorkflowError as exc:
        text = "\n".join([str(exc), *getattr(exc, "__notes__", [])])
        raise click.ClickException(one_line(text)) from None
