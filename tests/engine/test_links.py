"""Links: instances tied to business objects (a document number) through ``gongkai_links``.

``ctx.link`` inside a transition (idempotent), ``Engine.links`` and ``Engine.find(linked=)``
outside it; everything scoped to the engine's agency.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from engine import (
    Engine,
    InvalidData,
    Link,
    NotFound,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.testing import ManualClock
from tests.engine.helpers import CLERK, GONGKAI_TABLES, START, WeekdayCalendar, dump

TABLES = (*GONGKAI_TABLES, "gongkai_links")
DOC_X = "某办发〔2026〕3号"
DOC_Y = "某办发〔2026〕4号"


class Register(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str | None = None


class Tag(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Any
    key: Any


def registry() -> Registry:
    reg = Registry(prefix="doc")
    reg.model("Register", Register)
    reg.model("Tag", Tag)

    @reg.action("link_number")
    def link_number(ctx: TransitionContext) -> None:
        if "number" in ctx.data:
            ctx.link("document", ctx.data["number"])
            ctx.link("document", ctx.data["number"])  # again: no error, one row

    @reg.action("tag")
    def tag(ctx: TransitionContext) -> None:
        ctx.link(ctx.data["kind"], ctx.data.get("key"))  # None is left out of data

    return reg


DOC = WorkflowDefinition(
    name="doc", version=1, title=Title("公文", "Document"),
    states=(State("draft", kind="initial"), State("filed"), State("closed", kind="terminal")),
    transitions=(
        Transition("register", (), "draft", roles=("clerk",), data="doc.Register",
                   actions=("doc.link_number",)),
        Transition("tag", ("draft", "filed"), None, roles=("clerk",), data="doc.Tag",
                   merge_data=False, actions=("doc.tag",)),
        Transition("file", ("draft",), "filed", roles=("clerk",)),
        Transition("close", ("draft", "filed"), "closed", roles=("clerk",)),
    ),
    roles=("clerk",), start_trigger="register")


def new_engine(url: str, agency: str = "a") -> Engine:
    engine = Engine(url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry(), agency=agency)
    engine.register(DOC)
    return engine


def register(engine: Engine, number: str | None = None, key: str | None = None) -> str:
    data = {"number": number} if number else {}
    return engine.start("doc", CLERK, data, business_key=key).id


def tag(engine: Engine, instance_id: str, kind: Any, key: Any) -> None:
    engine.fire(instance_id, "tag", CLERK, {"kind": kind, "key": key})


def ids(engine: Engine, **filters: Any) -> set[str]:
    return {i.id for i in engine.find(**filters)}


def test_links_are_listed_in_the_order_they_were_made(db_url: str) -> None:
    engine = new_engine(db_url)
    doc = register(engine, DOC_X)
    made = [engine.get(doc).created_at]
    for kind, key in (("topic", "b"), ("topic", "a"), ("case", "z")):
        made.append(engine.clock.advance(timedelta(minutes=5)))  # type: ignore[attr-defined]
        tag(engine, doc, kind, key)
    assert engine.links(doc) == [
        Link(doc, "document", DOC_X, made[0]), Link(doc, "topic", "b", made[1]),
        Link(doc, "topic", "a", made[2]), Link(doc, "case", "z", made[3])]


def test_linking_the_same_pair_again_is_no_error(db_url: str) -> None:
    engine = new_engine(db_url)
    doc = register(engine, DOC_X)  # its action links the number twice
    first = engine.links(doc)
    assert [(link.kind, link.key) for link in first] == [("document", DOC_X)]
    engine.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    tag(engine, doc, "document", DOC_X)
    assert engine.links(doc) == first  # the first link stands, created_at included
    assert [e.trigger for e in engine.history(doc)] == ["register", "tag"]


def test_find_linked_combines_with_the_other_filters(db_url: str) -> None:
    engine = new_engine(db_url)
    draft = register(engine, DOC_X, key="K-1")
    filed = register(engine, DOC_X, key="K-2")
    engine.fire(filed, "file", CLERK)
    other = register(engine, DOC_Y)
    tag(engine, other, "document", DOC_X)
    unlinked = register(engine)
    assert ids(engine, linked=("document", DOC_X)) == {draft, filed, other}
    assert ids(engine, linked=("document", DOC_Y)) == {other}
    assert ids(engine, linked=("document", DOC_X), state="filed") == {filed}
    assert ids(engine, linked=("document", DOC_X), business_key="K-1") == {draft}
    assert ids(engine, linked=("document", DOC_X), workflow="doc") == {draft, filed, other}
    assert ids(engine, linked=("document", DOC_X), workflow="purchase") == set()
    assert ids(engine, linked=("document", DOC_X), closed=True) == set()
    engine.fire(draft, "close", CLERK)
    assert ids(engine, linked=("document", DOC_X), closed=True) == {draft}
    assert ids(engine, linked=("document", DOC_X), closed=False) == {filed, other}
    assert ids(engine, linked=("document", "某办发〔2026〕99号")) == set()
    assert ids(engine, linked=("topic", DOC_X)) == set()
    assert ids(engine, linked=("document", DOC_X), page_size=1) == {draft, filed, other}
    assert unlinked in ids(engine)


def test_links_are_scoped_to_the_agency(db_url: str) -> None:
    ours = new_engine(db_url, agency="a")
    theirs = new_engine(db_url, agency="b")
    mine = register(ours, DOC_X)
    foreign = register(theirs, DOC_X)
    assert ids(ours, linked=("document", DOC_X)) == {mine}
    assert ids(theirs, linked=("document", DOC_X)) == {foreign}
    with pytest.raises(NotFound):
        ours.links(foreign)
    with pytest.raises(NotFound):
        ours.links("no-such-instance")
    assert [link.key for link in theirs.links(foreign)] == [DOC_X]


@pytest.mark.parametrize(("kind", "key", "field"), [
    ("", "x", "kind"), ("  ", "x", "kind"), ("k" * 65, "x", "kind"), (7, "x", "kind"),
    ("k", "", "key"), ("k", "x" * 256, "key"), ("k", None, "key"),
])
def test_a_bad_kind_or_key_is_refused_and_changes_nothing(db_url: str, kind: Any, key: Any,
                                                          field: str) -> None:
    engine = new_engine(db_url)
    doc = register(engine, DOC_X)
    before = dump(engine, TABLES)
    with pytest.raises(InvalidData) as info:
        tag(engine, doc, kind, key)
    assert [e["field"] for e in info.value.errors] == [field]
    assert info.value.instance_id == doc
    assert dump(engine, TABLES) == before
    with pytest.raises(InvalidData):
        engine.find(linked=(kind, key))
    with pytest.raises(InvalidData):
        engine.start("doc", CLERK, {"number": ""})
    assert dump(engine, TABLES) == before


def test_the_longest_kind_and_key_fit(db_url: str) -> None:
    engine = new_engine(db_url)
    doc = register(engine)
    kind, key = "类" * 64, "号" * 255
    tag(engine, doc, kind, key)
    assert [(link.kind, link.key) for link in engine.links(doc)] == [(kind, key)]
    assert ids(engine, linked=(kind, key)) == {doc}


def test_a_link_is_a_frozen_value() -> None:
    link = Link("id", "document", DOC_X, START)
    with pytest.raises(dataclasses.FrozenInstanceError):
        link.key = "other"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Link)] == ["instance_id", "kind", "key",
                                                          "created_at"]
