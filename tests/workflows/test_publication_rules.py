"""The refusals of the publication approval workflow: each is an engine error that changes
nothing (engine.testing.unchanged). 不予发文 without a complete attribute (source document 一(四)),
graded routing (二(一)), the drafter kept off review steps (二(一) 先审后发), publication for active
documents only (条例 19, 26), 条例 17 determinations, signing with date and 文号."""

from __future__ import annotations

from typing import Any

import pytest

from engine import DuplicateRow, GuardRejected, InvalidTransition, PermissionDenied
from engine.testing import unchanged
from tests.workflows.publication import (
    DIVISION_HEAD,
    DRAFTER,
    EVERYONE,
    LEVEL_ROUTE,
    NUMBER,
    OFFICE,
    REASONS,
    SECRECY_REVIEWER,
    draft,
    fire,
    ledger,
    make,
    to_approved,
)
from workflows.publication_approval import definition
from workflows.publication_approval.rules import cited_article

SUBMIT = "publication_approval.attribute_complete"


@pytest.mark.parametrize(("changes", "why"), [
    ({"attribute": None}, "no disclosure attribute"),
    ({"attribute": "withheld", "attribute_reasons": REASONS}, "legal basis"),
    ({"attribute": "on_request", "attribute_basis": "条例第十六条"}, "reasons"),
    ({"attribute": "withheld", "attribute_basis": "条例第十六条", "attribute_reasons": "内部"},
     "at least 10 characters"),
    ({"attribute": "withheld", "attribute_basis": "条例第十三条", "attribute_reasons": REASONS},
     "not 条例 14, 15 or 16"),
    ({"attribute": "withheld", "attribute_basis": "工作需要", "attribute_reasons": REASONS},
     "not 条例 14, 15 or 16"),
], ids=["no_attribute", "no_basis", "no_reasons", "short_reasons", "article_13", "no_article"])
def test_submit_refuses_an_incomplete_attribute(db_url: str, changes: dict[str, Any],
                                                why: str) -> None:
    """Source document 一(四): 不予发文 — the refusal says why and changes nothing."""
    engine = make(db_url)
    inst = draft(engine, **changes)
    with unchanged(engine), pytest.raises(GuardRejected) as refused:
        engine.fire(inst.id, "submit", DRAFTER, {})
    assert refused.value.guard == SUBMIT
    assert why in refused.value.reason and "不予发文" in refused.value.reason


def test_submit_may_complete_the_attribute(db_url: str) -> None:
    """A draft refused for want of reasons goes on once they are given with the submission; the
    ledger takes the completed proposal."""
    engine = make(db_url)
    inst = draft(engine, attribute="withheld", attribute_basis="《政府信息公开条例》第十五条")
    inst = engine.fire(inst.id, "submit", DRAFTER, {"attribute_reasons": REASONS})
    assert inst.state == "division_review"
    row = ledger(engine, inst)
    assert (row["attribute"], row["attribute_basis"], row["attribute_reasons"]) == (
        "withheld", "《政府信息公开条例》第十五条", REASONS)


def test_minimum_reasons_is_a_setting(db_url: str) -> None:
    """Reasons shorter than ``min_reasons_chars`` count as missing (source document 一(四))."""
    engine = make(db_url, min_reasons_chars=2)
    inst = draft(engine, attribute="withheld", attribute_basis="16", attribute_reasons="内部")
    assert engine.fire(inst.id, "submit", DRAFTER, {}).state == "division_review"
    with pytest.raises(ValueError, match="min_reasons_chars"):
        definition(min_reasons_chars=0)


@pytest.mark.parametrize(("basis", "article"), [
    ("《政府信息公开条例》第十四条", 14), ("条例第15条第一款", 15), ("16", 16), ("条例 16(1)", 16),
    ("第二十条", 20), ("工作需要", None)])
def test_cited_article(basis: str, article: int | None) -> None:
    """The basis is read for its article of 条例, in Chinese or Arabic numerals."""
    assert cited_article(basis) == article


def test_drafter_fires_no_review_step(db_url: str) -> None:
    """Source document 二(一) (先审后发): the drafter does not approve their own document, even
    holding the reviewer's role."""
    engine = make(db_url)
    inst = engine.start("publication_approval", EVERYONE, {
        "title": "某通知", "drafting_division": "办公室", "kind": "other",
        "review_level": "ordinary", "attribute": "active"})
    inst = engine.fire(inst.id, "submit", EVERYONE, {})
    with unchanged(engine), pytest.raises(PermissionDenied) as refused:
        engine.fire(inst.id, "approve_division", EVERYONE, {})
    assert refused.value.earlier_trigger in ("draft", "submit")


def test_drafter_does_not_publish(db_url: str) -> None:
    """Separation of duties reaches publication too (source document 二(一))."""
    engine = make(db_url)
    inst = engine.start("publication_approval", EVERYONE, {
        "title": "某通知", "drafting_division": "办公室", "kind": "other",
        "review_level": "ordinary", "attribute": "active"})
    inst = engine.fire(inst.id, "submit", EVERYONE, {})
    inst = engine.fire(inst.id, "approve_division", DIVISION_HEAD, {})
    inst = engine.fire(inst.id, "pass_confidentiality", SECRECY_REVIEWER, {
        "reviewed_on": "2025-03-03", "formed_on": "2025-03-03", "doc_number": NUMBER})
    channels = [{"channel": "website", "published_on": "2025-03-03"}]
    for trigger, data in (("publish", {"channels": channels}), ("retract", {"reason": "x"})):
        if trigger == "retract":
            inst = engine.fire(inst.id, "publish", OFFICE, {"channels": channels})
        with unchanged(engine), pytest.raises(PermissionDenied):
            engine.fire(inst.id, trigger, EVERYONE, data)


def test_return_only_by_the_current_reviewer(db_url: str) -> None:
    """Only the reviewer of the current step returns the draft; outside review nothing does."""
    engine = make(db_url)
    inst = fire(engine, draft(engine), "submit")
    with unchanged(engine), pytest.raises(PermissionDenied):
        engine.fire(inst.id, "return_for_revision", OFFICE, {"comments": "请修改"})
    inst = engine.fire(inst.id, "return_for_revision", DIVISION_HEAD, {"comments": "请修改"})
    assert (inst.state, inst.data["returns"]) == ("drafting", 1)
    with unchanged(engine), pytest.raises(InvalidTransition):
        engine.fire(inst.id, "return_for_revision", DIVISION_HEAD, {"comments": "请修改"})


@pytest.mark.parametrize("level", ["ordinary", "important", "major"])
def test_signing_needs_date_and_number(db_url: str, level: str) -> None:
    """The step that reaches 已签发 records the 签发/成文 date (条例 26 counts from it) and 文号."""
    engine = make(db_url)
    inst = draft(engine, review_level=level)
    for trigger in LEVEL_ROUTE[level][:-1]:
        inst = fire(engine, inst, trigger)
    last = LEVEL_ROUTE[level][-1]
    without_number = {"doc_number": None} if level == "major" else {"formed_on": "2025-03-10"}
    with unchanged(engine), pytest.raises(GuardRejected) as refused:
        fire(engine, inst, last, **without_number)
    assert "doc_number" in refused.value.reason
    if level != "major":
        with unchanged(engine), pytest.raises(GuardRejected) as refused:
            fire(engine, inst, last, doc_number=NUMBER)
        assert "formed_on" in refused.value.reason


def test_doc_number_unique_per_agency(db_url: str) -> None:
    """A 文号 is unique per agency once issued: signing a second document with it is refused."""
    engine = make(db_url)
    to_approved(engine)
    with pytest.raises(DuplicateRow):
        with unchanged(engine):
            to_approved(engine)


def test_publish_and_file_by_attribute(db_url: str) -> None:
    """条例 19, 26: active documents are published, never filed; non-public ones are filed,
    never published."""
    engine = make(db_url)
    active = to_approved(engine, review_level="ordinary")
    with unchanged(engine), pytest.raises(GuardRejected, match="20 working days"):
        engine.fire(active.id, "file", OFFICE, {})
    withheld = draft(engine, review_level="ordinary", attribute="withheld",
                     attribute_basis="条例第十四条", attribute_reasons=REASONS)
    for trigger in ("submit", "approve_division"):
        withheld = fire(engine, withheld, trigger)
    withheld = fire(engine, withheld, "pass_confidentiality", formed_on="2025-03-10",
                    doc_number="某府发〔2025〕4号")
    with unchanged(engine), pytest.raises(GuardRejected, match="主动公开 only"):
        engine.fire(withheld.id, "publish", OFFICE,
                    {"channels": [{"channel": "website", "published_on": "2025-03-10"}]})


def test_not_public_determination_blocks_an_active_document(db_url: str) -> None:
    """条例 17: once the competent department found the content not public, an active document
    cannot pass the secrecy review; it goes back to the drafter."""
    engine = make(db_url)
    inst = draft(engine)
    for trigger in ("submit", "approve_division"):
        inst = fire(engine, inst, trigger)
    inst = engine.fire(inst.id, "refer_for_determination", SECRECY_REVIEWER,
                       {"authority": "市国家保密局"})
    inst = engine.fire(inst.id, "receive_determination", SECRECY_REVIEWER, {
        "determination": "not_public", "authority": "市国家保密局", "received_on": "2025-03-07"})
    assert inst.state == "confidentiality_review"
    with unchanged(engine), pytest.raises(GuardRejected, match="条例 17"):
        fire(engine, inst, "pass_confidentiality")
    inst = engine.fire(inst.id, "return_for_revision", SECRECY_REVIEWER,
                       {"comments": "改为不予公开"})
    assert inst.state == "drafting"


def test_abandon_only_before_approval(db_url: str) -> None:
    """A draft may be abandoned until it is signed; after that only retraction of a publication."""
    engine = make(db_url)
    inst = to_approved(engine, review_level="ordinary")
    with unchanged(engine), pytest.raises(InvalidTransition):
        engine.fire(inst.id, "abandon", OFFICE, {"reason": "不再需要"})
