"""The ledger's request counts (条例 44) as an invariant of the ``disclosure_request`` machine.

tests/workflows/test_ledger_consistency.py drives the ledger with its own state machine; here
the same rule is an invariant ``(engine, instance_id)`` run by the toolkit's machine
(``workflow_state_machine``, via tests/properties/test_disclosure_rules.py's shortcut towards
replies) on an engine seeded with issued documents: requests name seeded documents at
registration and in their proposals, from applicants written in several spellings. After every
step, each seeded document's ``requests`` is the number of requests that named it and its
``applicants`` the number of distinct applicants among them (条例 44 "申请次数", "申请人数"),
both counted from the requests' own data, not from the ledger's rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from hypothesis.stateful import run_state_machine_as_test

from engine import Engine, Instance
from tests.properties.conftest import profile
from tests.properties.examples import (
    DISCLOSURE_WITH_OBJECTIONS,
    SEEDED_DOCS,
    factory,
    seed_withheld_documents,
)
from tests.properties.test_disclosure_rules import DisclosureRulesMachine
from tests.workflows.story import payload
from workflows.ledger import documents

APPLICANTS = (
    ({"name": "张三", "type": "natural_person", "contact": "13800000000"}, "zhang"),
    ({"name": "张 三", "type": "natural_person", "contact": "138 0000 0000"}, "zhang"),
    ({"name": "张三", "type": "natural_person", "contact": "+86 138-0000-0000"}, "zhang"),
    ({"name": "李四", "type": "natural_person", "contact": "13900000000"}, "li"),
    ({"name": "李四", "type": "natural_person", "contact": "lisi@example.com"}, "li-mail"),
)
"""Applicants as written on a request, with who they are: one person in several spellings is
one applicant; the same name with another contact is another (the ledger tells applicants apart
by name and contact)."""
WHO = {(a["name"], a["contact"]): who for a, who in APPLICANTS}
NAMED = (SEEDED_DOCS[:1], SEEDED_DOCS[1:], SEEDED_DOCS, ())
REACHED: Counter[str] = Counter()


def _register(today: date, instance: Instance | None) -> dict[str, Any]:
    REACHED["registrations tried"] += 1
    n = today.toordinal() + REACHED["registrations tried"]
    return payload("register", today.isoformat(), applicant=APPLICANTS[n % len(APPLICANTS)][0],
                   documents=list(NAMED[n % len(NAMED)]))


def _propose(today: date, instance: Instance | None) -> dict[str, Any]:
    data = dict(DISCLOSURE_WITH_OBJECTIONS["propose"](today, instance) or {})
    return {**data, "documents": list(SEEDED_DOCS[today.toordinal() % len(SEEDED_DOCS):][:1])}


def _named(request: Instance) -> set[str]:
    """The 文号 a request named, at registration or in its proposal."""
    proposal = request.data.get("proposal") or {}
    return {n.strip() for n in (*request.data.get("documents", ()),
                                *proposal.get("documents", ()))}


def ledger_counts_the_requests_naming_each_document(engine: Engine, instance_id: str) -> None:
    """条例 44: a document's ``requests`` is how many requests named it, its ``applicants``
    how many distinct applicants (name and contact, however written) made them."""
    requests = list(engine.find("disclosure_request"))
    if requests[0].id != instance_id:
        return
    for doc in documents(engine):
        if doc.doc_number not in SEEDED_DOCS:
            continue
        naming = [r for r in requests if doc.doc_number in _named(r)]
        keys = [(r.data["applicant"]["name"], r.data["applicant"]["contact"]) for r in naming]
        who = {WHO.get(key, key) for key in keys}  # a drawn applicant is a person of its own
        REACHED["named"] += len(naming)
        REACHED["applicants > 1"] += len(who) > 1
        assert doc.requests == len(naming), (
            f"{doc.doc_number}: ledger counts {doc.requests} requests, "
            f"{len(naming)} named it (条例 44)")
        assert doc.applicants == len(who), (
            f"{doc.doc_number}: ledger counts {doc.applicants} applicants, the requests naming "
            f"it come from {sorted(who)} (条例 44)")


class LedgerMachine(DisclosureRulesMachine):
    """The disclosure machine on an engine with issued documents, requests naming them."""

    engine_factory = staticmethod(factory(seed_withheld_documents))
    examples = {**DISCLOSURE_WITH_OBJECTIONS, "register": _register, "propose": _propose}
    extra_invariants = (ledger_counts_the_requests_naming_each_document,)


def test_ledger_counts_equal_the_requests_naming_each_document() -> None:
    run_state_machine_as_test(LedgerMachine, settings=profile())
