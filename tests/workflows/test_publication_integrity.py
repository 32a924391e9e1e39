"""The publication approval workflow keeps the ledger honest, on the real workflows
(``workflows.register_all``): a conversion is the system's and ends in publication (条例 18, 26),
requests that named a 文号 before signing are counted and may open a re-review at filing
(条例 44), an abandoned draft frees its 文号, and dates are not in the future nor before the
draft. Every refusal is an engine error that changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

import workflows
from engine import SYSTEM, Actor, Engine, GuardRejected, Instance, InvalidData
from engine.testing import ManualClock, unchanged
from tests.workflows.publication import (
    DRAFTER,
    NUMBER,
    OFFICE,
    REASONS,
    SECRECY_REVIEWER,
    draft,
    draft_data,
    fire,
    make,
    on,
    to_approved,
)
from workflows.ledger import DocumentRow, get_document

REGISTRAR = Actor("reg-1", "registrar")
DIVISION = Actor("div-1", "drafting_division")
WITHHELD = {"attribute": "withheld", "attribute_basis": "条例第十六条",
            "attribute_reasons": REASONS}
ORDINARY = {"review_level": "ordinary", "kind": "other"}


def make_all(db_url: str) -> Engine:
    engine = Engine(db_url, clock=ManualClock(on("2025-03-03")))
    workflows.register_all(engine)
    return engine


def issue_withheld(engine: Engine) -> Instance:
    """An ordinary withheld document signed on 2025-03-10 as :data:`NUMBER`, then filed."""
    inst = to_approved(engine, **ORDINARY, **WITHHELD)
    return engine.fire(inst.id, "file", OFFICE, {})


def approve(engine: Engine, number: str, **changes: Any) -> Instance:
    """An ordinary draft signed as ``number`` on 2025-03-10."""
    inst = draft(engine, **ORDINARY, **changes)
    inst = fire(engine, inst, "submit")
    inst = fire(engine, inst, "approve_division")
    return fire(engine, inst, "pass_confidentiality", formed_on="2025-03-10", doc_number=number)


def convert(engine: Engine) -> tuple[Instance, Instance]:
    """File a withheld document, re-review it and convert it; the round and its publication."""
    issue_withheld(engine)
    review = engine.start("attribute_review", OFFICE, {"doc_number": NUMBER, "round": "2025",
                                                       "reason": "circumstances_changed"})
    review = engine.fire(review.id, "propose_conversion", DIVISION, {"reasons": "情况变化可以公开"})
    review = engine.fire(review.id, "approve_proposal", OFFICE, {})
    child = [i for i in engine.find("publication_approval")
             if i.data.get("converted_from") == review.id]
    assert len(child) == 1
    return review, child[0]


def request(engine: Engine, name: str, contact: str, numbers: list[str]) -> None:
    engine.start("disclosure_request", REGISTRAR, {
        "applicant": {"name": name, "type": "natural_person", "contact": contact},
        "channel": "in_person", "received_on": "2025-03-03", "documents": numbers,
        "description": "全文"})


def test_a_real_conversion_keeps_the_row_and_a_made_up_one_is_refused(db_url: str) -> None:
    """条例 18: only the round's own conversion, fired by the system, drafts over the issued row;
    the same conversion named again by the system or by a drafter is refused."""
    engine = make_all(db_url)
    review, child = convert(engine)
    row = get_document(engine, NUMBER)
    assert child.data["doc_id"] == row.doc_id and row.attribute == "active"
    assert len(engine.rows(DocumentRow, doc_number=NUMBER)) == 1
    for actor in (DRAFTER, SYSTEM):
        with unchanged(engine), pytest.raises(GuardRejected):
            engine.start("publication_approval", actor,
                         draft_data(doc_number=NUMBER, converted_from="made-up"))
    with unchanged(engine), pytest.raises(GuardRejected, match="converted_from"):
        engine.start("publication_approval", DRAFTER,
                     draft_data(doc_number=NUMBER, converted_from=review.id))


def test_conversion_publication_is_not_abandoned_renumbered_or_made_non_public(
        db_url: str) -> None:
    """条例 18, 26: the publication a conversion started ends in publication, under the same
    文号, with the original 成文 date kept in the ledger (the signing day is ``signed_on``)."""
    engine = make_all(db_url)
    _, child = convert(engine)
    with unchanged(engine), pytest.raises(GuardRejected, match="abandoned"):
        engine.fire(child.id, "abandon", OFFICE, {"reason": "不想发"})
    with unchanged(engine), pytest.raises(GuardRejected, match="converted"):
        engine.fire(child.id, "submit", DRAFTER, {**WITHHELD})
    child = fire(engine, child, "submit", day="2025-03-11")
    child = fire(engine, child, "approve_division", day="2025-03-11")
    with unchanged(engine), pytest.raises(GuardRejected, match="keeps its 文号"):
        fire(engine, child, "pass_confidentiality", day="2025-03-11", formed_on="2025-03-11",
             doc_number="某府发〔2025〕99号")
    child = fire(engine, child, "pass_confidentiality", day="2025-03-11",
                 formed_on="2025-03-11")
    assert child.state == "approved" and child.data["signed_on"] == "2025-03-11"
    assert child.data["formed_on"] == "2025-03-10"
    assert str(get_document(engine, NUMBER).formed_on) == "2025-03-10"


def test_requests_before_signing_are_counted_and_open_a_review_at_filing(db_url: str) -> None:
    """条例 44: requests naming a 文号 before the document has it are counted when it is signed
    (or drafted with it), and filing a non-public document at the threshold opens a round."""
    engine = make_all(db_url)
    for i, name in enumerate("甲乙丙"):
        request(engine, name, f"1380000000{i}", [NUMBER, "某府发〔2025〕4号"])
    inst = issue_withheld(engine)
    doc = get_document(engine, NUMBER)
    assert (doc.requests, doc.applicants) == (3, 3)
    rounds = [i.data["doc_number"] for i in engine.find("attribute_review")]
    assert rounds == [NUMBER] and inst.state == "filed"
    draft(engine, doc_number="某府发〔2025〕4号", **ORDINARY, **WITHHELD)
    assert get_document(engine, "某府发〔2025〕4号").applicants == 3


def test_abandon_frees_the_number_and_keeps_the_row(db_url: str) -> None:
    """撤销: the row stays (status drafting, no 文号) and the 文号 may be drafted again."""
    engine = make(db_url)
    inst = draft(engine, doc_number=NUMBER)
    inst = engine.fire(inst.id, "abandon", DRAFTER, {"reason": "不再发文"})
    row = engine.rows(DocumentRow, doc_id=inst.id)[0]
    assert (row["status"], row["doc_number"]) == ("drafting", None)
    assert draft(engine, doc_number=NUMBER).data["doc_id"] != inst.id


@pytest.mark.parametrize(("formed", "error"), [("2025-03-11", InvalidData),
                                               ("2025-03-02", GuardRejected)],
                         ids=["future", "before_draft"])
@pytest.mark.parametrize("attribute", [{}, WITHHELD], ids=["active", "withheld"])
def test_formed_on_between_the_draft_and_today(db_url: str, formed: str, error: type[Exception],
                                               attribute: dict[str, Any]) -> None:
    """The 签发/成文 date is not after today (a date that records a past event, refused as
    data) nor before the draft (a guard), whatever the attribute."""
    engine = make(db_url)
    inst = draft(engine, **ORDINARY, **attribute)
    inst = fire(engine, inst, "submit")
    inst = fire(engine, inst, "approve_division")
    with unchanged(engine), pytest.raises(error, match="formed_on"):
        fire(engine, inst, "pass_confidentiality", formed_on=formed, doc_number=NUMBER)


def test_future_determination_and_bad_interpretations_are_refused(db_url: str) -> None:
    """条例 17 determinations are received by today; interpretations (source document 二(二))
    are of active documents, dated between forming and today."""
    engine = make(db_url)
    inst = draft(engine, **ORDINARY)
    inst = fire(engine, inst, "submit")
    inst = fire(engine, inst, "approve_division")
    inst = engine.fire(inst.id, "refer_for_determination", SECRECY_REVIEWER, {})
    with unchanged(engine), pytest.raises(InvalidData, match="received_on.*after today"):
        engine.fire(inst.id, "receive_determination", SECRECY_REVIEWER, {
            "determination": "may_publish", "authority": "保密局", "received_on": "2025-03-11"})
    active = approve(engine, "某府发〔2025〕5号")
    entry = {"forms": ["text"], "channels": ["website"]}
    for day, error in (("2025-03-09", GuardRejected), ("2025-03-11", InvalidData)):
        with unchanged(engine), pytest.raises(error, match="published_on"):
            engine.fire(active.id, "add_interpretation", DRAFTER, {**entry, "published_on": day})
    withheld = approve(engine, "某府发〔2025〕6号", **WITHHELD)
    with unchanged(engine), pytest.raises(GuardRejected, match="not published"):
        engine.fire(withheld.id, "add_interpretation", DRAFTER,
                    {**entry, "published_on": "2025-03-10"})
