"""What a name, id or key the engine stores must look like, and what free text may hold.

Names and keys (agency codes, actor ids and roles, instance ids, business keys, link kinds and
keys, schedule names, trigger filters) follow one rule, so SQLite and PostgreSQL accept and refuse
the same values: a non-empty string, not blank, no control characters (PostgreSQL refuses NUL in
text; a stray line break from an environment variable would silently make a second agency), no
invisible format characters (a zero-width space or a right-to-left override makes two ids that
look the same), no lone surrogates (they cannot be stored as UTF-8), and within the column's
length. Free text inside trigger data may also hold tabs and line breaks.
"""

from __future__ import annotations

import re
import unicodedata

SHOWN = 40
"""Characters of a refused value repeated in a message; longer ones are cut."""

FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
"""Unicode categories no name or text may hold: control, format (invisible), surrogate, private
use and unassigned characters."""

TEXT_CONTROLS = frozenset("\t\n\r")
"""Control characters free text may hold (a multi-line description)."""


def shown(value: object) -> str:
    """``repr(value)``, cut to :data:`SHOWN` characters for messages."""
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


def bad_character(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """The first character of ``value`` of a :data:`FORBIDDEN` category (``allowed`` aside),
    described as ``U+200B (Cf)``; ``None`` if there is none."""
    for char in value:
        category = unicodedata.category(char)
        if category in FORBIDDEN and char not in allowed:
            return f"U+{ord(char):04X} ({category})"
    return None


def text_problem(value: object, limit: int | None = None) -> str | None:
    """Why ``value`` cannot be stored as a name or key, or ``None`` if it can.

    ``limit`` is the most characters the column holds (checked first, so a huge value costs
    nothing more to refuse).
    """
    if not isinstance(value, str) or not value.strip():
        return f"must be a non-empty string, not {shown(value)}"
    if limit is not None and len(value) > limit:
        return f"has at most {limit} characters, not {len(value)}: {shown(value)}"
    if (char := bad_character(value)) is not None:
        return (f"may not contain control characters (such as NUL or a line break) or invisible "
                f"ones (such as a zero-width space), found {char}: {shown(value)}")
    if unicodedata.normalize("NFC", value) != value:
        return f"must be in Unicode normal form NFC: {shown(value)}"
    return None


def free_text_problem(value: str, limit: int) -> str | None:
    """Why ``value`` cannot be kept as free text in trigger data (after :func:`normal_text`), or
    ``None``: too long, or holding a control or invisible character other than a tab or a line
    break."""
    if len(value) > limit:
        return f"has at most {limit} characters, not {len(value)}: {shown(value)}"
    if (char := bad_character(value, TEXT_CONTROLS)) is not None:
        return (f"may not contain control characters (but tabs and line breaks) or invisible "
                f"ones, found {char}: {shown(value)}")
    return None


def normal_text(value: str) -> str:
    """``value`` in Unicode normal form NFC without leading or trailing whitespace."""
    return unicodedata.normalize("NFC", value).strip()


_SECRETS = (re.compile(r"(://[^:/@]+):[^@]*@"),
            re.compile(r"([?&](?:password|passwd|pwd|pass|sslpassword)=)[^&#]*", re.I))


def mask_password(url: str) -> str:
    """A database URL with its password (``user:pw@``, or a ``password=`` query parameter)
    replaced by ``***``, for messages."""
    url = _SECRETS[0].sub(r"\1:***@", url)
    return _SECRETS[1].sub(r"\1***", url)
