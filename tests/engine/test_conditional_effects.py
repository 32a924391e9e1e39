"""Clock effects that apply only when the event carries a field (``ClockEffect.when_field``): a
publication period that starts at the draft of a converted document and at signing otherwise
(条例 26 "形成或者变更")."""

from __future__ import annotations

import dataclasses

import pytest

from engine import ClockEffect, DefinitionError
from engine.definition.io import definition_from_json, definition_to_json
from engine.definition.validate import validate
from tests.engine import sample
from tests.engine.helpers import CLERK, make_engine


def _with_rush_start() -> object:
    d = sample.definition()
    return dataclasses.replace(d, transitions=tuple(
        dataclasses.replace(t, effects=(ClockEffect("review", "start", when_field="rush"),))
        if t.trigger == "submit" else t for t in d.transitions))


def test_the_effect_applies_only_when_the_field_is_given(db_url: str) -> None:
    engine = make_engine(db_url, register=False)
    engine.register(_with_rush_start())  # type: ignore[arg-type]
    plain = engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    rushed = engine.start("purchase", CLERK, {"item": "y", "amount": 1})
    assert "review" not in engine.fire(plain.id, "submit", CLERK).deadlines
    assert engine.fire(rushed.id, "submit", CLERK, {"rush": "yes"}).deadlines["review"].state \
        == "running"
    assert [t.clock for t in engine.timers(plain.id)] == []


def test_when_field_survives_json_and_is_left_out_when_unused() -> None:
    d = _with_rush_start()
    text = definition_to_json(d)  # type: ignore[arg-type]
    assert definition_from_json(text) == d and '"when_field":"rush"' in text
    assert "when_field" not in definition_to_json(sample.definition())


def test_a_when_field_the_trigger_data_lacks_is_a_definition_problem() -> None:
    d = sample.definition()
    broken = dataclasses.replace(d, transitions=tuple(
        dataclasses.replace(t, effects=(ClockEffect("review", "stop", when_field="urgent"),))
        if t.trigger == "reject" else t for t in d.transitions))
    with pytest.raises(DefinitionError, match="urgent"):
        validate(broken, sample.make_registry())
