"""The annual report and the metrics read from records the workflows wrote.

Dates are worked out by hand on the official 2025 calendar: 20 working days after Monday
2025-03-03 is Monday 2025-03-31 (条例 33: reply within 20 working days of receipt); 20 working
days after Monday 2025-12-01 is Monday 2025-12-29.
"""

from __future__ import annotations

import pytest

import workflows
from engine import Engine, GuardRejected, InvalidData, PermissionDenied
from engine.testing import ManualClock
from tests.workflows import publication as pub
from tests.workflows.dump import ROUTES
from tests.workflows.reports_year import report_engine
from tests.workflows.story import REGISTRAR, Story, at, payload
from workflows.ledger import DocumentRow
from workflows.reports import ReportError, annual_report
from workflows.reports.metrics import year_metrics


def replied(db_url: str, received: str, replied_on: str, extend_on: str | None = None
            ) -> Story:
    story = Story(db_url, received)
    for trigger in ROUTES["decided"]:
        story.fire(trigger, received)
    if extend_on:
        story.fire("extend", extend_on)
    story.fire("reply", replied_on)
    return story


def test_metrics_count_replies_on_time_late_extended_and_overdue(db_url: str) -> None:
    replied(db_url, "2025-03-03", "2025-03-20")                        # on time
    replied(db_url, "2025-03-03", "2025-04-15")                        # after 2025-03-31: late
    replied(db_url, "2025-03-03", "2025-04-15", extend_on="2025-03-25")  # extended (条例 33)
    open_one = Story(db_url, "2025-12-01")
    open_one.fire("accept", "2025-12-01")
    with report_engine(db_url, "2026-01-15") as engine:
        metrics = year_metrics(engine, 2025)
        assert (metrics.replies_on_time, metrics.replies_late) == (2, 1)
        assert metrics.extensions == 1
        assert metrics.overdue == (open_one.now.data["register_number"],)
        assert metrics.as_of.isoformat() == "2025-12-31"
        report = annual_report(engine, 2025)
        assert report.requests.count("new", "total") == 4
        assert report.requests.count("disclosed", "total") == 3
        assert report.requests.count("carried_forward", "total") == 1


def test_metrics_of_an_open_year_are_taken_today(db_url: str) -> None:
    Story(db_url, "2025-12-01").fire("accept", "2025-12-01")
    with report_engine(db_url, "2025-12-20") as engine:
        assert year_metrics(engine, 2025).overdue == ()
        assert not annual_report(engine, 2025).final


def test_fee_line_counts_payments_of_the_year(db_url: str) -> None:
    story = Story(db_url, "2025-12-01")
    for trigger in ("accept", "assign", "notify_fee"):
        story.fire(trigger, "2025-12-01")
    story.fire("receive_payment", "2025-12-05")
    unpaid = Story(db_url, "2025-12-01")
    for trigger in ("accept", "assign", "notify_fee"):
        unpaid.fire(trigger, "2025-12-01")
    with report_engine(db_url, "2026-01-05") as engine:
        fees = annual_report(engine, 2025).fees
        assert (fees.count, fees.amount) == (1, 200)   # 国办函〔2020〕109号: 50 pages → 200 yuan
        assert annual_report(engine, 2026).fees.count == 0


def published(engine: Engine, kind: str = "normative"):  # type: ignore[no-untyped-def]
    inst = pub.to_approved(engine, kind=kind)
    engine.clock.set(pub.on("2025-03-12"))  # type: ignore[attr-defined]
    return engine.fire(inst.id, "publish", pub.OFFICE,
                       {"channels": [{"channel": "website", "published_on": "2025-03-12"}]})


def test_repeal_marks_the_ledger_and_table_2_counts_it(db_url: str) -> None:
    engine = pub.make(db_url)
    inst = published(engine)
    engine.clock.set(pub.on("2025-06-02"))  # type: ignore[attr-defined]
    inst = engine.fire(inst.id, "repeal", pub.OFFICE,
                       {"repealed_on": "2025-06-01", "basis": "某府发〔2025〕9号"})
    assert inst.state == "repealed" and inst.closed
    row = engine.rows(DocumentRow, doc_id=inst.data["doc_id"])[0]
    assert row["status"] == "repealed" and row["repealed_on"].isoformat() == "2025-06-01"
    workflows.register_all(engine)
    counts = annual_report(engine, 2025).documents["normative"]
    assert (counts.issued, counts.repealed, counts.in_force) == (1, 1, 0)


@pytest.mark.parametrize("day, problem, error", [
    ("2025-03-01", "before the document was formed", GuardRejected),
    ("2025-07-01", "after today", InvalidData)])
def test_repeal_is_dated_between_forming_and_today(db_url: str, day: str, problem: str,
                                                   error: type[Exception]) -> None:
    engine = pub.make(db_url)
    inst = published(engine)
    engine.clock.set(pub.on("2025-06-02"))  # type: ignore[attr-defined]
    with pytest.raises(error, match=problem):
        engine.fire(inst.id, "repeal", pub.OFFICE, {"repealed_on": day, "basis": "某决定"})
    assert engine.get(inst.id).state == "published"


def test_only_the_office_or_a_leader_repeals(db_url: str) -> None:
    engine = pub.make(db_url)
    inst = published(engine)
    with pytest.raises(PermissionDenied):
        engine.fire(inst.id, "repeal", pub.DRAFTER,
                    {"repealed_on": "2025-03-12", "basis": "某决定"})


def test_a_report_is_one_agencys(db_url: str) -> None:
    replied(db_url, "2025-03-03", "2025-03-20")
    other = Engine(db_url, clock=ManualClock(at("2025-05-06")), agency="gov.example.other")
    workflows.register_all(other)
    other.start("disclosure_request", REGISTRAR, payload("register", "2025-05-06"))
    other.start("disclosure_request", REGISTRAR, payload("register", "2025-05-06"))
    with report_engine(db_url, "2026-01-05") as engine:
        assert annual_report(engine, 2025).requests.count("new", "total") == 1
        theirs = annual_report(engine, 2025, agency="gov.example.other")
        assert theirs.agency == "gov.example.other"
        assert theirs.requests.count("new", "total") == 2
        assert theirs.requests.count("carried_forward", "natural_person") == 2
        assert year_metrics(engine, 2025, agency="gov.example.other").overdue != ()


@pytest.mark.parametrize("year, problem", [(2007, "from 2008"), (2027, "this year, 2026"),
                                           ("2025", "whole year"), (True, "whole year")])
def test_a_report_year_must_be_one_the_records_can_have(db_url: str, year: object,
                                                        problem: str) -> None:
    with report_engine(db_url, "2026-01-05") as engine:
        with pytest.raises(ReportError, match=problem):
            annual_report(engine, year)  # type: ignore[arg-type]
        with pytest.raises(ReportError, match=problem):
            year_metrics(engine, year)  # type: ignore[arg-type]
