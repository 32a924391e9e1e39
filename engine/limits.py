"""How large the values an engine stores may be: one place, documented, and a setting.

An agency that needs more (a very long description, a larger attachment list) passes its own
:class:`Limits` to ``Engine(..., limits=...)``; the defaults keep a single bad call from writing
megabytes into the history and from echoing them back in an error message.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InvalidArgument

ACTOR_ID_MAX = 128
"""Characters of an actor id (and of a role)."""

INSTANCE_ID_MAX = 36
"""Characters of an instance id (a UUID)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on the data given with a trigger (one call).

    ``text`` characters in one string; ``key`` characters in one field name; ``items`` entries
    in one list or object; ``depth`` levels of nesting (the data itself is level 1); ``size``
    characters of the whole data written as JSON, roughly (each string's length plus a few for
    every other value).
    """

    text: int = 20_000
    key: int = 128
    items: int = 1_000
    depth: int = 16
    size: int = 1_000_000

    def __post_init__(self) -> None:
        for name in ("text", "key", "items", "depth", "size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"Limits.{name} must be an int, not {type(value).__name__}")
            if value < 1:
                raise InvalidArgument(f"Limits.{name}", f"must be a whole number from 1, not "
                                                        f"{value}")


DEFAULT_LIMITS = Limits()
