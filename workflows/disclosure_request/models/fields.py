"""Field types shared by the trigger data models: required and optional text, dates, counts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

MAX_CORRECTION_PERIOD_DAYS = 60
"""Upper bound on the correction period (补正期限), working days; 条例 30 asks a reasonable one."""


def blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def not_a_number(value: object) -> object:
    if isinstance(value, bool | int | float):
        raise ValueError("a date must be an ISO date (YYYY-MM-DD) or a date, not a number")
    return value


def not_a_bool(value: object) -> object:
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
    """A period ran out; ``on`` is its last day (the worker passes it, 条例 30, 32, 34)."""

    on: Date | None = None
