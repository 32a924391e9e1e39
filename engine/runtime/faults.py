"""The one place where a failure from below the engine becomes one of the engine's errors.

Every public method of :class:`~engine.runtime.engine.Engine` runs inside :func:`translated`: a
database fault becomes a :class:`StorageError` (``engine.store.faults``), a calendar that cannot
count a date becomes a :class:`DeadlineError`. Iterators the engine returns are translated while
they are consumed, since their queries run then.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from calendars.errors import CalendarError
from engine.errors import DeadlineError
from engine.store.faults import storage_errors

T = TypeVar("T")


@contextmanager
def translated(url: str = "", calendar: bool = True) -> Iterator[None]:
    """Run the block; a database fault is raised as a :class:`StorageError`, and (if
    ``calendar``) a calendar's refusal as a :class:`DeadlineError`, each keeping the original as
    ``cause`` and its notes."""
    try:
        with storage_errors(url):
            yield
    except CalendarError as exc:
        if not calendar:
            raise
        error = DeadlineError(f"a deadline cannot be counted: {exc}", exc)
        for note in getattr(exc, "__notes__", ()):
            error.add_note(note)
        raise error from exc


def _iterate(items: Iterator[Any], url: str) -> Iterator[Any]:
    with translated(url):
        yield from items


def _wrapped(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        url = getattr(getattr(self, "core", None), "url", "")
        with translated(url, calendar=method.__name__ != "__init__"):
            result = method(self, *args, **kwargs)
        if inspect.isgenerator(result) or type(result).__name__ == "generator":
            return _iterate(result, url)
        return result

    return call


def translating(cls: type[T]) -> type[T]:
    """Class decorator: every public method of ``cls`` runs in :func:`translated`, and so does
    ``__init__`` for database faults (a calendar that cannot load its schedule files when the
    engine is made raises the calendar's own ``ScheduleFileError``: it is not a deadline)."""
    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__"):
            setattr(cls, name, _wrapped(member))
    return cls
