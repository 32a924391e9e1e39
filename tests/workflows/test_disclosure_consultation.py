"""Periods from the recipient's receipt, and objections that are never lost (issue 9, items 1-2).

条例 32, 34: each consulted party has 15 working days from the day *it* received the letter;
条例 30: the correction period runs from the applicant's receipt of the notice; 国办函〔2020〕109号:
the applicant pays within 20 working days counted from the day after receiving the fee notice,
and the notice is sent within the reply period. 条例 15, 32: a well-founded objection blocks
disclosure unless withholding would seriously harm the public interest, and the third party is
then told in writing.

Requests received in person on Monday 2025-11-03; November and December 2025 have no holidays,
so every period is counted Monday to Friday, the day of the event not counted. Reply period
(条例 33): Nov 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Dec 1 (20) -> 2025-12-01.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import Actor, Engine, GuardRejected, InvalidData, InvalidTransition, grant_system
from engine.testing import ManualClock
from tests.workflows.dump import events, story_in, unchanged
from tests.workflows.story import HANDLER, REGISTRAR, Story, at, payload
from workflows import disclosure_request
from workflows.disclosure_request.models import RecordReceiptData

COMPANY = {"name": "甲公司", "kind": "third_party"}
AGENCY = {"name": "市发展和改革委员会", "kind": "agency"}
SYSTEM = grant_system("timer")
"""A scheduler bridge the agency granted the reserved role (engine.grant_system)."""
OBJECTION = {"party": COMPANY["name"], "agrees": False, "reasons": "涉及商业秘密",
             "good_reason": True}
LEGAL_BASIS = "《政府信息公开条例》第十五条"
FINDING = "涉及饮用水安全，不公开会对公共利益造成重大影响"


def _consult(db: str, *parties: dict[str, Any], sent_on: str = "2025-11-03") -> Story:
    """A request received and assigned on Mon 2025-11-03, consulting ``parties`` (each with its
    ``received_on`` where known) by letters sent on ``sent_on``, entered on the latest of those
    days (an event records what happened: no date in it lies after the day it is entered)."""
    story = story_in(db, "assigned")
    entered = max([sent_on, *(p["received_on"] for p in parties if p.get("received_on"))])
    story.fire("consult", entered, sent_on=sent_on, parties=list(parties))
    return story


def _refuse(story: Story, trigger: str, day: str, error: type[Exception],
            actor: Actor = HANDLER, **extra: Any) -> Exception:
    """Fire and expect ``error``; nothing in the tables changes."""
    story.clock.set(max(at(day), story.clock.now()))
    with unchanged(story.engine), pytest.raises(error) as refused:
        story.engine.fire(story.id, trigger, actor, payload(trigger, day, **extra))
    return refused.value


def _member(story: Story, party: str) -> tuple[str, date | None]:
    m = story.now.deadlines["consultation"].details["members"][party]
    return m.state, m.due_date


def _round(story: Story, n: int = -1) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in story.now.data["consultations"][n]["parties"]}


# 条例 32, 34: each party's 15 working days from its own receipt ----------

def test_the_issue_example_a_letter_signed_for_three_days_later(db_url: str) -> None:
    """条例 32: letter sent Mon 2025-11-03, signed for Thu 11-06. From the receipt: Nov 7 (1),
    10-14 (6), 17-21 (11), 24-27 (15) -> the period ends 2025-11-27 (from the sending day it
    would be Nov 4-7 (4), 10-14 (9), 17-21 (14), 24 (15) -> 11-24). The objection received on
    11-26 is within time and recorded; the request is still consulting on 11-25."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-06"})
    assert _member(story, COMPANY["name"]) == ("running", date(2025, 11, 27))
    story.advance("2025-11-25")
    assert story.now.state == "consulting" and events(story, "consultation_lapsed") == []
    story.fire("receive_opinions", "2025-11-26", opinions=[OBJECTION])
    assert story.now.state == "assigned"
    answer = _round(story)[COMPANY["name"]]["answer"]
    assert answer == {"agrees": False, "reasons": "涉及商业秘密", "good_reason": True,
                      "received_on": "2025-11-26"}
    # Reply: nothing used (sent the day of receipt), paused Nov 3 -> 26; 20 from Nov 26:
    # Nov 27-28 (2), Dec 1-5 (7), 8-12 (12), 15-19 (17), 22-24 (20) -> 2025-12-24.
    assert story.due("reply") == date(2025, 12, 24)
    error = _refuse(story, "propose", "2025-11-27", GuardRejected, outcome="disclosed")
    assert COMPANY["name"] in str(error)


def test_a_letter_without_a_known_receipt_never_lapses_until_it_is_recorded(db_url: str
                                                                            ) -> None:
    """条例 32: the period runs from the receipt; while the receipt is unknown it has not started
    and cannot lapse, and the worklist shows the request waiting for it. The proof of service
    (送达回证) comes back on Nov 10 showing receipt on Thu 11-06: the period ends 2025-11-27
    (counted as above) and lapses at 00:00 on Nov 28."""
    story = _consult(db_url, COMPANY)
    assert _member(story, COMPANY["name"]) == ("paused", None)
    note = "consultation: waiting for receipt (甲公司)"
    assert story.now.data["awaiting_receipt"] == [
        {"notice": "consultation", "party": "甲公司", "sent_on": "2025-11-03", "note": note}]
    [item] = [i for i in story.engine.worklist(HANDLER) if i.instance.id == story.id]
    assert item.deadline is None
    waiting = story.engine.definition("disclosure_request").settings["waiting_field"]
    assert [w["note"] for w in item.instance.data[waiting]] == [note]
    story.advance("2025-11-07")
    assert story.now.state == "consulting"
    story.fire("record_receipt", "2025-11-10", party=COMPANY["name"], received_on="2025-11-06")
    assert _member(story, COMPANY["name"]) == ("running", date(2025, 11, 27))
    assert story.now.data["awaiting_receipt"] == []
    assert _round(story)[COMPANY["name"]]["received_on"] == "2025-11-06"
    story.advance("2025-11-27")
    assert story.now.state == "consulting"
    story.advance("2025-11-28")
    assert story.now.state == "assigned"
    (lapse,) = events(story, "consultation_lapsed")
    assert dict(lapse.data)["party"] == COMPANY["name"] and lapse.data["on"] == "2025-11-27"


def test_gongkai_todo_shows_a_request_waiting_for_a_receipt(db_url: str) -> None:
    """条例 32: until the receipt is recorded the period has not started; the worklist line says
    what the request waits for instead of a due date."""
    from click.testing import CliRunner

    from engine.cli import main

    story = _consult(db_url, COMPANY)
    result = CliRunner().invoke(main, ["todo", "--role", "handler", "--db", story.engine.url],
                                catch_exceptions=False)
    [line] = [ln for ln in result.output.splitlines() if ln.startswith(story.id)]
    assert line.split("\t")[3] == "-"
    assert line.endswith("\tconsultation: waiting for receipt (甲公司)")


def test_each_party_counts_from_its_own_receipt_and_the_last_one_ends_it(db_url: str) -> None:
    """条例 32, 34: the agency received its letter Mon 11-03 (Nov 4-7 (4), 10-14 (9), 17-21 (14),
    24 (15) -> 11-24), the company Thu 11-06 (-> 11-27). The agency's lapse on 11-24 leaves the
    request consulting; it returns to ``assigned`` only when the company answers."""
    story = _consult(db_url, {**AGENCY, "received_on": "2025-11-03"},
                     {**COMPANY, "received_on": "2025-11-06"})
    assert _member(story, AGENCY["name"]) == ("running", date(2025, 11, 24))
    story.advance("2025-11-26")
    assert story.now.state == "consulting"
    assert _round(story)[AGENCY["name"]]["silent"] == {"on": "2025-11-24",
                                                        "effect": "deemed_to_agree"}
    assert story.now.deadlines["reply"].state == "paused"
    story.fire("receive_opinions", "2025-11-26", opinions=[OBJECTION])
    assert story.now.state == "assigned"
    assert story.due("reply") == date(2025, 12, 24)


# 条例 15, 32: an answer once given is never lost ----------

def test_opinions_come_party_by_party_and_the_request_waits_for_all(db_url: str) -> None:
    """条例 32, 34: the company objects on Nov 10; the request stays consulting (the reply period
    stays paused) until the agency answers on Nov 12. Answering twice, or for a party not
    consulted, is refused and changes nothing."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-03"},
                     {**AGENCY, "received_on": "2025-11-03"})
    story.fire("receive_opinions", "2025-11-10", opinions=[OBJECTION])
    assert story.now.state == "consulting"
    assert _member(story, COMPANY["name"])[0] == "stopped"
    assert story.now.deadlines["reply"].state == "paused"
    again = {"party": COMPANY["name"], "agrees": True}
    error = _refuse(story, "receive_opinions", "2025-11-11", GuardRejected, opinions=[again])
    assert "never replaced" in str(error)
    stranger = {"party": "某律师事务所", "agrees": True}
    _refuse(story, "receive_opinions", "2025-11-11", GuardRejected, opinions=[stranger])
    story.fire("receive_opinions", "2025-11-12", opinions=[{"party": AGENCY["name"],
                                                            "agrees": True}])
    assert story.now.state == "assigned"
    parties = _round(story)
    assert parties[COMPANY["name"]]["answer"]["agrees"] is False
    assert parties[AGENCY["name"]]["answer"]["received_on"] == "2025-11-12"
    # Reply: paused Nov 3 -> 12; 20 from Nov 12: Nov 13-14 (2), 17-21 (7), 24-28 (12),
    # Dec 1-5 (17), 8-10 (20) -> 2025-12-10.
    assert story.due("reply") == date(2025, 12, 10)


def test_a_lapse_marks_silent_only_the_parties_that_did_not_answer(db_url: str) -> None:
    """条例 32, 34: the company objected on Nov 10; the agency stays silent: its period (from
    Mon 11-03) ends 11-24 and lapses at 00:00 on 11-25. Only the agency is recorded silent
    (deemed to agree); the company's objection stays and still blocks disclosure. Reply resumes
    on Nov 24: Nov 25-28 (4), Dec 1-5 (9), 8-12 (14), 15-19 (19), 22 (20) -> 2025-12-22."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-03"},
                     {**AGENCY, "received_on": "2025-11-03"})
    story.fire("receive_opinions", "2025-11-10", opinions=[OBJECTION])
    story.advance("2025-11-25")
    assert story.now.state == "assigned"
    parties = _round(story)
    assert "silent" not in parties[COMPANY["name"]]
    assert parties[COMPANY["name"]]["answer"]["good_reason"] is True
    assert parties[AGENCY["name"]]["silent"]["effect"] == "deemed_to_agree"
    assert [e.data["party"] for e in events(story, "consultation_lapsed")] == [AGENCY["name"]]
    assert story.due("reply") == date(2025, 12, 22)
    _refuse(story, "propose", "2025-11-25", GuardRejected, outcome="disclosed")


def test_a_second_round_never_erases_an_earlier_objection(db_url: str) -> None:
    """条例 32: the company objected with good reason in round 1 (Nov 10). Round 2 (letters
    handed over Tue Nov 11) consults it again with the agency; the agency agrees on Nov 12 and
    the company stays silent: Nov 12-14 (3), 17-21 (8), 24-28 (13), Dec 1-2 (15) -> lapses on
    2025-12-02. Silence is no answer: the round-1 objection still stands and blocks disclosure;
    the record keeps both rounds."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-03"})
    story.fire("receive_opinions", "2025-11-10", opinions=[OBJECTION])
    story.fire("consult", "2025-11-11", parties=[{**COMPANY, "received_on": "2025-11-11"},
                                                 {**AGENCY, "received_on": "2025-11-11"}])
    story.fire("receive_opinions", "2025-11-12", opinions=[{"party": AGENCY["name"],
                                                            "agrees": True}])
    story.advance("2025-12-03")
    assert story.now.state == "assigned"
    rounds = story.now.data["consultations"]
    assert len(rounds) == 2
    assert rounds[0]["parties"][0]["answer"]["good_reason"] is True
    assert _round(story)[COMPANY["name"]]["silent"] == {"on": "2025-12-02",
                                                         "effect": "agency_decides"}
    error = _refuse(story, "propose", "2025-12-03", GuardRejected, outcome="disclosed")
    assert COMPANY["name"] in str(error)
    story.fire("propose", "2025-12-03", outcome="withheld.third_party_rights",
               legal_basis=LEGAL_BASIS)


def test_the_partys_own_later_answer_replaces_its_objection(db_url: str) -> None:
    """条例 32: consulted again, the company now agrees (Nov 12): its latest answer counts, the
    objection stays on record in round 1."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-03"})
    story.fire("receive_opinions", "2025-11-10", opinions=[OBJECTION])
    story.fire("consult", "2025-11-11", parties=[{**COMPANY, "received_on": "2025-11-11"}])
    story.fire("receive_opinions", "2025-11-12", opinions=[{"party": COMPANY["name"],
                                                            "agrees": True}])
    assert story.now.data["consultations"][0]["parties"][0]["answer"]["agrees"] is False
    story.fire("review_confidentiality", "2025-11-13")  # 条例 17: reviewed for secrets first
    story.fire("propose", "2025-11-13", outcome="disclosed")
    assert story.now.state == "leader_review"


def test_disclosing_over_an_objection_needs_the_written_notice_to_the_third_party(
        db_url: str) -> None:
    """条例 15, 32: the agency finds that withholding would seriously harm the public interest
    and discloses over the objection; it must tell the third party in writing, so the reply
    records ``third_party_notified_on``; without it the reply is refused and changes nothing."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-03"})
    story.fire("receive_opinions", "2025-11-10", opinions=[OBJECTION])
    story.fire("review_confidentiality", "2025-11-11")  # 条例 17: reviewed for secrets first
    story.fire("propose", "2025-11-11", outcome="disclosed", public_interest=FINDING)
    story.fire("approve", "2025-11-12")
    error = _refuse(story, "reply", "2025-11-13", GuardRejected, actor=REGISTRAR)
    assert "third_party_notified_on" in str(error)
    story.fire("reply", "2025-11-13", third_party_notified_on="2025-11-13")
    assert story.now.state == "replied"
    assert story.now.data["reply"]["third_party_notified_on"] == "2025-11-13"


def test_without_an_objection_the_reply_needs_no_third_party_notice(db_url: str) -> None:
    """条例 32: the written notice concerns a third party that objected with good reason."""
    story = _consult(db_url, {**COMPANY, "received_on": "2025-11-03"})
    story.fire("receive_opinions", "2025-11-10",
               opinions=[{"party": COMPANY["name"], "agrees": True}])
    story.fire("review_confidentiality", "2025-11-11")  # 条例 17: reviewed for secrets first
    story.fire("propose", "2025-11-11", outcome="disclosed", public_interest=FINDING)
    story.fire("approve", "2025-11-12")
    story.fire("reply", "2025-11-13")
    assert story.now.state == "replied"


# 送达回证: recording a receipt ----------

def test_record_receipt_refusals_change_nothing(db_url: str) -> None:
    """A receipt is recorded once, for a notice of the current step, and not before the letter
    was sent (条例 32: the period runs from the receipt of *this* letter)."""
    story = _consult(db_url, COMPANY, {**AGENCY, "received_on": "2025-11-05"},
                     sent_on="2025-11-05")
    _refuse(story, "record_receipt", "2025-11-10", GuardRejected, notice="fee", party=None)
    _refuse(story, "record_receipt", "2025-11-10", GuardRejected, party="乙公司")
    error = _refuse(story, "record_receipt", "2025-11-10", GuardRejected, party=AGENCY["name"])
    assert "already recorded" in str(error)
    error = _refuse(story, "record_receipt", "2025-11-10", InvalidData, party=COMPANY["name"],
                    received_on="2025-11-04")
    assert "before" in str(error)
    _refuse(story, "record_receipt", "2025-11-10", InvalidData, party=COMPANY["name"],
            received_on="2025-11-11")
    _refuse(story, "record_receipt", "2025-11-10", InvalidData, party=None)
    story.fire("record_receipt", "2025-11-10", party=COMPANY["name"], received_on="2025-11-06")
    _refuse(story, "record_receipt", "2025-11-11", GuardRejected, party=COMPANY["name"],
            received_on="2025-11-07")


def test_an_answer_before_the_receipt_is_recorded_ends_that_partys_period(db_url: str) -> None:
    """条例 32: an answer shows the letter arrived; the party's period (never started) ends, and
    a receipt recorded afterwards is refused: nothing is left to count."""
    story = _consult(db_url, COMPANY)
    story.fire("receive_opinions", "2025-11-10", opinions=[OBJECTION])
    assert story.now.state == "assigned" and story.now.data["awaiting_receipt"] == []
    _refuse(story, "record_receipt", "2025-11-11", InvalidTransition, party=COMPANY["name"])


@pytest.mark.parametrize(("data", "field"), [
    ({"notice": "consultation", "received_on": "2025-11-06"}, "party"),
    ({"notice": "fee", "party": "甲公司", "received_on": "2025-11-06"}, "party"),
    ({"notice": "letter", "received_on": "2025-11-06"}, "notice"),
])
def test_record_receipt_data(data: dict[str, str], field: str) -> None:
    """The party names the consulted party of a consultation letter, and only there."""
    with pytest.raises(ValueError, match=field):
        RecordReceiptData.model_validate(data)


# 国办函〔2020〕109号: the fee notice ----------

def test_the_fee_period_runs_from_the_day_after_receipt(db_url: str) -> None:
    """109号: notice sent Wed 11-05, received Fri 11-07: Nov 10-14 (5), 17-21 (10), 24-28 (15),
    Dec 1-5 (20) -> the applicant may pay until 2025-12-05 (from the sending day it would end
    12-03); the request is deemed abandoned at 00:00 on Dec 6."""
    story = story_in(db_url, "assigned")
    story.fire("notify_fee", "2025-11-07", notified_on="2025-11-05", received_on="2025-11-07")
    assert story.due("fee_payment") == date(2025, 12, 5)
    story.advance("2025-12-05")
    assert story.now.state == "awaiting_fee"
    story.advance("2025-12-06")
    assert (story.now.state, story.now.data["outcome"]) == ("closed", "other.fee_unpaid")


def test_a_fee_notice_without_a_known_receipt_cannot_lapse(db_url: str) -> None:
    """109号: the 20 working days have not started before the receipt; the system cannot declare
    the fee unpaid. Receipt recorded on Nov 10 as Fri 11-07 -> due 2025-12-05 as above."""
    story = story_in(db_url, "assigned")
    story.fire("notify_fee", "2025-11-05", received_on=None)
    assert story.now.deadlines["fee_payment"].state == "paused"
    assert [w["note"] for w in story.now.data["awaiting_receipt"]] == ["fee: waiting for receipt"]
    # the reply period still pauses from the sending day (Nov 4, 5 used)
    assert story.now.deadlines["reply"].used == 2
    story.advance("2026-01-05")
    assert story.now.state == "awaiting_fee"
    error = _refuse(story, "fee_lapsed", "2026-01-05", GuardRejected, actor=SYSTEM, on=None)
    assert "not recorded" in str(error)
    story.fire("record_receipt", "2026-01-05", notice="fee", party=None,
               received_on="2025-11-07")
    assert story.due("fee_payment") == date(2025, 12, 5)
    assert story.now.data["fee"]["received_on"] == "2025-11-07"


@pytest.mark.parametrize(("sent_on", "allowed"), [("2025-12-01", True), ("2025-12-02", False)])
def test_the_fee_notice_is_sent_within_the_reply_period(db_url: str, sent_on: str,
                                                        allowed: bool) -> None:
    """109号: the fee notice is sent within the reply period (here ending 2025-12-01)."""
    story = story_in(db_url, "assigned")
    if allowed:
        story.fire("notify_fee", sent_on)
        assert story.now.state == "awaiting_fee"
    else:
        error = _refuse(story, "notify_fee", sent_on, GuardRejected)
        assert "2025-12-01" in str(error)


# 条例 30: the correction notice ----------

def test_the_correction_period_runs_from_the_applicants_receipt(db_url: str) -> None:
    """条例 30: notice sent Wed 11-05 with 10 working days, received Fri 11-07: Nov 10-14 (5),
    17-21 (10) -> 2025-11-21 (from the sending day: 11-19); lapses at 00:00 on Nov 22."""
    story = story_in(db_url, "registered")
    story.fire("request_correction", "2025-11-07", notified_on="2025-11-05",
               received_on="2025-11-07")
    assert story.due("correction") == date(2025, 11, 21)
    story.advance("2025-11-21")
    assert story.now.state == "awaiting_correction"
    story.advance("2025-11-22")
    assert (story.now.state, story.now.data["outcome"]) == ("closed", "other.no_correction")


def test_a_correction_notice_without_a_known_receipt_cannot_lapse(db_url: str) -> None:
    """条例 30: no day of the period counts before the receipt; staff cannot declare the request
    abandoned. Receipt recorded on Nov 12 as Fri 11-07: due 2025-11-21 as above."""
    story = story_in(db_url, "registered")
    story.fire("request_correction", "2025-11-05", received_on=None)
    assert story.now.deadlines["correction"].state == "paused"
    story.advance("2025-11-25")
    assert story.now.state == "awaiting_correction"
    error = _refuse(story, "correction_lapsed", "2025-11-25", GuardRejected, actor=REGISTRAR,
                    on="2025-11-25")
    assert "not recorded" in str(error)
    story.fire("record_receipt", "2025-11-25", notice="correction", party=None,
               received_on="2025-11-07")
    assert story.due("correction") == date(2025, 11, 21)
    assert story.now.data["awaiting_receipt"] == []


@pytest.mark.parametrize(("days", "allowed"), [(15, True), (16, False)])
def test_the_correction_period_is_at_most_15_working_days_by_default(
        db_url: str, days: int, allowed: bool) -> None:
    """条例 30 (a reasonable period); national guidance: generally at most 15 working days."""
    story = story_in(db_url, "registered")
    if allowed:
        story.fire("request_correction", "2025-11-05", period_days=days)
        assert story.now.state == "awaiting_correction"
    else:
        error = _refuse(story, "request_correction", "2025-11-05", GuardRejected,
                        period_days=days)
        assert "15" in str(error)


def test_an_agency_may_set_a_longer_correction_limit(db_url: str) -> None:
    """条例 30 asks only a reasonable period: ``max_correction_days`` is a definition setting
    (at most 60). Notice Mon 11-03 received the same day, 20 working days -> 2025-12-01."""
    engine = Engine(db_url, clock=ManualClock(at("2025-11-03")))
    disclosure_request.register(engine, disclosure_request.definition(max_correction_days=20))
    inst = engine.start("disclosure_request", REGISTRAR, payload("register", "2025-11-03"))
    inst = engine.fire(inst.id, "request_correction", HANDLER,
                       payload("request_correction", "2025-11-03", period_days=20))
    assert inst.deadlines["correction"].due_date == date(2025, 12, 1)
    with pytest.raises(ValueError, match="max_correction_days"):
        disclosure_request.definition(max_correction_days=61)


def test_a_request_found_unclear_after_assignment_may_still_be_corrected_once(db_url: str
                                                                             ) -> None:
    """条例 30: the division finds the request unclear after assignment (Thu 11-13, after the 7th
    working day, 11-12): the notice is allowed and recorded as late; still only once."""
    story = story_in(db_url, "assigned")
    story.fire("request_correction", "2025-11-13")
    assert story.now.state == "awaiting_correction"
    assert story.now.data["correction_notice_late"] is True
    story.fire("receive_correction", "2025-11-17")
    story.fire("assign", "2025-11-17")
    error = _refuse(story, "request_correction", "2025-11-18", GuardRejected)
    assert "once" in str(error)
