"""engine.testing, promoted from the suite's own helpers: table dumps that catch any change, a
dated story driver that can reload the engine between steps, and guard contexts without a
database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from engine import Actor, Engine, Instance
from engine.errors import DuplicateRow, InvalidRow, TableMisuse, WorkflowError
from engine.testing import ManualClock, Story, dump, guard_context, unchanged
from engine.testing.guards import MemoryPort
from engine.testing.story import at
from tests.engine import sample
from tests.engine.helpers import (
    CLERK,
    GONGKAI_TABLES,
    MANAGER,
    WeekdayCalendar,
    make_engine,
)
from tests.engine.table_ops import Amount, Op, amounts_engine, definition, in_memory, run
from tests.engine.test_workflow_tables import AgencyOutsideKey
from workflows import disclosure_request
from workflows.disclosure_request.rules import rules


def test_unchanged_passes_when_nothing_changes_and_names_the_table_that_did(db_url: str) -> None:
    engine = make_engine(db_url)
    inst = engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    with unchanged(engine):
        engine.get(inst.id)
    with pytest.raises(AssertionError, match="gongkai_instances changed"):
        with unchanged(engine):
            engine.fire(inst.id, "submit", CLERK)


def test_dump_orders_rows_and_reads_times_as_utc(db_url: str) -> None:
    engine = make_engine(db_url)
    engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    rows = dump(engine)["gongkai_events"]
    assert [r["seq"] for r in rows] == [1]
    assert rows[0]["event_time"].utcoffset().total_seconds() == 0


@pytest.mark.parametrize("fresh", [False, True])
def test_a_story_fires_on_its_dates_with_or_without_a_fresh_engine(db_url: str,
                                                                  fresh: bool) -> None:
    engines: list[Engine] = []

    def factory(clock: ManualClock) -> Engine:
        engine = make_engine(db_url, clock)
        engines.append(engine)
        return engine

    story = Story(factory, "purchase", CLERK, {"item": "x", "amount": 1}, "2025-03-03",
                  fresh_engine_each_step=fresh)
    story.fire("submit", "2025-03-04", CLERK)
    done = story.fire("approve", "2025-03-05", MANAGER, {"note": "ok"})
    assert done.state == "approved"
    assert [e.event_time for e in story.engine.history(story.id)][1:] == [
        at("2025-03-04"), at("2025-03-05")]
    assert len(engines) == (3 if fresh else 1)


def test_a_guard_runs_without_a_database() -> None:
    """条例 30: a correction is requested once only (一次性告知)."""
    guard = rules.guards["disclosure_request.correction_once"]
    definition = disclosure_request.definition()
    handler = Actor("h", "handler")
    first = guard_context(definition, "request_correction", handler, calendar=WeekdayCalendar())
    again = guard_context(definition, "request_correction", handler, calendar=WeekdayCalendar(),
                          instance_data={"correction": {"items": ["文号"]}})
    assert guard(first) is None
    assert "once" in (guard(again) or "")


def test_a_guard_context_counts_and_remembers_who_fired_what() -> None:
    ctx = guard_context(sample.definition(), "approve", MANAGER, calendar=WeekdayCalendar(),
                        state="submitted", fired_by={"submit": CLERK})
    assert [ctx.next_sequence("p"), ctx.next_sequence("p"), ctx.next_sequence("q")] == [1, 2, 1]
    assert ctx.actor_of("submit") == CLERK and ctx.actor_of("approve") is None


def test_a_guard_context_holds_workflow_rows_of_its_agency() -> None:
    ctx = guard_context(sample.definition(), "approve", MANAGER, calendar=WeekdayCalendar(),
                        state="submitted", rows={Amount: [{"doc": "A", "amount": 1}]},
                        agency="a")
    assert ctx.tables.get(Amount, doc="A") == {
        "agency": "a", "doc": "A", "amount": 1, "big": 0, "public": False, "note": None,
        "ref": None}
    assert ctx.tables.update(Amount, {"doc": "A"}, public=True) == 1
    ctx.tables.insert(Amount, doc="B", amount=2)
    assert [r["doc"] for r in ctx.tables.select(Amount, public=False)] == ["B"]
    assert ctx.tables.get(Amount, doc="C") is None


def test_a_guard_context_finds_other_instances_of_its_agency_only() -> None:
    moment = at("2025-01-02")
    mine, theirs = (Instance(id=i, workflow="purchase", definition_version=1, state="submitted",
                             data={"item": i}, version=1, business_key=None, created_at=moment,
                             updated_at=moment, closed_at=None, agency=agency)
                    for i, agency in (("mine", "a"), ("theirs", "b")))
    ctx = guard_context(sample.definition(), "approve", MANAGER, calendar=WeekdayCalendar(),
                        state="submitted", instances=(mine, theirs), agency="a")
    assert ctx.instance("mine") == mine
    assert ctx.instance("theirs") is None and ctx.instance("nobody") is None


class Plain:
    """Not a table."""


def test_guard_context_tables_refuse_what_no_store_could_hold() -> None:
    with pytest.raises(TableMisuse, match="'Plain' is not a SQLModel table"):
        in_memory(lambda ctx: ctx.tables.select(Plain))
    with pytest.raises(TableMisuse, match="column 'agency' must be part of the primary key"):
        in_memory(lambda ctx: ctx.tables.select(AgencyOutsideKey))
    with pytest.raises(TableMisuse, match="'agency' is filled by the engine"):
        in_memory(lambda ctx: None, rows=[{"doc": "A", "amount": 1, "agency": "b"}])
    with pytest.raises(InvalidRow, match="amount: expected an int"):
        in_memory(lambda ctx: None, rows=[{"doc": "A", "amount": "lots"}])


START_ROWS = [{"doc": "D1", "amount": 1, "ref": "R1"}, {"doc": "D5", "amount": 5},
              {"doc": "D7", "amount": 7, "note": "seen"}]

SAME_OPS: dict[str, Op] = {
    "insert, agency given": lambda c: c.tables.insert(Amount, doc="D2", amount=1, agency="b"),
    "insert, unknown column": lambda c: c.tables.insert(Amount, doc="D2", amount=1, colour=1),
    "insert, taken key": lambda c: c.tables.insert(Amount, doc="D1", amount=2),
    "insert, taken ref": lambda c: c.tables.insert(Amount, doc="D2", amount=2, ref="R1"),
    "insert, no key": lambda c: c.tables.insert(Amount, amount=2),
    "insert, text amount": lambda c: c.tables.insert(Amount, doc="D2", amount="lots"),
    "insert, huge amount": lambda c: c.tables.insert(Amount, doc="D2", amount=10**20),
    "insert, long doc": lambda c: c.tables.insert(Amount, doc="D" * 21, amount=1),
    "insert, fine": lambda c: c.tables.insert(Amount, doc="D2", amount=2) or c.tables.select(
        Amount),
    "update, onto a taken key": lambda c: c.tables.update(Amount, {"doc": "D5"}, doc="D1"),
    "update, agency": lambda c: c.tables.update(Amount, {"doc": "D5"}, agency="b"),
    "update, nothing": lambda c: c.tables.update(Amount, {"doc": "D5"}),
    "update, None where": lambda c: (c.tables.update(Amount, {"note": None}, public=True),
                                     c.tables.select(Amount, public=True)),
    "get, by another column": lambda c: c.tables.get(Amount, amount=1),
    "get, by key and more": lambda c: c.tables.get(Amount, doc="D1", amount=1),
    "get, by key": lambda c: c.tables.get(Amount, doc="D5"),
    "get, missing": lambda c: c.tables.get(Amount, doc="D9"),
    "select, unknown column": lambda c: c.tables.select(Amount, nope=1),
    "select, wrong type": lambda c: c.tables.select(Amount, amount="abc"),
    "select, None": lambda c: c.tables.select(Amount, note=None),
    "select, by agency": lambda c: c.tables.select(Amount, agency="default"),
}


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "returned", call()
    except WorkflowError as error:
        return type(error).__name__, str(error)


@pytest.mark.parametrize("name", sorted(SAME_OPS))
def test_guard_context_tables_do_what_the_store_does(db_url: str, name: str) -> None:
    op = SAME_OPS[name]
    with amounts_engine(db_url) as engine:
        for row in START_ROWS:
            run(engine, lambda ctx, row=row: ctx.tables.insert(Amount, **row))
        stored = outcome(lambda: run(engine, op))
    assert outcome(lambda: in_memory(op, START_ROWS)) == stored


def test_a_refused_write_in_memory_changes_nothing() -> None:
    ctx = guard_context(definition(), "write", CLERK, calendar=WeekdayCalendar(),
                        rows={Amount: START_ROWS})
    before = ctx.tables.select(Amount)
    with pytest.raises(DuplicateRow):
        ctx.tables.update(Amount, {}, ref="R9")  # the second row would take R9 again
    assert ctx.tables.select(Amount) == before


def test_unchanged_and_dump_cover_the_registered_workflow_tables(db_url: str) -> None:
    with amounts_engine(db_url) as engine:
        run(engine, lambda ctx: ctx.tables.insert(Amount, doc="D1", amount=1))
        assert list(dump(engine)) == [*GONGKAI_TABLES, "test_amounts"]
        assert [r["amount"] for r in dump(engine)["test_amounts"]] == [1]
        with unchanged(engine):
            engine.rows(Amount)
        with pytest.raises(AssertionError, match="test_amounts changed"):
            with unchanged(engine):  # only the workflow table changes
                with engine.db.begin() as conn:
                    conn.execute(sa.update(Amount.__table__).values(amount=2))
        assert [r["amount"] for r in dump(engine, ["test_amounts"])["test_amounts"]] == [2]


def test_a_guard_context_records_the_children_and_links_an_action_asks_for() -> None:
    ctx = guard_context(sample.definition(), "approve", MANAGER, calendar=WeekdayCalendar(),
                        state="submitted")
    child = ctx.start("purchase", {"item": "y", "amount": 2}, link=("order", "O-1"))
    ctx.link("order", "O-1")
    ctx.link("order", "O-1")
    port = ctx.port
    assert isinstance(port, MemoryPort)
    assert [(c.id, c.workflow, c.actor) for c in port.started] == [(child, "purchase", MANAGER)]
    assert port.links == [(child, "parent", "guard-test"), ("guard-test", "child", child),
                          (child, "order", "O-1"), ("guard-test", "order", "O-1")]
