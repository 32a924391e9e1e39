"""Reading JSON text a person or another system wrote (``--data``, a definition file) strictly:
one way to read it, with one kind of error whatever is wrong.

Python's reader takes what gongkai must not: the same key twice (the last one silently wins),
``NaN`` and ``Infinity``, and it fails with a ``RecursionError`` on deep nesting and a bare
``ValueError`` on a number of thousands of digits. :func:`read_json` refuses all of them with a
:class:`JSONTextError` that says what and where.
"""

from __future__ import annotations

import json
from typing import Any


class JSONTextError(ValueError):
    """JSON text that gongkai does not read; the message says why."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise JSONTextError(f"the key {key[:40]!r} appears twice in one object")
        found[key] = value
    return found


def _constant(name: str) -> Any:
    raise JSONTextError(f"{name} is not a number JSON allows")


def read_json(text: str) -> Any:
    """The value ``text`` holds. Raises :class:`JSONTextError` for text that is not JSON, nests
    too deeply to read, repeats a key in an object, holds ``NaN``/``Infinity`` or a number too
    long to read."""
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except JSONTextError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONTextError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column "
                            f"{exc.colno})") from None
    except RecursionError:
        raise JSONTextError("JSON nested too deeply to read") from None
    except ValueError as exc:
        raise JSONTextError(f"not JSON gongkai reads: {str(exc)[:120]}") from None
