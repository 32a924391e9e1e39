"""Field types every workflow's trigger data is made of: required and optional text, dates, counts.

Trigger data is typed in by agency staff or sent by other systems, so the types are strict where a
lax reading would hide a mistake: a date is never a bare number, a count never a boolean, and blank
optional text means "not given" rather than an empty answer. :class:`TriggerData` is the base of
every trigger's model, so payloads are frozen and a misspelt field is refused, not dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)

from engine.limits import ACTOR_ID_MAX
from engine.text import text_problem
from engine.timesource import SHANGHAI

__all__ = [
    "ActorId",
    "Count",
    "Date",
    "LapseData",
    "OptionalActorId",
    "OptionalText",
    "PlannedDate",
    "Text",
    "TriggerData",
    "a_day",
    "blank_to_none",
    "not_a_bool",
    "not_a_number",
    "parse_day",
]


def blank_to_none(value: object) -> object:
    """``None`` for a blank string (a form field left empty), anything else unchanged."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A date as gongkai takes it in text: ``YYYY-MM-DD`` (not the basic ``YYYYMMDD``)."""
EARLIEST_DAY = dt.date(1949, 10, 1)
"""The earliest date a field takes: older records are not the business of a disclosure system."""
LATEST_DAY = dt.date(2099, 12, 31)
"""The latest date a field takes: the last year the working-day calendar can count."""


def not_a_number(value: object) -> object:
    """Refuse a number where a date is expected: pydantic would read it as a Unix timestamp."""
    if isinstance(value, bool | int | float):
        raise ValueError("a date must be an ISO date (YYYY-MM-DD) or a date, not a number")
    return value


def a_day(value: object) -> object:
    """The Beijing date a value names: a ``date``, ``YYYY-MM-DD``, or an aware datetime (or its
    ISO text) taken to its date in Beijing — ``2025-09-26T00:00:00+14:00`` is 25 September
    there. A datetime without a time zone is refused: its day would be a guess."""
    not_a_number(value)
    if isinstance(value, str):
        text = value.strip()
        if ISO_DAY.fullmatch(text) or not any(sep in text for sep in "T "):
            try:
                if not ISO_DAY.fullmatch(text):
                    raise ValueError(text)
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a date and time needs its time zone (or give the date alone, "
                             "YYYY-MM-DD)")
        return value.astimezone(SHANGHAI).date()
    return value


def _within_calendar(day: dt.date) -> dt.date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"{day.isoformat()} is outside {EARLIEST_DAY.isoformat()} to "
                         f"{LATEST_DAY.isoformat()}")
    return day


def _not_after_today(day: dt.date, info: ValidationInfo) -> dt.date:
    today = info.context.get("today") if isinstance(info.context, dict) else None
    if isinstance(today, dt.date) and day > today:
        raise ValueError(f"{day.isoformat()} is after today ({today.isoformat()} in Beijing): "
                         "this date records something that has happened")
    return day


def parse_day(value: Any) -> dt.date:
    """A date as instance data stores it (ISO text), or one already parsed."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def not_a_bool(value: object) -> object:
    """Refuse a boolean where a count is expected: pydantic would read ``True`` as 1."""
    if isinstance(value, bool):
        raise ValueError("a count must be an integer, not a boolean")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Required text: stripped, not empty."""
OptionalText = Annotated[Text | None, BeforeValidator(blank_to_none)]
"""Optional text: stripped; blank counts as absent (``None``)."""
PlannedDate = Annotated[dt.date, BeforeValidator(a_day), AfterValidator(_within_calendar)]
"""A Beijing date that may lie ahead (a date set for the future), given as a ``date``, an ISO
date, or an aware datetime (taken to its Beijing date); within 1949-10-01..2099-12-31."""
Date = Annotated[PlannedDate, AfterValidator(_not_after_today)]
"""The Beijing date of something that has happened: as :data:`PlannedDate`, and never after
the engine's today (the validation context's ``today``, which the engine gives)."""
def an_actor_id(value: str) -> str:
    """Refuse text that cannot be an actor's id (``engine.Actor``): blank, padded, holding control
    or invisible characters, or longer than :data:`~engine.limits.ACTOR_ID_MAX`."""
    problem = text_problem(value, ACTOR_ID_MAX)
    if problem is None and value != value.strip():
        problem = "may not begin or end with spaces"
    if problem is not None:
        raise ValueError(f"an actor id {problem}")
    return value


ActorId = Annotated[str, AfterValidator(an_actor_id)]
"""The id of an actor (a person or system acting on an instance), as ``engine.Actor`` takes it."""
OptionalActorId = Annotated[ActorId | None, BeforeValidator(blank_to_none)]
"""An actor id, or ``None`` when blank or absent."""
Count = Annotated[int, BeforeValidator(not_a_bool), Field(ge=0)]
"""A non-negative whole number."""


class TriggerData(BaseModel):
    """Base of every trigger's data: frozen, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LapseData(TriggerData):
    """A statutory period ran out; ``on`` is its last day.

    The timer worker fires a clock's ``on_expiry`` trigger with the due date in the clock's
    ``expiry_date_field`` (here ``on``), so the effects of the lapse are dated by the law, not by
    when the worker happened to run.
    """

    on: Date | None = None
