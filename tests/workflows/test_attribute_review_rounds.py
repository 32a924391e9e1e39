"""How re-review rounds open: the yearly December round (exactly once, even with two workers)
and the request threshold (条例 44: once per window), on both back ends.

The threshold is fed by a stand-in for the disclosure request's counting: a ``request`` workflow
whose start records the request on the ledger and calls ``maybe_open_threshold_round`` in the
same transition, as the disclosure request will.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

import pytest

from calendars import ChinaCalendar
from engine import (
    Actor,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.runtime import due
from engine.testing import ManualClock, unchanged
from tests.workflows.test_attribute_review import (
    DIVISION,
    OFFICE,
    RETAIN,
    ledger,
    make_engine,
    open_review,
    seed,
)
from workflows.attribute_review import (
    ROUND_NAME,
    YEARLY_SCHEDULE,
    Threshold,
    maybe_open_threshold_round,
    schedule_yearly_round,
)
from workflows.common.fields import Text, TriggerData
from workflows.ledger import DocumentRequestRow

REGISTRAR = Actor("registrar-1", {"registrar"})
NOVEMBER_2024 = datetime(2024, 11, 29, 10)  # a Friday, Beijing
DOC = "某办发〔2024〕7号"


def yearly_engine(url: str, clock: ManualClock) -> Engine:
    return make_engine(url, clock, ChinaCalendar(provisional=True))


def reviews_of(engine: Engine) -> list[tuple[str, str]]:
    return sorted((i.data["doc_number"], i.data["reason"])
                  for i in engine.find("attribute_review"))


def seed_ledger(engine: Engine) -> str:
    """Two non-public documents due for review, one active, one classified, one already under
    review (its round opened by the office in November); that review's id."""
    seed(engine, "某办发〔2024〕1号")
    seed(engine, "某办发〔2024〕2号", attribute="on_request")
    seed(engine, "某办发〔2024〕3号", attribute="active", attribute_basis=None,
         attribute_reasons=None)
    seed(engine, "某办发〔2024〕4号", classified=True)
    seed(engine, "某办发〔2024〕5号")
    return open_review(engine, "某办发〔2024〕5号")


def test_the_december_round_opens_on_the_first_working_day_exactly_once(db_url: str) -> None:
    clock = ManualClock(NOVEMBER_2024)
    engines = [yearly_engine(db_url, clock) for _ in range(2)]
    earlier = seed_ledger(engines[0])
    made = schedule_yearly_round(engines[0])
    assert (made.name, made.workflow, made.occurrence) == (YEARLY_SCHEDULE, ROUND_NAME,
                                                           date(2024, 12, 2))
    assert engines[0].advance(datetime(2024, 12, 2, 8, 59)) == 0
    clock.set(datetime(2024, 12, 2, 9))
    go = threading.Barrier(2)
    results: list[int] = []

    def work(engine: Engine) -> None:
        go.wait(30)
        results.append(due.run_due_timers(engine.core))

    threads = [threading.Thread(target=work, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [0, 1]
    [opener] = engines[0].find(ROUND_NAME)
    assert opener.business_key == f"{YEARLY_SCHEDULE}:2024-12-02"
    assert opener.data["opened"] == ["某办发〔2024〕1号", "某办发〔2024〕2号"]
    assert reviews_of(engines[0]) == [
        ("某办发〔2024〕1号", "yearly"), ("某办发〔2024〕2号", "yearly"),
        ("某办发〔2024〕5号", "circumstances_changed")]
    for review in engines[0].find("attribute_review"):
        if review.id != earlier:
            assert review.data["round"] == "2024"
            assert review.deadlines["review"].due_date == date(2024, 12, 31)
            assert {(link.kind, link.key) for link in engines[0].links(review.id)} == {
                ("parent", opener.id), ("document", review.data["doc_number"])}
    # Nothing more that day; the opener closes itself once 31 December is past.
    assert engines[1].run_due_timers() == 0
    engines[0].advance(datetime(2025, 1, 2, 12))
    assert engines[0].get(opener.id).state == "closed"
    assert len(list(engines[0].find(ROUND_NAME))) == 1


def test_the_next_december_reopens_what_was_retained(db_url: str) -> None:
    clock = ManualClock(NOVEMBER_2024)
    engine = yearly_engine(db_url, clock)
    seed(engine, "某办发〔2024〕1号")
    schedule_yearly_round(engine)
    engine.advance(datetime(2024, 12, 2, 10))
    [review] = engine.find("attribute_review")
    engine.fire(review.id, "propose_retain", DIVISION, RETAIN)
    engine.fire(review.id, "approve_proposal", OFFICE, {})
    engine.advance(datetime(2025, 12, 1, 10))
    assert [i.data["round"] for i in engine.find("attribute_review", closed=False)] == ["2025"]
    assert [e["round"] for e in ledger(engine, "某办发〔2024〕1号")["reviews"]] == ["2024", "2025"]


def test_the_schedule_is_configurable(db_url: str) -> None:
    engine = yearly_engine(db_url, ManualClock(NOVEMBER_2024))
    assert schedule_yearly_round(engine, month=11, n=-1).occurrence == date(2025, 11, 28)
    # (09:00 on 2024-11-29 has passed: the last working day of November is next year's.)
    assert schedule_yearly_round(engine, month=12, n=2).occurrence == date(2024, 12, 3)


# -- the request threshold ---------------------------------------------------------------------

BOOM = "故障"


class Boom(Exception):
    """The request's transition failing after the round opened."""


class Ask(TriggerData):
    doc_number: Text
    applicant: Text


def request_registry(threshold: Threshold) -> Registry:
    reg = Registry(prefix="request")

    @reg.action("count")
    def count(ctx: TransitionContext) -> dict[str, Any]:
        ctx.tables.insert(DocumentRequestRow, doc_number=ctx.data["doc_number"],
                          request_id=ctx.instance_id, applicant_key=ctx.data["applicant"],
                          requested_on=ctx.today)
        opened = maybe_open_threshold_round(ctx, ctx.data["doc_number"], threshold)
        if ctx.data["applicant"] == BOOM:
            raise Boom(opened)
        return {"round": opened}

    reg.model("ask", Ask)
    return reg


REQUEST = WorkflowDefinition(
    name="request", version=1, title=Title("申请（替身）", "Request (stand-in)"),
    states=(State("asked", Title("已申请"), "initial"), State("done", Title("完成"), "terminal")),
    transitions=(Transition("ask", (), "asked", roles=("registrar",), data="request.ask",
                            actions=("request.count",)),
                 Transition("done", ("asked",), "done", roles=("registrar",))),
    roles=("registrar",), start_trigger="ask")


def threshold_engine(url: str, clock: ManualClock,
                     threshold: Threshold | None = None) -> Engine:
    engine = make_engine(url, clock)
    engine.registry.update(request_registry(threshold or Threshold()))
    engine.register(REQUEST)
    seed(engine, DOC)
    return engine


def ask(engine: Engine, clock: ManualClock, on: date, applicant: str) -> str | None:
    clock.set(datetime(on.year, on.month, on.day, 10))
    round_: str | None = engine.start("request", REGISTRAR,
                                      {"doc_number": DOC, "applicant": applicant}).data["round"]
    return round_


def test_three_applicants_open_one_round_per_window(db_url: str) -> None:
    clock = ManualClock(datetime(2025, 3, 3, 10))
    engine = threshold_engine(db_url, clock)
    assert ask(engine, clock, date(2025, 3, 3), "甲") is None
    assert ask(engine, clock, date(2025, 3, 4), "甲") is None
    assert ask(engine, clock, date(2025, 3, 5), "乙") is None
    first = ask(engine, clock, date(2025, 3, 6), "丙")
    assert first is not None
    review = engine.get(first)
    assert (review.data["reason"], review.data["round"], review.data["doc_number"]) == (
        "threshold", "2025", DOC)
    assert {(link.kind, link.key) for link in engine.links(first)} >= {("document", DOC)}
    # Under review: more requests open nothing; nor after it ends, within the window.
    assert ask(engine, clock, date(2025, 3, 7), "丁") is None
    engine.fire(first, "propose_retain", DIVISION, RETAIN)
    engine.fire(first, "approve_proposal", OFFICE, {})
    assert ask(engine, clock, date(2025, 6, 2), "戊") is None
    assert ask(engine, clock, date(2026, 3, 5), "己") is None  # window (2025-03-05, 2026-03-05]
    # A new window: requests within 365 days of 2026-03-09 reach the threshold again.
    second = ask(engine, clock, date(2026, 3, 9), "庚")
    assert second is not None and second != first
    assert [(e["reason"], e["opened_on"]) for e in ledger(engine, DOC)["reviews"]] == [
        ("threshold", "2025-03-06"), ("threshold", "2026-03-09")]


def test_five_requests_by_one_applicant_open_a_round(db_url: str) -> None:
    clock = ManualClock(datetime(2025, 3, 3, 10))
    engine = threshold_engine(db_url, clock)
    days = [date(2025, 3, d) for d in (3, 4, 5, 6)]
    assert [ask(engine, clock, day, "甲") for day in days] == [None] * 4
    assert ask(engine, clock, date(2025, 3, 7), "甲") is not None


def test_requests_outside_the_window_do_not_count(db_url: str) -> None:
    clock = ManualClock(datetime(2024, 3, 4, 10))
    engine = threshold_engine(db_url, clock, Threshold(applicants=2, requests=9, window_days=30))
    assert ask(engine, clock, date(2024, 3, 4), "甲") is None
    assert ask(engine, clock, date(2024, 4, 8), "乙") is None
    assert ask(engine, clock, date(2024, 4, 9), "丙") is not None


def test_no_threshold_round_for_an_active_or_classified_document(db_url: str) -> None:
    clock = ManualClock(datetime(2025, 3, 3, 10))
    engine = make_engine(db_url, clock)
    engine.registry.update(request_registry(Threshold(applicants=1)))
    engine.register(REQUEST)
    seed(engine, DOC, attribute="active", attribute_basis=None, attribute_reasons=None)
    assert ask(engine, clock, date(2025, 3, 3), "甲") is None
    assert list(engine.find("attribute_review")) == []


def test_a_failed_request_leaves_no_round(db_url: str) -> None:
    """The round commits with the request that crossed the threshold, or not at all."""
    clock = ManualClock(datetime(2025, 3, 3, 10))
    engine = threshold_engine(db_url, clock, Threshold(applicants=1))
    with unchanged(engine), pytest.raises(Boom) as raised:
        engine.start("request", REGISTRAR, {"doc_number": DOC, "applicant": BOOM})
    assert raised.value.args[0] is not None  # it had opened one
    assert list(engine.find("attribute_review")) == []
    assert ask(engine, clock, date(2025, 3, 3), "甲") is not None
