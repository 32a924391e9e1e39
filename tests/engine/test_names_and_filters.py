"""Names and keys the engine stores, and the filters it reads by, follow one rule on both back ends
(``engine.text``): a non-empty string, no control characters, within the column. A refusal is an
error of the package's hierarchy and changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from engine import (
    DefinitionError,
    Engine,
    InvalidArgument,
    InvalidData,
    Registry,
    TransitionContext,
)
from engine.testing import ManualClock, unchanged
from tests.engine import sample
from tests.engine.helpers import CLERK, START, WeekdayCalendar, make_engine
from tests.engine.test_links import DOC, new_engine, register, tag

ITEM = {"item": "x", "amount": 1}
BAD_NAMES = ["", "  ", "a\x00b", "line\nbreak", "tab\there", "x" * 256]


@pytest.mark.parametrize("key", BAD_NAMES)
def test_a_business_key_that_cannot_be_stored_is_refused(db_url: str, key: str) -> None:
    engine = make_engine(db_url)
    with unchanged(engine), pytest.raises(InvalidData, match="business_key"):
        engine.start("purchase", CLERK, ITEM, business_key=key)


@pytest.mark.parametrize("key", ["a\x00b", "line\nbreak"])
def test_a_link_key_with_control_characters_is_refused(db_url: str, key: str) -> None:
    engine = new_engine(db_url)
    doc = register(engine, "某办发〔2026〕3号")
    with unchanged(engine), pytest.raises(InvalidData, match="control characters"):
        tag(engine, doc, "topic", key)


@pytest.mark.parametrize("kind", ["parent", "child"])
def test_parent_and_child_links_are_made_by_ctx_start_only(db_url: str, kind: str) -> None:
    engine = new_engine(db_url)
    doc = register(engine)
    with unchanged(engine), pytest.raises(InvalidData, match="ctx.start only"):
        tag(engine, doc, kind, doc)
    assert list(engine.find(linked=(kind, doc))) == []


@pytest.mark.parametrize("agency", ["a\x00b", "a\n", "\tA", "x" * 65, "", None])
def test_an_agency_code_that_cannot_be_stored_is_refused(db_url: str, agency: Any) -> None:
    with pytest.raises(ValueError, match="agency code"):
        Engine(db_url, agency=agency)


@pytest.mark.parametrize("filters", [{"business_key": "a\x00"}, {"workflow": ""},
                                     {"state": "x\n"}])
def test_find_refuses_filters_it_could_never_match(db_url: str, filters: dict[str, Any]) -> None:
    engine = make_engine(db_url)
    with pytest.raises(InvalidData):
        engine.find(**filters)


@pytest.mark.parametrize(("page_size", "error"), [(0, InvalidArgument), (-1, InvalidArgument),
                                                  ("10", TypeError), (True, TypeError)])
def test_a_page_size_is_a_whole_number_from_1(db_url: str, page_size: Any,
                                              error: type[Exception]) -> None:
    engine = make_engine(db_url)
    with pytest.raises(error, match="page_size"):
        engine.find(page_size=page_size)
    with pytest.raises(error, match="page_size"):
        engine.events(page_size=page_size)


def test_events_take_one_trigger_by_name_and_refuse_odd_filters(db_url: str) -> None:
    engine = make_engine(db_url)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    assert [e.trigger for e in engine.events(triggers="submit")] == ["submit"]
    for bad in ({"triggers": ["a\x00"]}, {"since": date(2025, 3, 3)}, {"until": "2025-03-04"}):
        with pytest.raises(InvalidData):
            engine.events(**bad)
    assert [e.trigger for e in engine.events(since=datetime(2025, 3, 3))] == ["create", "submit"]


def _registry_with_a_writing_guard(door: str) -> Registry:
    reg = sample.make_registry()

    @reg.guard("writes")
    def writes(ctx: TransitionContext) -> str | None:
        if door == "start":
            ctx.start("purchase", ITEM)
        else:
            ctx.link("topic", "x")
        return None

    return reg


@pytest.mark.parametrize("door", ["start", "link"])
def test_a_guard_that_writes_is_a_definition_error_and_writes_nothing(db_url: str,
                                                                       door: str) -> None:
    """Guards are pure functions of the context (DESIGN.md, engine principles)."""
    import dataclasses

    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=_registry_with_a_writing_guard(door))
    d = sample.definition()
    d = dataclasses.replace(d, transitions=tuple(
        dataclasses.replace(t, guards=(*t.guards, "writes")) if t.trigger == "submit" else t
        for t in d.transitions))
    engine.register(d)
    inst = engine.start("purchase", CLERK, ITEM)
    with unchanged(engine), pytest.raises(DefinitionError, match=f"ctx.{door}"):
        engine.fire(inst.id, "submit", CLERK)


def test_a_child_refusal_says_which_parent_started_it(db_url: str) -> None:
    reg = sample.make_registry()

    @reg.action("spawn")
    def spawn(ctx: TransitionContext) -> None:
        ctx.start("doc", {"number": 5})  # the child's model wants a string

    import dataclasses

    from tests.engine.test_links import registry as doc_registry

    reg.update(doc_registry())
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(), registry=reg)
    d = sample.definition()
    engine.register(dataclasses.replace(d, transitions=tuple(
        dataclasses.replace(t, actions=(*t.actions, "spawn")) if t.trigger == "submit" else t
        for t in d.transitions)))
    engine.register(DOC)
    inst = engine.start("purchase", CLERK, ITEM)
    with unchanged(engine), pytest.raises(InvalidData) as caught:
        engine.fire(inst.id, "submit", CLERK)
    assert any(inst.id in note and "child" in note for note in caught.value.__notes__)
