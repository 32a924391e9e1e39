"""engine.testing, promoted from the suite's own helpers: table dumps that catch any change, a
dated story driver that can reload the engine between steps, and guard contexts without a
database."""

from __future__ import annotations

import pytest

from engine import Actor, Engine
from engine.testing import ManualClock, Story, dump, guard_context, unchanged
from engine.testing.guards import MemoryPort
from engine.testing.story import at
from tests.engine import sample
from tests.engine.helpers import CLERK, MANAGER, WeekdayCalendar, make_engine
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
    class Ledger:
        """Stands for a workflow table class; only its identity matters here."""

    ctx = guard_context(sample.definition(), "approve", MANAGER, calendar=WeekdayCalendar(),
                        state="submitted", rows={Ledger: [{"doc": "A", "open": True}]},
                        agency="a")
    assert ctx.tables.get(Ledger, doc="A") == {"doc": "A", "open": True, "agency": "a"}
    assert ctx.tables.update(Ledger, {"doc": "A"}, open=False) == 1
    ctx.tables.insert(Ledger, doc="B", open=True)
    assert [r["doc"] for r in ctx.tables.select(Ledger, open=True)] == ["B"]
    assert ctx.tables.get(Ledger, doc="C") is None


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
