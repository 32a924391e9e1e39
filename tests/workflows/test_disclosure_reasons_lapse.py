"""条例 35: an applicant asked for reasons who gives none within the period the agency set is
treated as giving no good reason; the request then is not stuck, and may be not processed.

Dates: received in person Monday 2025-11-03, assigned that day, reasons asked Tue 2025-11-04.
The period for reasons (default 15 working days, the day of asking not counted): Nov 5-7 (3),
10-14 (8), 17-21 (13), 24-25 (15) -> ends 2025-11-25, lapses at 00:00 on Nov 26.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine import SYSTEM, Engine, GuardRejected, PermissionDenied
from engine.testing import ManualClock
from tests.workflows.dump import asked_for_reasons, events, shared_db_fixture, unchanged  # noqa: F401
from tests.workflows.story import REGISTRAR, at
from workflows import register_all
from workflows.disclosure_request.definition import definition


def test_no_reasons_in_time_returns_the_request_with_none_on_record(shared_db: str) -> None:
    """条例 35: the reasons period ends 2025-11-25; the timer fires ``reasons_lapsed`` (by the
    system, dated on the last day), the request is back with the handling division with "no
    reasons given" on record, which allows 不予处理 (not_processed.excessive) and no longer
    period under 条例 35."""
    story = asked_for_reasons(shared_db)
    assert story.due("reasons") == date(2025, 11, 25)
    story.advance("2025-11-25")
    assert story.now.state == "awaiting_reasons"
    story.advance("2025-11-26")
    assert story.now.state == "assigned"
    (lapse,) = events(story, "reasons_lapsed")
    assert (lapse.actor_id, lapse.data["on"]) == ("system", "2025-11-25")
    assert story.now.data["reasons"] == {"given": False, "reasonable": False,
                                         "lapsed_on": "2025-11-25",
                                         "explanation": "no reasons given"}
    assert story.now.deadlines["reasons"].state == "stopped"
    with unchanged(story.engine), pytest.raises(GuardRejected) as refused:
        story.fire("set_reply_period", "2025-11-26")
    assert refused.value.guard == "disclosure_request.reasons_found_reasonable"
    story.fire("propose", "2025-11-26", outcome="not_processed.excessive",
               reasons="申请人在合理期限内未说明理由")
    assert story.now.state == "leader_review"


def test_reasons_given_in_time_stop_the_period(shared_db: str) -> None:
    """条例 35: reasons received on the last day (2025-11-25) stop the period; nothing lapses
    later."""
    story = asked_for_reasons(shared_db)
    story.fire("receive_reasons", "2025-11-25")
    assert story.now.deadlines["reasons"].state == "stopped"
    story.advance("2025-12-10")
    assert story.now.state == "assigned" and not events(story, "reasons_lapsed")
    assert story.now.data["reasons"]["reasonable"] is True


def test_only_the_lapse_declares_no_reasons(shared_db: str) -> None:
    """条例 35: staff cannot declare the period over (the system's trigger), and neither can the
    system before its last day ended."""
    story = asked_for_reasons(shared_db)
    story.clock.set(at("2025-11-20"))
    with unchanged(story.engine), pytest.raises(PermissionDenied):
        story.engine.fire(story.id, "reasons_lapsed", REGISTRAR, {"on": "2025-11-20"})
    with unchanged(story.engine), pytest.raises(GuardRejected) as refused:
        story.engine.fire(story.id, "reasons_lapsed", SYSTEM, {"on": "2025-11-20"})
    assert refused.value.guard == "disclosure_request.reasons_period_over"
    assert "2025-11-25" in refused.value.reason


def test_the_period_for_reasons_is_a_setting(db_url: str) -> None:
    """An agency may set another reasonable period (a definition setting): 10 working days
    from Nov 4 are Nov 5-7 (3), 10-14 (8), 17-18 (10) -> ends 2025-11-18."""
    engine = Engine(db_url, clock=ManualClock(at("2025-11-03")))
    register_all(engine)
    engine.register(definition(2, reasons_days=10))
    engine.close()
    story = asked_for_reasons(db_url)
    assert story.now.definition_version == 2
    assert story.due("reasons") == date(2025, 11, 18)
    story.advance("2025-11-19")
    assert story.now.state == "assigned"
    assert story.now.data["reasons"]["lapsed_on"] == "2025-11-18"
