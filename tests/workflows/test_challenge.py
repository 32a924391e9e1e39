"""The challenge workflow (行政复议和行政诉讼, 条例 51; annual report table 四), on the real
workflows (``workflows.register_all``) and both back ends: a case is filed against one of the
agency's disclosure requests and linked to it, and decided with a result; every refusal is an
engine error that changes nothing, in any agency's rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

import workflows
from engine import (
    Actor,
    Engine,
    GuardRejected,
    Instance,
    InvalidData,
    InvalidTransition,
    PermissionDenied,
)
from engine.definition.diagram import mermaid
from engine.testing import ManualClock, unchanged
from engine.testing.story import at
from tests.workflows.story import REGISTRAR, payload
from workflows import challenge

LEGAL = Actor("legal-1", "legal_officer")
RECEIVED = "2025-11-03"
TODAY = "2025-12-15"
LINK = challenge.REQUEST_LINK


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(RECEIVED))


def make(db_url: str, clock: ManualClock, agency: str = "default") -> Engine:
    engine = Engine(db_url, clock=clock, agency=agency)
    workflows.register_all(engine)
    return engine


@pytest.fixture
def engine(db_url: str, clock: ManualClock) -> Iterator[Engine]:
    with make(db_url, clock) as made:
        yield made


def request(engine: Engine, received_on: str = RECEIVED) -> Instance:
    """A disclosure request registered as received on ``received_on``."""
    return engine.start("disclosure_request", REGISTRAR, payload("register", received_on))


def filing(rid: str, /, **changes: Any) -> dict[str, Any]:
    return {"request_id": rid, "kind": "reconsideration", "filed_on": "2025-11-20",
            **changes}


def file(engine: Engine, rid: str, /, actor: Actor = LEGAL, **changes: Any) -> Instance:
    """File a case on request ``rid`` (``changes`` override the filing data) on :data:`TODAY`
    (the clock moves there)."""
    assert isinstance(engine.clock, ManualClock)
    engine.clock.set(max(engine.clock.now(), at(TODAY)))
    return engine.start("challenge", actor, filing(rid, **changes))


def test_filing_links_the_case_to_its_request_and_keeps_the_report_fields_on_top(
        engine: Engine) -> None:
    req = request(engine)
    case = file(engine, req.id, case_number="某复决字〔2025〕12号")
    assert case.state == "pending" and not case.closed
    assert (case.data["request_id"], case.data["kind"], case.data["filed_on"]) == (
        req.id, "reconsideration", "2025-11-20")
    assert case.data["case_number"] == "某复决字〔2025〕12号"
    assert case.data["co_defendant"] is False
    assert [(link.kind, link.key) for link in engine.links(case.id)] == [(LINK, req.id)]


def test_find_linked_lists_a_requests_challenges_only(engine: Engine) -> None:
    first, second = request(engine), request(engine)
    cases = {file(engine, first.id).id, file(engine, first.id, kind="litigation").id}
    other = file(engine, second.id).id
    assert {i.id for i in engine.find(linked=(LINK, first.id))} == cases
    assert [i.id for i in engine.find(linked=(LINK, second.id))] == [other]
    assert {i.workflow for i in engine.find(linked=(LINK, first.id))} == {"challenge"}


def test_deciding_records_result_and_day_on_top_and_closes_the_case(engine: Engine) -> None:
    case = file(engine, request(engine).id)
    decided = engine.fire(case.id, "decide_challenge", LEGAL,
                          {"result": "corrected", "decided_on": "2025-12-10"})
    assert decided.state == "decided" and decided.closed
    assert (decided.data["result"], decided.data["decided_on"]) == ("corrected", "2025-12-10")
    assert decided.data["kind"] == "reconsideration" and decided.data["filed_on"] == "2025-11-20"
    with unchanged(engine), pytest.raises(InvalidTransition):
        engine.fire(case.id, "decide_challenge", LEGAL,
                    {"result": "upheld", "decided_on": "2025-12-11"})


@pytest.mark.parametrize("unknown", ["no-such-request", "x" * 300])
def test_an_unknown_request_is_refused_and_nothing_is_written(engine: Engine,
                                                              unknown: str) -> None:
    request(engine)
    with unchanged(engine), pytest.raises(GuardRejected) as refused:
        file(engine, unknown)
    assert "this agency has no disclosure request" in str(refused.value)


def test_a_request_id_with_a_nul_is_refused_as_data(engine: Engine) -> None:
    request(engine)
    with unchanged(engine), pytest.raises(InvalidData, match="request_id: may not contain"):
        file(engine, "nul\x00id")


def test_another_agencys_request_is_not_found_and_nothing_is_written(
        db_url: str, clock: ManualClock, engine: Engine) -> None:
    with make(db_url, clock, agency="other-agency") as other:
        theirs = request(other)
        with unchanged(engine), pytest.raises(GuardRejected) as refused:
            file(engine, theirs.id)
        assert f"no disclosure request {theirs.id!r}" in str(refused.value)
        assert file(other, theirs.id).data["request_id"] == theirs.id


def test_an_instance_that_is_not_a_request_is_refused(engine: Engine) -> None:
    case = file(engine, request(engine).id)
    with unchanged(engine), pytest.raises(GuardRejected) as refused:
        file(engine, case.id)
    assert "is a challenge, not a disclosure request" in str(refused.value)


@pytest.mark.parametrize("bad", [
    {"kind": "complaint"}, {"kind": None}, {"filed_on": 20251120}, {"filed_on": "2025-11-31"},
    {"request_id": " "}, {"co_defendant": "yes"}, {"unknown_field": 1},
    {"reconsideration_id": "x"}, {"kind": "litigation", "co_defendant": True},
])
def test_bad_filing_data_is_refused_and_nothing_is_written(engine: Engine,
                                                           bad: dict[str, Any]) -> None:
    req = request(engine)
    with unchanged(engine), pytest.raises(InvalidData):
        file(engine, req.id, **bad)


@pytest.mark.parametrize("bad", [
    {"result": "dismissed", "decided_on": "2025-12-10"}, {"result": "upheld"},
    {"decided_on": "2025-12-10"}, {"result": "upheld", "decided_on": "10/12/2025"},
])
def test_bad_decision_data_is_refused_and_nothing_is_written(engine: Engine,
                                                             bad: dict[str, Any]) -> None:
    case = file(engine, request(engine).id)
    with unchanged(engine), pytest.raises(InvalidData):
        engine.fire(case.id, "decide_challenge", LEGAL, bad)


def test_a_case_is_filed_not_before_the_request_was_received_nor_in_the_future(
        engine: Engine) -> None:
    """条例 31: the request exists from its receipt day; nothing was there to challenge before."""
    req = request(engine)
    with unchanged(engine), pytest.raises(GuardRejected) as early:
        file(engine, req.id, filed_on="2025-11-02")
    assert "before the request was received, 2025-11-03" in str(early.value)
    with unchanged(engine), pytest.raises(InvalidData) as future:
        file(engine, req.id, filed_on="2025-12-16")
    assert "after today" in str(future.value)
    assert file(engine, req.id, filed_on=RECEIVED).data["filed_on"] == RECEIVED


def test_a_case_is_not_decided_before_it_was_filed_nor_in_the_future(engine: Engine) -> None:
    case = file(engine, request(engine).id, filed_on="2025-11-20")
    for day, reason, error in (
            ("2025-11-19", "before the case was filed, 2025-11-20", GuardRejected),
            ("2025-12-16", "after today", InvalidData)):
        with unchanged(engine), pytest.raises(error) as refused:
            engine.fire(case.id, "decide_challenge", LEGAL,
                        {"result": "upheld", "decided_on": day})
        assert reason in str(refused.value)
    same_day = engine.fire(case.id, "decide_challenge", LEGAL,
                           {"result": "upheld", "decided_on": "2025-11-20"})
    assert same_day.data["decided_on"] == "2025-11-20"


def test_only_the_legal_officer_files_and_decides(engine: Engine) -> None:
    req = request(engine)
    with unchanged(engine), pytest.raises(PermissionDenied):
        file(engine, req.id, actor=REGISTRAR)
    case = file(engine, req.id)
    with unchanged(engine), pytest.raises(PermissionDenied):
        engine.fire(case.id, "decide_challenge", Actor("h-1", "handler"),
                    {"result": "upheld", "decided_on": "2025-12-10"})


def test_litigation_after_reconsideration_names_the_same_requests_reconsideration(
        engine: Engine) -> None:
    """行政诉讼法 第二十六条第二款: where the reconsideration upheld the act, the body is
    co-defendant — still one case, under the original actor (table 四's note)."""
    req, other = request(engine), request(engine)
    reconsideration = file(engine, req.id)
    suit = file(engine, req.id, kind="litigation_after_reconsideration", filed_on="2025-11-25",
                reconsideration_id=reconsideration.id, co_defendant=True)
    assert (suit.data["reconsideration_id"], suit.data["co_defendant"]) == (
        reconsideration.id, True)
    assert len(list(engine.find(workflow="challenge", linked=(LINK, req.id)))) == 2
    for named, reason in ((file(engine, other.id).id, "is about request"),
                          (file(engine, req.id, kind="litigation").id, "not a reconsideration"),
                          (req.id, "this agency has no challenge"),
                          ("no-such-case", "this agency has no challenge")):
        with unchanged(engine), pytest.raises(GuardRejected) as refused:
            file(engine, req.id, kind="litigation_after_reconsideration",
                 reconsideration_id=named)
        assert reason in str(refused.value)


def test_a_suit_after_reconsideration_is_filed_after_it(engine: Engine) -> None:
    """行政诉讼法 第四十五条: the suit follows the reconsideration decision, or the body's failure
    to decide; it is not filed before the reconsideration was filed, nor before its decision."""
    req = request(engine)
    pending = file(engine, req.id, filed_on="2025-11-20")
    after: dict[str, Any] = {"kind": "litigation_after_reconsideration",
                             "reconsideration_id": pending.id}
    with unchanged(engine), pytest.raises(GuardRejected) as early:
        file(engine, req.id, filed_on="2025-11-19", **after)
    assert "before the reconsideration was filed, 2025-11-20" in str(early.value)
    engine.fire(pending.id, "decide_challenge", LEGAL,
                {"result": "upheld", "decided_on": "2025-12-01"})
    with unchanged(engine), pytest.raises(GuardRejected) as undecided:
        file(engine, req.id, filed_on="2025-11-30", **after)
    assert "before the reconsideration was decided, 2025-12-01" in str(undecided.value)
    assert file(engine, req.id, filed_on="2025-12-02", **after).state == "pending"


def test_the_workflow_is_registered_and_drawn(engine: Engine) -> None:
    definition = engine.definition("challenge")
    assert definition.name in {d.name for d in workflows.definitions()}
    assert str(definition.title) and definition.start_trigger == "file_challenge"
    drawn = mermaid(definition)
    assert drawn == engine.diagram("challenge")
    for state in definition.states:
        assert f"as {state.name}" in drawn
    assert "[*] --> pending : file_challenge [legal_officer]" in drawn
    assert "pending --> decided : decide_challenge [legal_officer]" in drawn
    assert "decided --> [*]" in drawn


def test_report_fields_read_back_as_dates(engine: Engine) -> None:
    """Table 四 reads kind, result and the days straight from the instance data."""
    case = file(engine, request(engine).id)
    engine.fire(case.id, "decide_challenge", LEGAL,
                {"result": "other", "decided_on": date(2025, 12, 12)})
    data = engine.get(case.id).data
    assert date.fromisoformat(data["decided_on"]) == date(2025, 12, 12)
    assert (data["kind"], data["result"]) == ("reconsideration", "other")
