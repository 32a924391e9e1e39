"""Issue 10, section 4: any sequence of valid actions keeps the ledger (台账) and the instances
consistent (a hypothesis state machine over the real workflows, ``workflows.register_all``).

Actions: draft a document (random kind, review level and attribute) and route it through
``publication_approval`` step by step; publish or file an approved one (the wrong one of the two
is refused); open a re-review (``attribute_review``, circumstances changed) on a document and
retain or convert it; register a disclosure request naming documents (which may open threshold
rounds by itself, 条例 44). A refused action (``WorkflowError``) must change no row.

After every step:

* every active document has a ``publication_approval`` instance (by its ``doc_id`` or linked to
  its 文号) or a publication on record;
* every non-public document has its basis and reasons;
* the ledger's ``requests`` / ``applicants`` equal the ``ledger_document_requests`` rows for its
  文号, and those rows are exactly the (request, 文号) pairs the requests named.

Requests here name 文号 already in the ledger (or one never issued); naming a 文号 *before* a
document is signed with it is :func:`test_request_naming_a_number_before_signing_is_counted`.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import workflows
from calendars import ChinaCalendar
from engine import Actor, Engine, Instance
from engine.errors import WorkflowError
from engine.testing import ManualClock
from engine.testing import dump as dump_tables
from tests.workflows.publication import (
    DRAFTER,
    LEVEL_ROUTE,
    OFFICE,
    REASONS,
    STEPS,
    draft_data,
    fire,
    on,
)
from tests.workflows.story import REGISTRAR, payload
from workflows.ledger import KINDS, REVIEW_LEVELS, DocumentRequestRow, documents

START = date(2025, 3, 3)
REVIEW_OFFICE = Actor("o", "office")
DIVISION = Actor("d", "drafting_division")
NEXT_STEP = {"drafting": "submit", "division_review": "approve_division",
             "confidentiality_review": "pass_confidentiality",
             "office_review": "approve_office", "leader_approval": "approve_leader"}
NEVER_ISSUED = "某府函〔2024〕99号"
APPLICANTS = [{"name": "张三", "type": "natural_person", "contact": "13800000000"},
              {"name": "李四", "type": "natural_person", "contact": "13900000000"},
              {"name": "王五", "type": "natural_person", "contact": "wang@example.cn"},
              {"name": " 张三", "type": "natural_person", "contact": "138 0000 0000"}]
RETAIN = {"attribute_basis": "条例第十五条",
          "attribute_reasons": "涉及第三方商业秘密，公开会造成损害"}


def make_engine(url: str) -> Engine:
    engine = Engine(url, clock=ManualClock(on(START.isoformat())),
                    calendar=ChinaCalendar(provisional=True))
    workflows.register_all(engine)
    return engine


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.mkdtemp(prefix="gongkai-ledger-")
        self.engine = make_engine(f"sqlite:///{self.tmp}/ledger.db")
        self.day = START
        self.issued = 0
        self.named: set[tuple[str, str]] = set()
        """(文号, request id) for every request registered."""

    def teardown(self) -> None:
        self.engine.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers ------------------------------------------------------------------------------

    def _next_day(self) -> str:
        self.day += timedelta(days=1)
        self.engine.clock.set(on(self.day.isoformat()))  # type: ignore[attr-defined]
        return self.day.isoformat()

    def _try(self, call: Any) -> Instance | None:
        """``call()``, or ``None`` if it was refused, in which case no row changed."""
        before = dump_tables(self.engine)
        try:
            return call()  # type: ignore[no-any-return]
        except WorkflowError:
            assert dump_tables(self.engine) == before, "a refused action changed rows"
            return None

    def _open(self, workflow: str, *states: str) -> list[Instance]:
        return sorted((i for i in self.engine.find(workflow, closed=False)
                       if i.state in states), key=lambda i: i.created_at)

    def _numbers(self) -> list[str]:
        return sorted(d.doc_number for d in documents(self.engine) if d.doc_number)

    # -- rules --------------------------------------------------------------------------------

    @initialize(attribute=st.sampled_from(("on_request", "withheld")),
                kind=st.sampled_from(KINDS))
    def filed_document(self, attribute: str, kind: str) -> None:
        """Start with one filed non-public document, so re-reviews have something to review."""
        self.draft(kind, "ordinary", attribute, 3, "right")

    @rule(kind=st.sampled_from(KINDS), level=st.sampled_from(REVIEW_LEVELS),
          attribute=st.sampled_from(("active", "on_request", "withheld")),
          steps=st.integers(0, 6), finish=st.sampled_from((None, "right", "right", "wrong")))
    def draft(self, kind: str, level: str, attribute: str, steps: int,
              finish: str | None) -> None:
        """Draft a document, then take it up to ``steps`` review steps and, once approved,
        publish or file it (``finish``: the right one for its attribute, or the wrong one,
        which is refused), checking the invariants after each step."""
        self._next_day()
        extra = ({"attribute_basis": "条例第十六条", "attribute_reasons": REASONS}
                 if attribute != "active" else {})
        data = draft_data(kind=kind, review_level=level, attribute=attribute, **extra)
        inst = self._try(lambda: self.engine.start("publication_approval", DRAFTER, data))
        for _ in range(steps):
            if inst is None or inst.state not in NEXT_STEP:
                break
            self.check()
            inst = self._step(inst)
        if inst is not None and inst.state == "approved" and finish is not None:
            self.check()
            self._finish(inst, (attribute == "active") == (finish == "right"))

    def _step(self, inst: Instance) -> Instance | None:
        """The next review step of a document before approval (signing it at the last)."""
        day = self._next_day()
        trigger = NEXT_STEP[inst.state]
        extra: dict[str, Any] = {k: v for k, v in STEPS[trigger][1].items()
                                 if k not in ("formed_on", "doc_number")}
        if trigger == "pass_confidentiality":
            extra["reviewed_on"] = day
        if trigger == LEVEL_ROUTE[inst.data["review_level"]][-1]:
            extra["formed_on"] = day
            if not inst.data.get("doc_number"):
                self.issued += 1
                extra["doc_number"] = f"某府发〔2025〕{self.issued}号"
        actor = STEPS[trigger][0]
        return self._try(lambda: self.engine.fire(inst.id, trigger, actor, extra))

    def _finish(self, inst: Instance, publish: bool) -> Instance | None:
        """Publish or file an approved document (the wrong one for its attribute is refused)."""
        day = self._next_day()
        if publish:
            return self._try(lambda: self.engine.fire(inst.id, "publish", OFFICE, {
                "channels": [{"channel": "website", "published_on": day}]}))
        return self._try(lambda: self.engine.fire(inst.id, "file", OFFICE, {"filed_on": day}))

    @rule(data=st.data(), steps=st.integers(1, 5))
    def advance(self, data: st.DataObject, steps: int) -> None:
        """Review steps on a document before approval (a converted one included)."""
        candidates = self._open("publication_approval", *NEXT_STEP)
        if not candidates:
            return
        inst: Instance | None = data.draw(st.sampled_from(candidates))
        for n in range(steps):
            if inst is None or inst.state not in NEXT_STEP:
                break
            if n:
                self.check()
            inst = self._step(inst)

    @rule(data=st.data(), publish=st.booleans())
    def publish_or_file(self, data: st.DataObject, publish: bool) -> None:
        candidates = self._open("publication_approval", "approved")
        if candidates:
            self._finish(data.draw(st.sampled_from(candidates)), publish)

    @rule(data=st.data(), decide=st.sampled_from((None, "retain", "convert")))
    def open_review(self, data: st.DataObject, decide: str | None) -> None:
        """A document with a 文号 (any, or one that can be re-reviewed): refused unless it is
        issued, non-public and not under review; then perhaps decided at once."""
        numbers = self._numbers()
        reviewable = sorted(d.doc_number for d in documents(self.engine) if d.doc_number
                            and d.status == "issued" and d.attribute != "active")
        if not numbers:
            return
        any_number = data.draw(st.booleans()) or not reviewable
        number = data.draw(st.sampled_from(numbers if any_number else reviewable))
        self._next_day()
        review = self._try(lambda: self.engine.start("attribute_review", REVIEW_OFFICE, {
            "doc_number": number, "round": "2025", "reason": "circumstances_changed"}))
        if review is not None and decide is not None:
            self.check()
            self._decide(review, decide == "convert")

    @rule(data=st.data(), convert=st.booleans())
    def decide_review(self, data: st.DataObject, convert: bool) -> None:
        candidates = self._open("attribute_review", "self_review")
        if not candidates:
            return
        self._decide(data.draw(st.sampled_from(candidates)), convert)

    def _decide(self, inst: Instance, convert: bool) -> None:
        """The drafting division proposes to retain or convert; the office approves."""
        self._next_day()
        if convert:
            proposed = self._try(lambda: self.engine.fire(
                inst.id, "propose_conversion", DIVISION, {"reasons": "情况变化，可以公开"}))
        else:
            proposed = self._try(lambda: self.engine.fire(
                inst.id, "propose_retain", DIVISION, RETAIN))
        if proposed is not None:
            self.check()
            self._try(lambda: self.engine.fire(inst.id, "approve_proposal", REVIEW_OFFICE,
                                               {"notes": "同意"}))

    @rule(data=st.data(), applicant=st.sampled_from(APPLICANTS), never_issued=st.booleans())
    def request(self, data: st.DataObject, applicant: dict[str, str],
                never_issued: bool) -> None:
        numbers = self._numbers()
        named = (data.draw(st.lists(st.sampled_from(numbers), min_size=1, max_size=3))
                 if numbers else [])
        if never_issued or not named:
            named = [*named, NEVER_ISSUED]
        day = self._next_day()
        inst = self._try(lambda: self.engine.start(
            "disclosure_request", REGISTRAR,
            payload("register", day, documents=named, applicant=applicant)))
        assert inst is not None, "registering a request naming documents was refused"
        self.named |= {(n, inst.id) for n in named}

    # -- the invariants -----------------------------------------------------------------------

    @invariant()
    def check(self) -> None:
        engine = self.engine
        docs = documents(engine)
        publications = list(engine.find("publication_approval"))
        drafted = {i.data.get("doc_id") for i in publications} | {i.id for i in publications}
        for doc in docs:
            if doc.attribute == "active":
                linked = doc.doc_number is not None and any(
                    True for _ in engine.find("publication_approval",
                                              linked=("document", doc.doc_number)))
                assert doc.doc_id in drafted or linked or doc.publications, (
                    f"active document {doc.doc_number or doc.doc_id} has no publication "
                    f"instance and no publication")
            else:
                assert doc.attribute in ("on_request", "withheld"), doc
                assert (doc.attribute_basis or "").strip(), f"{doc.doc_number}: no basis"
                assert (doc.attribute_reasons or "").strip(), f"{doc.doc_number}: no reasons"
        rows = engine.rows(DocumentRequestRow)
        assert {(r["doc_number"], r["request_id"]) for r in rows} == self.named
        for doc in docs:
            mine = [r for r in rows if doc.doc_number is not None
                    and r["doc_number"] == doc.doc_number]
            assert doc.requests == len(mine), (
                f"{doc.doc_number}: ledger counts {doc.requests} requests, "
                f"{len(mine)} named it")
            assert doc.applicants == len({r["applicant_key"] for r in mine}), doc.doc_number


LedgerMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestLedgerConsistency = LedgerMachine.TestCase


def test_request_naming_a_number_before_signing_is_counted(tmp_path: Any) -> None:
    """A request may name a 文号 before the document is signed with it (ledger.requests); the
    document's row should start with that request counted once it gets the 文号."""
    engine = make_engine(f"sqlite:///{tmp_path}/early.db")
    number = "某府发〔2025〕7号"
    engine.start("disclosure_request", REGISTRAR,
                 payload("register", "2025-03-03", documents=[number]))
    inst = engine.start("publication_approval", DRAFTER, draft_data(review_level="ordinary"))
    for trigger in LEVEL_ROUTE["ordinary"]:
        signing = ({"formed_on": "2025-03-10", "doc_number": number}
                   if trigger == "pass_confidentiality" else {})
        inst = fire(engine, inst, trigger, **signing)
    assert inst.state == "approved"
    assert len(engine.rows(DocumentRequestRow, doc_number=number)) == 1
    (doc,) = documents(engine)
    assert (doc.requests, doc.applicants) == (1, 1)
