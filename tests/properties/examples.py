"""Data the built-in workflows' guards accept, per trigger, for ``workflow_state_machine``.

Generated data is mostly refused by the workflows' guards and models (a date in the future, a
reply without legal basis), so the machine also fires these examples to reach deep states. They
reuse the payloads of the workflow tests (tests/workflows/story.py, publication.py) and vary a
little with the day, so different runs take different routes (review levels, attributes).
Engine factories register every workflow (``workflows.register_all``) on a temporary SQLite
engine and seed what a start needs: issued non-public documents for the re-review, a request for
a challenge to be about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from engine import Actor, Engine, Instance
from engine.testing import ManualClock, temp_engine
from tests.workflows.publication import REASONS, draft_data
from tests.workflows.story import REGISTRAR, payload
from workflows import register_all

Example = Callable[[date, Instance | None], Mapping[str, Any] | None]
BASIS = "《政府信息公开条例》第十六条"


def _day_pick(today: date, options: tuple[Any, ...]) -> Any:
    return options[today.toordinal() % len(options)]


def _doc_number(today: date, instance: Instance | None) -> str:
    suffix = instance.id[:8] if instance is not None else today.isoformat()
    return f"某府发〔{today.year}〕{suffix}号"


# 依申请公开 -------------------------------------------------------------------------------------

DISCLOSURE_TRIGGERS = (
    "register", "reply_on_the_spot", "accept", "request_correction", "receive_correction",
    "assign", "consult", "receive_opinions", "notify_fee", "receive_payment", "propose",
    "return_for_revision", "approve", "extend", "reply", "serve", "withdraw", "ask_reasons",
    "receive_reasons", "set_reply_period", "record_receipt", "review_confidentiality",
    "refer_for_determination", "receive_determination")


def _disclosure(trigger: str) -> Example:
    return lambda today, instance: payload(trigger, today.isoformat())


DISCLOSURE: dict[str, Example] = {t: _disclosure(t) for t in DISCLOSURE_TRIGGERS}
DISCLOSURE["correction_lapsed"] = lambda today, instance: {"on": today.isoformat()}


# 先审后发 ---------------------------------------------------------------------------------------

def _draft(today: date, instance: Instance | None) -> dict[str, Any]:
    level = _day_pick(today, ("ordinary", "important", "major"))
    attribute = _day_pick(today, ("active", "withheld", "active", "on_request"))
    extra = {} if attribute == "active" else {"attribute_basis": BASIS,
                                              "attribute_reasons": REASONS}
    return draft_data(review_level=level, attribute=attribute, kind="policy", **extra)


def _signing(**extra: Any) -> Example:
    def example(today: date, instance: Instance | None) -> dict[str, Any]:
        return {"formed_on": today.isoformat(), "doc_number": _doc_number(today, instance),
                **{k: v if v != "today" else today.isoformat() for k, v in extra.items()}}
    return example


PUBLICATION: dict[str, Example] = {
    "draft": _draft,
    "submit": lambda today, instance: {},
    "approve_division": lambda today, instance: {"notes": "同意"},
    "pass_confidentiality": _signing(reviewed_on="today"),
    "approve_office": _signing(),
    "approve_leader": _signing(),
    "refer_for_determination": lambda today, instance: {
        "referred_on": today.isoformat(), "authority": "市国家保密局"},
    "receive_determination": lambda today, instance: {
        "determination": "may_publish", "authority": "市国家保密局",
        "received_on": today.isoformat()},
    "return_for_revision": lambda today, instance: {"comments": "补充公开属性依据"},
    "publish": lambda today, instance: {
        "channels": [{"channel": "website", "published_on": today.isoformat()}]},
    "add_interpretation": lambda today, instance: {
        "forms": ["text"], "channels": ["website"], "published_on": today.isoformat()},
    "file": lambda today, instance: {"filed_on": today.isoformat()},
    "retract": lambda today, instance: {"reason": "发布内容有误，撤回更正"},
    "abandon": lambda today, instance: {"reason": "工作调整，不再发文"},
    "repeal": lambda today, instance: {"repealed_on": today.isoformat(),
                                       "basis": "某府发〔2025〕99号"},
}


# 公开属性复核 -------------------------------------------------------------------------------------

SEEDED_DOCS = tuple(f"某府办发〔2025〕{n}号" for n in (11, 12, 13))
"""Issued, withheld documents the re-review engine factory puts in the ledger."""
DRAFTER = Actor("seed-drafter", "drafter")
SEED_STEPS = (("submit", DRAFTER, {}),
              ("approve_division", Actor("seed-head", "division_head"), {}),
              ("pass_confidentiality", Actor("seed-sec", "secrecy_reviewer"), {}),
              ("file", Actor("seed-office", "office"), {}))

ATTRIBUTE_REVIEW: dict[str, Example] = {
    "open_review": lambda today, instance: {
        "doc_number": _day_pick(today, SEEDED_DOCS), "round": str(today.year),
        "reason": "circumstances_changed"},
    "propose_retain": lambda today, instance: {"attribute_basis": BASIS,
                                               "attribute_reasons": REASONS},
    "propose_conversion": lambda today, instance: {"reasons": "相关事项已办结，可以公开"},
    "propose_classification": lambda today, instance: {
        "level": "secret", "period": "十年", "scope": "办公室及相关处室"},
    "audit_return": lambda today, instance: {"comments": "请补充理由"},
    "approve_proposal": lambda today, instance: {"notes": "同意"},
    "approve_classification": lambda today, instance: {},
}


ROUND: dict[str, Example] = {
    "open_round": lambda today, instance: {"occurrence": today.isoformat()},
    "close_round": lambda today, instance: {"on": today.isoformat()},
}
"""The yearly round (年度复核), opened by the office on a day of its choosing."""


def seed_withheld_documents(engine: Engine) -> None:
    """Issue :data:`SEEDED_DOCS` as withheld (不予公开) ordinary documents, on today's date."""
    today = engine.clock.now().date().isoformat()
    for number in SEEDED_DOCS:
        inst = engine.start("publication_approval", DRAFTER, draft_data(
            review_level="ordinary", attribute="withheld", attribute_basis=BASIS,
            attribute_reasons=REASONS, doc_number=number))
        for trigger, actor, data in SEED_STEPS:
            extra = ({"reviewed_on": today, "formed_on": today}
                     if trigger == "pass_confidentiality" else data)
            inst = engine.fire(inst.id, trigger, actor, extra)
        assert inst.state == "filed", inst.state


# 行政复议和行政诉讼 ------------------------------------------------------------------------------

CHALLENGED: dict[str, str] = {}
"""The request the current challenge engine's cases are about (set by its factory)."""

CHALLENGE: dict[str, Example] = {
    "file_challenge": lambda today, instance: {
        "request_id": CHALLENGED["id"], "kind": _day_pick(today, (
            "reconsideration", "litigation")), "filed_on": today.isoformat()},
    "decide_challenge": lambda today, instance: {
        "result": _day_pick(today, ("upheld", "corrected", "other")),
        "decided_on": today.isoformat()},
}


def register_a_request(engine: Engine) -> None:
    """Register one disclosure request today, the one the challenges are about."""
    today = engine.clock.now().date().isoformat()
    CHALLENGED["id"] = engine.start("disclosure_request", REGISTRAR,
                                    payload("register", today)).id


# engine factories ------------------------------------------------------------------------------

def factory(seed: Callable[[Engine], None] | None = None
            ) -> Callable[[ManualClock], Any]:
    """An engine factory: every workflow on a temporary SQLite engine, then ``seed(engine)``."""

    @contextmanager
    def make(clock: ManualClock) -> Iterator[Engine]:
        with temp_engine(register_all, clock=clock, setup=seed) as engine:
            yield engine

    return make


EXAMPLES: dict[str, tuple[dict[str, Example], Callable[[Engine], None] | None]] = {
    "disclosure_request": (DISCLOSURE, None),
    "publication_approval": (PUBLICATION, None),
    "attribute_review": (ATTRIBUTE_REVIEW, seed_withheld_documents),
    "challenge": (CHALLENGE, register_a_request),
    "attribute_review_round": (ROUND, seed_withheld_documents),
}
"""Workflow → (examples, what its engine factory seeds)."""


# 依申请公开, with objections ------------------------------------------------------------------

OBJECTOR = "某科技有限公司"
"""The third party the disclosure examples consult (the one ``payload("consult")`` names)."""
OPINIONS = (
    {"party": OBJECTOR, "agrees": True},
    {"party": OBJECTOR, "agrees": False, "good_reason": True,
     "reasons": "涉及本公司商业秘密（技术参数）"},
    {"party": OBJECTOR, "agrees": False, "good_reason": False, "reasons": "不同意公开"},
    {"party": OBJECTOR, "agrees": False, "good_reason": True, "reasons": "涉及个人隐私"},
)
PROPOSALS = (
    {"outcome": "disclosed", "reasons": "不涉及国家秘密和商业秘密"},
    {"outcome": "disclosed", "reasons": "不公开可能对公共利益造成重大影响",
     "public_interest": "涉及周边居民饮用水安全"},
)


def _pick(today: date, instance: Instance | None, options: tuple[Any, ...]) -> Any:
    """One of ``options`` by the day and the instance (its random id), so that every option
    comes up in a few steps."""
    salt = int(instance.id.replace("-", "")[:8], 16) if instance is not None else 0
    return options[(today.toordinal() + salt) % len(options)]


def _opinions(today: date, instance: Instance | None) -> dict[str, Any]:
    """An agreement, a well-founded objection, or an unfounded one (条例 32)."""
    return payload("receive_opinions", today.isoformat(),
                   opinions=[_pick(today, instance, OPINIONS)])


def _proposal(today: date, instance: Instance | None) -> dict[str, Any]:
    """Disclosure, with or without a public-interest finding (条例 15, 32)."""
    return payload("propose", today.isoformat(), **_pick(today, instance, PROPOSALS))


def _reply(today: date, instance: Instance | None) -> dict[str, Any]:
    """The written reply; with the notice to the third party when the proposal found a public
    interest (条例 32)."""
    extra: dict[str, Any] = {}
    if instance is not None and (instance.data.get("proposal") or {}).get("public_interest"):
        extra["third_party_notified_on"] = today.isoformat()
    return payload("reply", today.isoformat(), **extra)


DISCLOSURE_WITH_OBJECTIONS: dict[str, Example] = {
    **DISCLOSURE, "receive_opinions": _opinions, "propose": _proposal, "reply": _reply}
""":data:`DISCLOSURE` with consulted third parties that object, with or without good reason,
and proposals that disclose over an objection on a public-interest finding."""
