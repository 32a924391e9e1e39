"""The document ledger (台账): reading documents, and counting the disclosure requests that name
them (条例 44: the requests and distinct applicants that may call for a re-review).

Ledger rows are written only by transitions; here a one-step test workflow enters documents
(the publication_approval workflow does it in production), and real disclosure requests name
them on ``register`` and ``propose``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

import workflows
from engine import (
    Actor,
    Engine,
    GuardRejected,
    InvalidData,
    NotFound,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.testing import ManualClock, guard_context, unchanged
from engine.testing.story import at
from tests.engine.helpers import WeekdayCalendar
from tests.workflows.story import ACTORS, REGISTRAR, payload
from workflows.ledger import (
    Document,
    DocumentRequestRow,
    DocumentRow,
    applicant_key,
    documents,
    get_document,
    insert_document,
    request_counts,
)

CLERK = Actor("clerk-1", "clerk")
ZHANG = {"name": "张三 ", "type": "natural_person", "contact": "138 0000 0000"}
ZHANG_AGAIN = {"name": "张三", "type": "natural_person", "contact": "13800000000"}
LI = {"name": "李四", "type": "natural_person", "contact": "lisi@example.com"}
TO_PROPOSE = ("accept", "assign", "review_confidentiality")


def _entry_registry() -> Registry:
    reg = Registry()

    @reg.action("enter_document")
    def enter_document(ctx: TransitionContext) -> None:
        row = dict(ctx.data)
        if row.get("formed_on"):
            row["formed_on"] = date.fromisoformat(row["formed_on"])
        insert_document(ctx.tables, **row)

    return reg


ENTRY = WorkflowDefinition(
    name="test_ledger_entry", version=1, title=Title("登记台账", "Enter a document"),
    states=(State("entered", Title("已入账", "Entered"), "initial"),
            State("closed", Title("结束", "Closed"), "terminal")),
    transitions=(Transition("enter", (), "entered", roles=("clerk",),
                            actions=("enter_document",)),
                 Transition("close", ("entered",), "closed", roles=("clerk",))),
    roles=("clerk",), start_trigger="enter")


class Ledger:
    """An engine with the workflows, documents entered by the test workflow, and requests."""

    def __init__(self, url: str, agency: str) -> None:
        self.clock = ManualClock(at("2025-11-03"))
        self.engine = Engine(url, clock=self.clock, agency=agency)
        workflows.register_all(self.engine)
        self.engine.registry.update(_entry_registry())
        self.engine.register(ENTRY)

    def enter(self, doc_id: str, **fields: Any) -> None:
        row = {"doc_id": doc_id, "title": f"文件{doc_id}", "drafting_division": "政策法规处",
               "kind": "policy", "review_level": "ordinary", "attribute": "active", **fields}
        self.engine.start("test_ledger_entry", CLERK, row)

    def on(self, day: str) -> None:
        self.clock.set(at(day))

    def request(self, day: str, applicant: dict[str, Any], *named: str) -> str:
        self.on(day)
        data = payload("register", day, applicant=applicant)
        if named:
            data["documents"] = list(named)
        return self.engine.start("disclosure_request", REGISTRAR, data).id

    def propose(self, request_id: str, *named: str) -> None:
        day = self.clock.now().date().isoformat()
        for trigger in TO_PROPOSE:
            self.engine.fire(request_id, trigger, ACTORS[trigger], payload(trigger, day))
        self.engine.fire(request_id, "propose", ACTORS["propose"],
                         payload("propose", day, documents=list(named)))


@contextmanager
def ledgers(url: str, *agencies: str) -> Iterator[list[Ledger]]:
    made = [Ledger(url, agency) for agency in agencies or ("default",)]
    try:
        yield made
    finally:
        for ledger in made:
            ledger.engine.close()


def _small_ledger(ledger: Ledger) -> None:
    ledger.enter("d1", doc_number="沪府发〔2025〕1号", kind="policy", status="published",
                 formed_on="2025-10-10",
                 publications=[{"channel": "website", "published_on": "2025-10-20",
                                "address": "https://example.gov.cn/1"}])
    ledger.enter("d2", doc_number="沪府规〔2025〕2号", kind="normative", status="issued",
                 attribute="on_request", attribute_basis="条例 16(1)",
                 attribute_reasons="内部事务信息，仅供内部管理使用")
    ledger.enter("d3", doc_number="沪府办〔2025〕3号", kind="other", status="issued",
                 attribute="withheld", attribute_basis="条例 14",
                 attribute_reasons="公开后可能危及社会稳定")
    ledger.enter("d4", kind="policy", status="drafting")


def test_get_document_returns_a_frozen_snapshot_of_the_row(db_url: str) -> None:
    with ledgers(db_url) as [ledger]:
        _small_ledger(ledger)
        doc = get_document(ledger.engine, " 沪府发〔2025〕1号 ")
        assert (doc.doc_id, doc.kind, doc.attribute, doc.status, doc.formed_on) == (
            "d1", "policy", "active", "published", date(2025, 10, 10))
        assert doc.publications[0]["channel"] == "website"
        assert (doc.requests, doc.applicants, doc.classified, doc.reviews) == (0, 0, False, ())
        assert get_document(ledger.engine, "沪府办〔2025〕3号").attribute_basis == "条例 14"
        with pytest.raises(dataclasses.FrozenInstanceError):
            doc.attribute = "withheld"  # type: ignore[misc]
        with pytest.raises(TypeError):
            doc.publications[0]["channel"] = "wechat"  # type: ignore[index]
        for missing in ("沪府发〔2025〕9号", "", "  "):
            with pytest.raises(NotFound):
                get_document(ledger.engine, missing)


def test_documents_filters_by_attribute_status_and_kind(db_url: str) -> None:
    with ledgers(db_url) as [ledger]:
        _small_ledger(ledger)

        def ids(**filters: Any) -> list[str]:
            return [d.doc_id for d in documents(ledger.engine, **filters)]

        assert ids() == ["d1", "d2", "d3", "d4"]
        assert ids(attribute="active") == ["d1", "d4"]
        assert ids(attribute="withheld") == ["d3"]
        assert ids(status="issued") == ["d2", "d3"]
        assert ids(kind="policy", status="drafting") == ["d4"]
        assert ids(attribute="on_request", kind="other") == []
        assert all(isinstance(d, Document) for d in documents(ledger.engine))


def test_documents_refuses_a_filter_value_outside_the_lists(db_url: str) -> None:
    with ledgers(db_url) as [ledger]:
        _small_ledger(ledger)
        with pytest.raises(InvalidData) as caught:
            documents(ledger.engine, attribute="secret", status="issued", kind="memo")
        assert [e["field"] for e in caught.value.errors] == ["attribute", "kind"]
        with pytest.raises(InvalidData):
            documents(ledger.engine, status="Published")


def test_requests_and_distinct_applicants_are_counted_once_per_request(db_url: str) -> None:
    """条例 44: the ledger counts each request that named a document once, and applicants by
    name and contact, normalised ("张三 "/"138 0000 0000" is "张三"/"13800000000")."""
    with ledgers(db_url) as [ledger]:
        _small_ledger(ledger)
        a, b = "沪府办〔2025〕3号", "沪府规〔2025〕2号"
        first = ledger.request("2025-11-03", ZHANG, a)
        assert (get_document(ledger.engine, a).requests,
                get_document(ledger.engine, a).applicants) == (1, 1)
        ledger.propose(first, a, b, a)
        assert (get_document(ledger.engine, a).requests,
                get_document(ledger.engine, a).applicants) == (1, 1)
        assert (get_document(ledger.engine, b).requests,
                get_document(ledger.engine, b).applicants) == (1, 1)
        ledger.request("2025-11-10", ZHANG_AGAIN, a)
        doc = get_document(ledger.engine, a)
        assert (doc.requests, doc.applicants) == (2, 1)
        ledger.request("2025-11-12", LI, a, "沪府办〔2025〕3号")
        doc = get_document(ledger.engine, a)
        assert (doc.requests, doc.applicants) == (3, 2)
        rows = ledger.engine.rows(DocumentRequestRow, doc_number=a)
        assert sorted(r["requested_on"] for r in rows) == [
            date(2025, 11, 3), date(2025, 11, 10), date(2025, 11, 12)]
        assert {r["applicant_key"] for r in rows} == {applicant_key("张三", "13800000000"),
                                                      applicant_key("李四", "lisi@example.com")}
        assert request_counts(ledger.engine, a, date(2025, 11, 1)) == (3, 2)
        assert request_counts(ledger.engine, a, date(2025, 11, 4)) == (2, 2)
        assert request_counts(ledger.engine, a, date(2025, 11, 4), date(2025, 11, 11)) == (1, 1)
        assert request_counts(rows, a, date(2025, 11, 11)) == (1, 1)
        assert get_document(ledger.engine, "沪府发〔2025〕1号").requests == 0


def test_a_request_may_name_a_document_before_it_is_in_the_ledger(db_url: str) -> None:
    with ledgers(db_url) as [ledger]:
        later = "沪府发〔2025〕8号"
        ledger.request("2025-11-03", ZHANG, later)
        ledger.request("2025-11-04", LI, later)
        with pytest.raises(NotFound):
            get_document(ledger.engine, later)
        assert request_counts(ledger.engine, later, date(2025, 1, 1)) == (2, 2)
        ledger.enter("d8", doc_number=later, attribute="withheld", attribute_basis="条例 14",
                     attribute_reasons="公开后可能危及社会稳定")
        doc = get_document(ledger.engine, later)
        assert (doc.requests, doc.applicants) == (2, 2)


def test_a_request_without_documents_writes_nothing_to_the_ledger(db_url: str) -> None:
    with ledgers(db_url) as [ledger]:
        _small_ledger(ledger)
        request = ledger.request("2025-11-03", ZHANG)
        ledger.propose(request)
        assert ledger.engine.rows(DocumentRequestRow) == []
        assert [d.requests for d in documents(ledger.engine)] == [0, 0, 0, 0]


def test_agencies_see_and_count_only_their_own_documents(db_url: str) -> None:
    with ledgers(db_url, "city", "district") as [city, district]:
        number = "沪府办〔2025〕3号"
        city.enter("d3", doc_number=number, attribute="withheld", attribute_basis="条例 14",
                   attribute_reasons="公开后可能危及社会稳定")
        with pytest.raises(NotFound):
            get_document(district.engine, number)
        assert documents(district.engine) == []
        district.enter("d3", doc_number=number, title="区里的文件")
        district.request("2025-11-03", ZHANG, number)
        district.request("2025-11-04", LI, number)
        city.request("2025-11-05", ZHANG, number)
        assert (get_document(city.engine, number).requests,
                get_document(district.engine, number).requests) == (1, 2)
        assert get_document(district.engine, number).title == "区里的文件"
        assert request_counts(city.engine, number, date(2025, 1, 1)) == (1, 1)
        assert len(district.engine.rows(DocumentRequestRow)) == 2


def test_refused_register_and_propose_record_no_request(db_url: str) -> None:
    with ledgers(db_url) as [ledger]:
        _small_ledger(ledger)
        number = "沪府办〔2025〕3号"
        for bad in ([""], ["x" * 256], number, [1]):
            data = payload("register", "2025-11-03", documents=bad)
            with unchanged(ledger.engine), pytest.raises(InvalidData):
                ledger.engine.start("disclosure_request", REGISTRAR, data)
        request = ledger.request("2025-11-03", ZHANG)
        ledger.engine.fire(request, "accept", ACTORS["accept"], payload("accept", "2025-11-03"))
        ledger.engine.fire(request, "assign", ACTORS["assign"], payload("assign", "2025-11-03"))
        with unchanged(ledger.engine), pytest.raises(GuardRejected):
            ledger.engine.fire(request, "propose", ACTORS["propose"],
                               payload("propose", "2025-11-03", documents=[number]))
        assert ledger.engine.rows(DocumentRequestRow) == []
        assert get_document(ledger.engine, number).requests == 0


@pytest.mark.parametrize(("one", "other"), [
    (("张三 ", "138 0000 0000"), ("张三", "13800000000")),
    (("张  三", "+86 138-0000-0000"), ("张 三", "13800000000")),
    (("张 三", "13800000000"), ("张三", "13800000000")),  # Chinese names carry no spaces
    (("ＺＨＡＮＧ San", "ZhangSan@Example.com "), ("zhang san", "zhangsan@example.com")),
])
def test_applicant_key_normalises_name_and_contact(one: tuple[str, str],
                                                  other: tuple[str, str]) -> None:
    assert applicant_key(*one) == applicant_key(*other)


def test_applicant_key_tells_different_applicants_apart() -> None:
    assert applicant_key("张三", "13800000000") != applicant_key("张三", "13800000001")
    assert applicant_key("Wang Wei", "1") != applicant_key("WangWei", "1")  # Latin words stay
    assert applicant_key("张三", "13800000000") != applicant_key("张四", "13800000000")
    assert len(applicant_key("张" * 400, "地址" * 200)) <= 500


def test_a_concurrent_request_for_the_same_document_is_not_lost(pg_url: str) -> None:
    """Under READ COMMITTED, a request counted while another request naming the same document
    is uncommitted waits for it and counts it (the document row is locked before counting)."""
    with ledgers(pg_url) as [ledger]:
        _small_ledger(ledger)
        number = "沪府办〔2025〕3号"
        ledger.on("2025-11-03")
        db = ledger.engine.db
        with db.connect() as conn, conn.begin():
            conn.execute(sa.insert(DocumentRequestRow.__table__).values(  # type: ignore[attr-defined]
                agency="default", doc_number=number, request_id="other-request",
                applicant_key=applicant_key("李四", "lisi@example.com"),
                requested_on=date(2025, 11, 3)))
            conn.execute(sa.update(DocumentRow.__table__).where(  # type: ignore[attr-defined]
                DocumentRow.__table__.c.doc_number == number).values(requests=1))  # type: ignore[attr-defined]
            with ThreadPoolExecutor(1) as pool:
                done = pool.submit(ledger.request, "2025-11-03", ZHANG, number)
                _wait_for_a_lock_wait(db)
                conn.commit()
                done.result(timeout=30)
        doc = get_document(ledger.engine, number)
        assert (doc.requests, doc.applicants) == (2, 2)


def _wait_for_a_lock_wait(db: Any) -> None:
    """Until some session of the database waits for a row lock (at most 30 seconds)."""
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db.connect() as probe:
            if probe.execute(query).scalar():
                return
        time.sleep(0.01)
    raise AssertionError("the request never waited for the document's row lock")


def test_request_counts_reads_a_transitions_tables() -> None:
    """Inside a guard or action (the threshold check of a re-review, 条例 44) the counts come
    from ``ctx.tables``."""
    number = "沪府办〔2025〕3号"
    rows = [{"doc_number": number, "request_id": f"r{i}",
             "applicant_key": applicant_key(*who), "requested_on": day}
            for i, (who, day) in enumerate([(("张三", "13800000000"), date(2024, 10, 1)),
                                             (("张三 ", "138 0000 0000"), date(2025, 3, 1)),
                                             (("李四", "lisi@example.com"), date(2025, 9, 1))])]
    rows.append({**rows[0], "doc_number": "沪府发〔2025〕1号", "request_id": "r9"})
    ctx = guard_context(ENTRY, "enter", CLERK, calendar=WeekdayCalendar(),
                        rows={DocumentRequestRow: rows})
    assert request_counts(ctx.tables, number, date(2024, 9, 30)) == (3, 2)
    assert request_counts(ctx.tables, number, date(2024, 10, 2)) == (2, 2)
