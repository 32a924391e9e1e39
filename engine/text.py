"""What a name or key the engine stores must look like: agency codes, business keys, link kinds
and keys, schedule names, trigger filters.

One rule for all of them, so SQLite and PostgreSQL accept and refuse the same values: a non-empty
string, no control characters (PostgreSQL refuses NUL in text; a stray line break from an
environment variable would silently make a second agency), and within the column's length.
"""

from __future__ import annotations

import unicodedata

SHOWN = 40
"""Characters of a refused value repeated in a message; longer ones are cut."""


def shown(value: object) -> str:
    """``repr(value)``, cut to :data:`SHOWN` characters for messages."""
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


def text_problem(value: object, limit: int | None = None) -> str | None:
    """Why ``value`` cannot be stored as a name or key, or ``None`` if it can."""
    if not isinstance(value, str) or not value.strip():
        return f"must be a non-empty string, not {shown(value)}"
    if any(unicodedata.category(c) == "Cc" for c in value):
        return f"may not contain control characters such as NUL or a line break: {shown(value)}"
    if limit is not None and len(value) > limit:
        return f"has at most {limit} characters, not {len(value)}: {shown(value)}"
    return None
