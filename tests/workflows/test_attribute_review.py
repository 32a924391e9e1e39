"""The attribute re-review (公开属性复核): every path and guard, on both back ends.

The ledger is seeded through a tiny test workflow (``seed``: one start transition that inserts a
ledger row through ``ctx.tables``), as the ledger is written only by transitions. The document's
publication (``publication_approval``, built in parallel) is stood in for by a small definition of
the same name: start trigger ``draft`` [drafter, system] taking the ledger fields, ``doc_number``
and ``converted_from``, with a 20-working-day ``publication`` clock; its guard refuses while
``REFUSE`` is set, to show a conversion rolls back with its child.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ConfigDict

from engine import (
    SYSTEM,
    Actor,
    Clock,
    ClockEffect,
    Engine,
    GuardRejected,
    InvalidData,
    InvalidTransition,
    PermissionDenied,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.testing import ManualClock, unchanged
from engine.testing import dump as dump_tables
from tests.engine.helpers import WeekdayCalendar
from workflows import attribute_review
from workflows.attribute_review import PUBLICATION_WORKFLOW, basis_article
from workflows.common.fields import OptionalText, Text, TriggerData
from workflows.ledger import DocumentRequestRow, DocumentRow

DIVISION = Actor("division-1", {"drafting_division"})
OFFICE = Actor("office-1", {"office"})
OFFICER = Actor("officer-1", {"classification_officer"})
SEEDER = Actor("seeder-1", {"seeder"})
# Monday 2025-03-03, 10:00 Beijing.
NOW = datetime(2025, 3, 3, 10)
REFUSE: list[bool] = []


# -- the seeding workflow and the publication stand-in -----------------------------------------

class Seed(TriggerData):
    model_config = ConfigDict(extra="forbid", frozen=True)
    doc_number: Text
    title: Text = "某文件"
    drafting_division: Text = "政策法规处"
    kind: Text = "work_information"
    review_level: Text = "ordinary"
    attribute: Text = "withheld"
    attribute_basis: OptionalText = "条例第十六条"
    attribute_reasons: OptionalText = "内部事务信息，不予公开"
    status: Text = "issued"
    classified: bool = False
    requests: list[dict[str, Any]] = []


class Draft(TriggerData):
    title: Text
    drafting_division: Text
    kind: Text
    review_level: Text
    attribute: Text
    attribute_basis: OptionalText = None
    attribute_reasons: OptionalText = None
    doc_number: OptionalText = None
    converted_from: OptionalText = None


def seed_registry() -> Registry:
    reg = Registry(prefix="seed")

    @reg.action("insert")
    def insert(ctx: TransitionContext) -> None:
        data = dict(ctx.data)
        requests = data.pop("requests")
        ctx.tables.insert(DocumentRow, doc_id=ctx.instance_id, formed_on=date(2024, 1, 5),
                          publications=[], interpretations=[], reviews=[], **data)
        for n, request in enumerate(requests):
            ctx.tables.insert(DocumentRequestRow, doc_number=data["doc_number"],
                              request_id=f"{ctx.instance_id[:30]}-{n}",
                              applicant_key=request["applicant"],
                              requested_on=date.fromisoformat(request["on"]))

    reg.model("seed", Seed)
    return reg


SEED = WorkflowDefinition(
    name="seed", version=1, title=Title("台账录入（测试）", "Seed (test)"),
    states=(State("entered", Title("已录入"), "initial"), State("done", Title("完成"), "terminal")),
    transitions=(Transition("seed", (), "entered", roles=("seeder",), data="seed.seed",
                            actions=("seed.insert",)),
                 Transition("done", ("entered",), "done", roles=("seeder",))),
    roles=("seeder",), start_trigger="seed")


def publication_registry() -> Registry:
    reg = Registry(prefix=PUBLICATION_WORKFLOW)

    @reg.guard("not_refused")
    def not_refused(ctx: TransitionContext) -> str | None:
        return "refused (test)" if REFUSE else None

    reg.model("draft", Draft)
    return reg


PUBLICATION = WorkflowDefinition(
    name=PUBLICATION_WORKFLOW, version=1, title=Title("先审后发（替身）", "Publication (stand-in)"),
    states=(State("drafting", Title("起草"), "initial"),
            State("abandoned", Title("已撤销"), "terminal")),
    transitions=(
        Transition("draft", (), "drafting", roles=("drafter", "system"),
                   data=f"{PUBLICATION_WORKFLOW}.draft",
                   guards=(f"{PUBLICATION_WORKFLOW}.not_refused",),
                   effects=(ClockEffect("publication", "start"),)),
        Transition("abandon", ("drafting",), "abandoned", roles=("drafter",))),
    clocks=(Clock("publication", 20, title=Title("发布期限")),),
    roles=("drafter",), start_trigger="draft")


def make_engine(url: str, clock: ManualClock | None = None, calendar: Any = None,
                agency: str = "default") -> Engine:
    """An engine with the re-review, the seeding workflow and the publication stand-in."""
    reg = Registry()
    reg.update(seed_registry())
    reg.update(publication_registry())
    engine = Engine(url, clock=clock or ManualClock(NOW), calendar=calendar or WeekdayCalendar(),
                    registry=reg, agency=agency)
    attribute_review.register(engine)
    engine.register(SEED)
    engine.register(PUBLICATION)
    return engine


def seed(engine: Engine, doc_number: str, **fields: Any) -> None:
    engine.start("seed", SEEDER, {"doc_number": doc_number, **fields})


def ledger(engine: Engine, doc_number: str) -> dict[str, Any]:
    [row] = [r for r in dump_tables(engine, ["ledger_documents"])["ledger_documents"]
             if r["doc_number"] == doc_number]
    return row


def open_review(engine: Engine, doc_number: str = "某办发〔2024〕1号",
                reason: str = "circumstances_changed", actor: Actor = OFFICE,
                **extra: Any) -> str:
    data = {"doc_number": doc_number, "round": "2025", "reason": reason, **extra}
    return engine.start("attribute_review", actor, data).id


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = make_engine(db_url)
    seed(engine, "某办发〔2024〕1号")
    return engine


RETAIN = {"attribute_basis": "条例第十五条",
          "attribute_reasons": "涉及第三方商业秘密，公开会造成损害"}


# -- paths ---------------------------------------------------------------------------------------

def test_retained_writes_basis_reasons_and_review(engine: Engine) -> None:
    review = open_review(engine)
    assert engine.get(review).state == "self_review"
    assert ledger(engine, "某办发〔2024〕1号")["reviews"][0]["result"] is None
    engine.fire(review, "propose_retain", DIVISION, RETAIN)
    assert engine.get(review).state == "office_audit"
    engine.fire(review, "approve_proposal", OFFICE, {})
    instance = engine.get(review)
    assert instance.state == "retained" and instance.closed
    row = ledger(engine, "某办发〔2024〕1号")
    assert (row["attribute"], row["attribute_basis"], row["attribute_reasons"]) == (
        "withheld", "条例第十五条", RETAIN["attribute_reasons"])
    [entry] = row["reviews"]
    assert (entry["round"], entry["reason"], entry["result"], entry["opened_on"],
            entry["decided_on"], entry["instance"]) == (
        "2025", "circumstances_changed", "retained", "2025-03-03", "2025-03-03", review)
    assert [(link.kind, link.key) for link in engine.links(review)] == [
        ("document", "某办发〔2024〕1号")]


def test_converted_starts_one_publication_in_the_same_transaction(engine: Engine) -> None:
    review = open_review(engine)
    engine.fire(review, "propose_conversion", DIVISION, {"reasons": "情况变化，可以公开"})
    engine.fire(review, "approve_proposal", OFFICE, {"notes": "同意"})
    assert engine.get(review).state == "converted"
    row = ledger(engine, "某办发〔2024〕1号")
    assert (row["attribute"], row["attribute_basis"], row["attribute_reasons"]) == (
        "active", None, None)
    assert row["reviews"][0]["result"] == "converted"
    assert row["reviews"][0]["reasons"] == "情况变化，可以公开"
    [child] = engine.find(PUBLICATION_WORKFLOW)
    assert dict(child.data) == {
        "title": "某文件", "drafting_division": "政策法规处", "kind": "work_information",
        "review_level": "ordinary", "attribute": "active", "doc_number": "某办发〔2024〕1号",
        "converted_from": review}
    assert engine.get(review).data["publication"] == child.id
    assert {(link.kind, link.key) for link in engine.links(child.id)} == {
        ("parent", review), ("document", "某办发〔2024〕1号")}
    assert engine.get(child.id).deadlines["publication"].due_date == date(2025, 3, 31)
    assert engine.history(child.id)[0].actor_id == SYSTEM.id


def test_conversion_rolls_back_with_its_child(engine: Engine) -> None:
    review = open_review(engine)
    engine.fire(review, "propose_conversion", DIVISION, {"reasons": "情况变化，可以公开"})
    REFUSE.append(True)
    try:
        with unchanged(engine), pytest.raises(GuardRejected):
            engine.fire(review, "approve_proposal", OFFICE, {})
    finally:
        REFUSE.clear()
    assert list(engine.find(PUBLICATION_WORKFLOW)) == []
    engine.fire(review, "approve_proposal", OFFICE, {})
    assert len(list(engine.find(PUBLICATION_WORKFLOW))) == 1


def test_classified_by_the_classification_officer(engine: Engine) -> None:
    review = open_review(engine)
    engine.fire(review, "propose_classification", DIVISION,
                {"level": "secret", "period": "10年", "scope": "本机关办公室"})
    with unchanged(engine), pytest.raises(GuardRejected, match="not 'retain'"):
        engine.fire(review, "approve_proposal", OFFICE, {})
    with unchanged(engine), pytest.raises(PermissionDenied):
        engine.fire(review, "approve_classification", OFFICE, {})
    engine.fire(review, "approve_classification", OFFICER, {})
    assert engine.get(review).state == "classified"
    row = ledger(engine, "某办发〔2024〕1号")
    assert row["classified"] is True and row["attribute"] == "withheld"
    assert (row["reviews"][0]["result"], row["reviews"][0]["level"]) == ("classified", "secret")
    # A classified document is not re-reviewed again.
    with unchanged(engine), pytest.raises(GuardRejected, match="classified"):
        open_review(engine)


def test_audit_return_sends_the_proposal_back(engine: Engine) -> None:
    review = open_review(engine)
    engine.fire(review, "propose_conversion", DIVISION, {"reasons": "情况变化，可以公开"})
    engine.fire(review, "audit_return", OFFICE, {"comments": "理由不充分"})
    instance = engine.get(review)
    assert instance.state == "self_review" and instance.data["proposal"] is None
    with unchanged(engine), pytest.raises(InvalidTransition):
        engine.fire(review, "approve_proposal", OFFICE, {})
    engine.fire(review, "propose_retain", DIVISION, RETAIN)
    engine.fire(review, "approve_proposal", OFFICE, {})
    assert engine.get(review).state == "retained"


def test_review_clock_due_31_december_with_reminders_and_overdue(engine: Engine) -> None:
    review = open_review(engine)
    clock = engine.get(review).deadlines["review"]
    assert clock.due_date == date(2025, 12, 31)
    assert engine.advance(datetime(2026, 1, 2)) >= 3  # reminders and the overdue mark
    assert engine.get(review).deadlines["review"].overdue
    triggers = [e.trigger for e in engine.history(review)]
    assert triggers.count("reminder") == 3 and "overdue" in triggers


def test_review_due_on_a_given_date(engine: Engine) -> None:
    review = open_review(engine, due_on="2025-06-30")
    assert engine.get(review).deadlines["review"].due_date == date(2025, 6, 30)


def test_a_round_after_the_last_one_ended(engine: Engine) -> None:
    first = open_review(engine)
    engine.fire(first, "propose_retain", DIVISION, RETAIN)
    engine.fire(first, "approve_proposal", OFFICE, {})
    second = open_review(engine)
    assert [e["instance"] for e in ledger(engine, "某办发〔2024〕1号")["reviews"]] == [
        first, second]


# -- guards --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "match"), [
    ({"status": "drafting"}, "only an issued document"),
    ({"attribute": "active", "attribute_basis": None, "attribute_reasons": None},
     "only non-public documents"),
    ({"classified": True}, "classified"),
])
def test_open_review_needs_a_reviewable_document(db_url: str, fields: dict[str, Any],
                                                 match: str) -> None:
    engine = make_engine(db_url)
    seed(engine, "某办发〔2024〕9号", **fields)
    with unchanged(engine), pytest.raises(GuardRejected, match=match):
        open_review(engine, "某办发〔2024〕9号")


def test_open_review_refusals(engine: Engine) -> None:
    with unchanged(engine), pytest.raises(GuardRejected, match="not in the ledger"):
        open_review(engine, "某办发〔2024〕404号")
    with unchanged(engine), pytest.raises(GuardRejected, match="opened by the system"):
        open_review(engine, reason="yearly")
    with unchanged(engine), pytest.raises(PermissionDenied):
        open_review(engine, actor=DIVISION)
    with unchanged(engine), pytest.raises(InvalidData):
        open_review(engine, reason="whim")
    open_review(engine, reason="threshold", actor=SYSTEM)
    with unchanged(engine), pytest.raises(GuardRejected, match="already under review"):
        open_review(engine)


def test_documents_of_other_agencies_are_not_seen(db_url: str) -> None:
    make_engine(db_url)
    city = make_engine(db_url, agency="city")
    seed(city, "某办发〔2024〕1号")
    county = make_engine(db_url, agency="county")
    with pytest.raises(GuardRejected, match="not in the ledger"):
        open_review(county)
    open_review(city)


@pytest.mark.parametrize("basis", ["条例第十三条", "保密法", "条例 20", "第17条"])
def test_retain_needs_a_basis_in_articles_14_16(engine: Engine, basis: str) -> None:
    review = open_review(engine)
    with unchanged(engine), pytest.raises(GuardRejected, match="14–16"):
        engine.fire(review, "propose_retain", DIVISION, {**RETAIN, "attribute_basis": basis})


def test_retain_needs_reasons_of_the_minimum_length(engine: Engine) -> None:
    review = open_review(engine)
    with unchanged(engine), pytest.raises(GuardRejected, match="count as missing"):
        engine.fire(review, "propose_retain", DIVISION, {**RETAIN, "attribute_reasons": "内部"})
    with unchanged(engine), pytest.raises(InvalidData):
        engine.fire(review, "propose_retain", DIVISION, {**RETAIN, "attribute_reasons": " "})


@pytest.mark.parametrize("kind", ["regulation", "normative", "policy"])
def test_active_by_law_documents_cannot_be_classified(db_url: str, kind: str) -> None:
    engine = make_engine(db_url)
    seed(engine, "某办发〔2024〕2号", kind=kind)
    review = open_review(engine, "某办发〔2024〕2号")
    with unchanged(engine), pytest.raises(GuardRejected, match="条例 20"):
        engine.fire(review, "propose_classification", DIVISION,
                    {"level": "secret", "period": "10年", "scope": "本机关"})
    engine.fire(review, "propose_conversion", DIVISION, {"reasons": "属于主动公开范围"})


def test_roles_and_states(engine: Engine) -> None:
    review = open_review(engine)
    with unchanged(engine), pytest.raises(PermissionDenied):
        engine.fire(review, "propose_retain", OFFICE, RETAIN)
    with unchanged(engine), pytest.raises(InvalidTransition):
        engine.fire(review, "approve_proposal", OFFICE, {})
    with unchanged(engine), pytest.raises(InvalidData):
        engine.fire(review, "propose_classification", DIVISION,
                    {"level": "restricted", "period": "10年", "scope": "本机关"})


def test_basis_article() -> None:
    assert [basis_article(b) for b in ("条例第十四条", "第15条", "条例 16", "条例第十六条第一款",
                                       "无")] == [14, 15, 16, 16, None]


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="min_reasons_chars"):
        attribute_review.definition(min_reasons_chars=0)
    with pytest.raises(ValueError, match="applicants"):
        attribute_review.Threshold(applicants=0)


def test_whoever_proposed_may_not_approve_their_own_proposal(engine: Engine) -> None:
    """Source document 一(四): the drafting division proposes, the office checks; one person
    holding both roles (and the 定密责任人's) may not approve what they proposed."""
    everyone = Actor("all-1", ("drafting_division", "office", "classification_officer"))
    review = open_review(engine)
    engine.fire(review, "propose_classification", everyone,
                {"level": "secret", "period": "10年", "scope": "本机关办公室"})
    for trigger in ("approve_classification", "audit_return"):
        with unchanged(engine), pytest.raises(PermissionDenied, match="separation of duties"):
            engine.fire(review, trigger, everyone, {})
    engine.fire(review, "approve_classification", OFFICER, {})
    assert engine.get(review).state == "classified"
