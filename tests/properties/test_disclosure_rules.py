"""The law's rules for a disclosure request (依申请公开), as invariants checked by
``workflow_state_machine`` after every step of random histories on SQLite: random starts near
holidays, triggers fired with example data (tests/properties/examples.py, with third parties
that object to disclosure), time passing, invalid steps.

Each invariant cites where its rule comes from; they are computed from the instance's data and
history and the engine's working calendar, not from the workflow's own guards.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test

from engine import Actor, Engine
from engine.testing import workflow_state_machine
from tests.properties.conftest import profile
from tests.properties.examples import DISCLOSURE_WITH_OBJECTIONS, factory
from tests.workflows.story import Story
from workflows.disclosure_request.outcomes import OUTCOME_CODES, OutcomeGroup, outcome

REPLY_DAYS = 20
"""条例 33: the reply is due within 20 working days of receipt."""
DISCLOSING = (OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIALLY_DISCLOSED)
REACHED: Counter[str] = Counter()
"""How often the walks reached what the rules are about (instance-steps), to show they do."""


def closed_request_has_outcome_and_reply_or_reason(engine: Engine, instance_id: str) -> None:
    """Source 四(一) (书面答复制): a closed request has an outcome, and either a served reply or
    a recorded reason it closed without one: a lapse (条例 30) or a withdrawal."""
    now = engine.get(instance_id)
    if not now.closed:
        return
    REACHED["closed"] += 1
    assert now.data.get("outcome") in OUTCOME_CODES, (
        f"closed request {instance_id} has outcome {now.data.get('outcome')!r}")
    served = "service" in now.data and "reply" in now.data
    reason = "lapse" in now.data or "withdrawal" in now.data
    assert served or reason, (
        f"closed request {instance_id} has neither a served reply nor a lapse or withdrawal: "
        f"{sorted(now.data)}")


def at_most_one_correction_notice(engine: Engine, instance_id: str) -> None:
    """条例 30 (一次性告知): the applicant is asked to correct the request at most once."""
    notices = [e for e in engine.history(instance_id) if e.trigger == "request_correction"]
    REACHED["corrections"] += len(notices)
    assert len(notices) <= 1, (
        f"request {instance_id} was asked to correct {len(notices)} times (条例 30)")


def at_most_one_extension_per_reply_period(engine: Engine, instance_id: str) -> None:
    """条例 33: the reply period is extended at most once; a received correction starts a new
    period (条例 30), which may be extended once again."""
    period: list[int] = [0]
    for event in engine.history(instance_id):
        if event.trigger == "receive_correction":
            period.append(0)
        elif event.trigger == "extend":
            period[-1] += 1
    REACHED["extensions"] += sum(period)
    assert max(period) <= 1, (
        f"request {instance_id} extended its reply period {max(period)} times (条例 33)")


def _effective_start(data: dict[str, Any]) -> date:
    """The day the reply period runs from: the receipt (条例 31), or the receipt of the
    correction (条例 30)."""
    corrected = data.get("corrected") or {}
    return date.fromisoformat(corrected.get("received_on") or data["received_on"])


PAUSES = {"consult": "sent_on", "notify_fee": "notified_on"}
"""The reply period stops counting from these days: a consultation letter sent (条例 32, 34)
and a fee notice sent (国办函〔2020〕109号, the default setting)."""
RESUMES = {"receive_opinions": "received_on", "consultation_lapsed": "on",
           "receive_payment": "paid_on"}
"""…and counts on from these, once the request is back in ``assigned``."""


def _paused_working_days(engine: Engine, instance_id: str) -> int | None:
    """Working days the reply period stood still since its effective start: for each pause,
    the working days after the day it began up to and including the day it ended (the day a
    letter goes out still counts, as in the hand-worked deadline cases); ``None`` while a pause
    is still open."""
    paused, since = 0, None
    for event in engine.history(instance_id):
        if event.trigger == "receive_correction":
            paused, since = 0, None
        elif event.trigger in PAUSES and since is None:
            since = date.fromisoformat(str(event.data[PAUSES[event.trigger]]))
        elif (event.trigger in RESUMES and event.to_state == "assigned"
              and since is not None):
            resumed = date.fromisoformat(str(event.data[RESUMES[event.trigger]]))
            paused += engine.calendar.get_working_days_delta(since, resumed)
            since = None
    return None if since is not None else paused


def reply_due_no_earlier_than_twenty_working_days(engine: Engine, instance_id: str) -> None:
    """条例 33 (and 30, 31): the reply is never due earlier than 20 working days after the
    effective receipt plus the working days the period stood still (consultation, fee);
    extensions only move it later. Counted on the engine's own calendar (holidays and 调休
    working weekends)."""
    now = engine.get(instance_id)
    reply = now.deadlines.get("reply")
    paused = _paused_working_days(engine, instance_id)
    if reply is None or reply.due_date is None or paused is None:
        return
    start = _effective_start(dict(now.data))
    earliest = engine.calendar.add_working_days(start, REPLY_DAYS + paused)
    REACHED["paused_days"] += paused
    assert reply.due_date >= earliest, (
        f"request {instance_id}: reply due {reply.due_date}, earlier than {earliest}, the "
        f"{REPLY_DAYS}th working day after {start} plus {paused} paused (条例 33)")


def _well_founded_objections(data: dict[str, Any]) -> set[str]:
    """Third parties whose latest answer, over every round, objects with good reason."""
    latest: dict[str, tuple[str, dict[str, Any]]] = {}
    for round_ in data.get("consultations") or ():
        for party in round_["parties"]:
            if "answer" in party:
                latest[party["name"]] = (party["kind"], party["answer"])
    return {name for name, (kind, answer) in latest.items()
            if kind == "third_party" and not answer["agrees"] and answer.get("good_reason")}


def no_disclosure_over_objection_without_public_interest(engine: Engine,
                                                         instance_id: str) -> None:
    """条例 15, 32: when a third party objects with good reason, the information is disclosed
    only if the agency finds that withholding it would seriously harm the public interest; that
    finding is recorded with the proposal, and the third party is told in writing before the
    reply."""
    now = engine.get(instance_id)
    data = dict(now.data)
    objecting = _well_founded_objections(data)
    if not objecting:
        return
    REACHED["objections"] += 1
    proposal = data.get("proposal") or {}
    decided = data.get("outcome") or (proposal.get("outcome") if "proposal" in data else None)
    if decided is None or decided not in OUTCOME_CODES or outcome(decided).group not in DISCLOSING:
        return
    REACHED["disclosing over objection"] += 1
    assert proposal.get("public_interest"), (
        f"request {instance_id} discloses ({decided}) over the objection of {objecting} "
        "without a public-interest finding (条例 15, 32)")
    if "reply" in data:
        REACHED["replied over objection"] += 1
        assert data["reply"].get("third_party_notified_on"), (
            f"request {instance_id} replied disclosing over {objecting} without telling the "
            "third party (条例 32)")


RULES = (closed_request_has_outcome_and_reply_or_reason, at_most_one_correction_notice,
         at_most_one_extension_per_reply_period, reply_due_no_earlier_than_twenty_working_days,
         no_disclosure_over_objection_without_public_interest)


ROUTE = {"registered": "accept", "accepted": "assign", "assigned": "consult",
         "consulting": "receive_opinions", "leader_review": "approve", "decided": "reply",
         "replied": "serve"}
"""A shortcut through the procedure: from each state, the step towards a reply after a
consultation, so that random walks reach objections and replies over them in a few steps."""
STAFF = Actor("rules-staff", ("registrar", "handler", "office_head", "leader",
                              "secrecy_reviewer"))

Base = workflow_state_machine("disclosure_request", invariants=RULES, engine_factory=factory(),
                              examples=DISCLOSURE_WITH_OBJECTIONS)


class DisclosureRulesMachine(Base):  # type: ignore[misc, valid-type]
    """The toolkit's machine, plus a rule that takes one request a few steps along
    :data:`ROUTE` (or, from ``assigned`` after a consultation, reviews and proposes)."""

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data(), steps=st.integers(2, 8))
    def go_deeper(self, data: st.DataObject, steps: int) -> None:
        open_ids = self._open()
        if not open_ids:
            return
        instance_id = data.draw(st.sampled_from(open_ids), label="instance")
        for _ in range(steps):
            now = self.engine.get(instance_id)
            trigger = ROUTE.get(now.state)
            if now.state == "assigned" and now.data.get("consultations"):
                trigger = ("propose" if "confidentiality_review" in now.data
                           else "review_confidentiality")
            if trigger is None or now.closed:
                return
            fields = self.examples[trigger](self.today, now)
            if self._attempt(lambda t=trigger, f=fields: self.engine.fire(instance_id, t, STAFF, f),
                             f"route {trigger} on {instance_id[:8]} ({now.state})") is None:
                return


def test_disclosure_requests_keep_the_law_rules() -> None:
    run_state_machine_as_test(DisclosureRulesMachine, settings=profile())


def test_the_pause_accounting_agrees_with_a_hand_worked_case(tmp_path: Any) -> None:
    """The consultation across National Day (tests/data/deadline-cases.json, worked out by hand
    from the 2025 schedule): received 09-15, letter sent 09-24, opinions back 10-20, reply due
    11-06 (条例 32, 33). The invariant's count of paused working days puts its earliest due date
    exactly there, so it holds with no slack, and a due date one working day earlier would fail
    it."""
    cases = json.loads((Path(__file__).parents[1] / "data" / "deadline-cases.json")
                       .read_text(encoding="utf-8"))["cases"]
    case = next(c for c in cases
                if c["name"] == "third-party consultation across National Day (条例 32, 33)")
    story = Story(f"sqlite:///{tmp_path / 'case.db'}", case["received_on"])
    for trigger in ("accept", "assign"):
        story.fire(trigger, case["received_on"])
    story.fire("consult", case["events"][0]["sent_on"])
    story.fire("receive_opinions", case["events"][1]["received_on"])
    paused = _paused_working_days(story.engine, story.id)
    assert paused is not None and paused > 0
    earliest = story.engine.calendar.add_working_days(date.fromisoformat(case["received_on"]),
                                                      REPLY_DAYS + paused)
    assert earliest.isoformat() == case["reply_due"] == str(story.due("reply"))
    reply_due_no_earlier_than_twenty_working_days(story.engine, story.id)
