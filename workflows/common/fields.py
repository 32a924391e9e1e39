"""Field types every workflow's trigger data is made of: required and optional text, dates, counts.

Trigger data is typed in by agency staff or sent by other systems, so the types are strict where a
lax reading would hide a mistake: a date is never a bare number, a count never a boolean, and blank
optional text means "not given" rather than an empty answer. :class:`TriggerData` is the base of
every trigger's model, so payloads are frozen and a misspelt field is refused, not dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

__all__ = [
    "Count",
    "Date",
    "LapseData",
    "OptionalText",
    "Text",
    "TriggerData",
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


def not_a_number(value: object) -> object:
    """Refuse a number where a date is expected: pydantic would read it as a Unix timestamp."""
    if isinstance(value, bool | int | float):
        raise ValueError("a date must be an ISO date (YYYY-MM-DD) or a date, not a number")
    return value


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
Date = Annotated[dt.date, BeforeValidator(not_a_number)]
"""A calendar date (Asia/Shanghai), given as a ``date`` or an ISO string."""
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
