"""Checks of the arguments of the engine's public calls, made before any row is read.

A value of the wrong type is a programming error of the caller and raises ``TypeError``; a value
of the right type that the call cannot take raises :class:`InvalidArgument` (or, for an instance
id no instance can have, :class:`NotFound`), so a bad call never reaches the database.
"""

from __future__ import annotations

import math
from datetime import datetime

from engine.actor import Actor
from engine.errors import InvalidArgument, InvalidData, NotFound
from engine.limits import INSTANCE_ID_MAX
from engine.text import text_problem
from engine.timesource import beijing_aware

MAX_RETRIES = 10_000
MAX_PAGE_SIZE = 10_000
SHORTEST_POLL = 0.01
"""Seconds between a worker's polls at the least: a shorter interval only spins."""


def actor(value: object) -> Actor:
    """``value`` if it is an :class:`Actor`; ``TypeError`` otherwise."""
    if not isinstance(value, Actor):
        raise TypeError(f"actor must be an engine.Actor, not {type(value).__name__}")
    return value


def name(argument: str, value: object) -> str:
    """A workflow or trigger name: a string (``TypeError``) that is a storable name
    (:class:`InvalidArgument`)."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string, not {type(value).__name__}")
    if (problem := text_problem(value, 200)) is not None:
        raise InvalidArgument(argument, problem)
    return value


def instance_id(value: object) -> str:
    """An instance id: a string (``TypeError``); one no instance can have is
    :class:`NotFound` at once (no query with a NUL, a lone surrogate or megabytes)."""
    if not isinstance(value, str):
        raise TypeError(f"instance_id must be a string, not {type(value).__name__}")
    if text_problem(value, INSTANCE_ID_MAX) is not None:
        raise NotFound("instance", value)
    return value


def whole(argument: str, value: object, lowest: int, highest: int | None = None,
          optional: bool = False) -> int | None:
    """A whole number from ``lowest`` (to ``highest``); a bool or a float is ``TypeError``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, not {type(value).__name__}")
    if value < lowest or (highest is not None and value > highest):
        top = f" to {highest}" if highest is not None else ""
        raise InvalidArgument(argument, f"must be a whole number from {lowest}{top}, not "
                                        f"{value}")
    return value


def seconds(argument: str, value: object) -> float:
    """A poll interval: a finite number of seconds from :data:`SHORTEST_POLL`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{argument} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value < SHORTEST_POLL:
        raise InvalidArgument(argument, f"must be a finite number of seconds from "
                                        f"{SHORTEST_POLL}, not {value}")
    return float(value)


def moment(argument: str, value: object) -> datetime:
    """A ``datetime`` (``TypeError`` otherwise)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{argument} must be a datetime, not {type(value).__name__}")
    return value


def filters(what: str, page_size: object, **names: object) -> None:
    """Refuse filters that are not names the tables could hold (:class:`InvalidData`), and page
    sizes that are not whole numbers (``TypeError``) from 1 (:class:`InvalidArgument`)."""
    whole("page_size", page_size, 1, MAX_PAGE_SIZE)
    errors = [{"field": field, "message": problem} for field, value in names.items()
              if value is not None and (problem := text_problem(value)) is not None]
    if errors:
        raise InvalidData(what, errors)


def period_bound(field: str, value: object) -> datetime | None:
    """A period bound as an aware moment (naive: Beijing time); ``InvalidData`` otherwise."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise InvalidData("events", [{"field": field, "message": "must be a datetime (a naive "
                                      f"one is Beijing time), not {type(value).__name__}"}])
    return beijing_aware(value)
