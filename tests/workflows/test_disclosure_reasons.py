"""Requests beyond a reasonable volume or frequency (条例 35): reasons asked, then either not
processed (reasons unreasonable) or answered within a longer period the agency sets.

Dates: received in person Monday 2025-11-03; the reply period (条例 33) counts Nov 4-7 (4),
10-14 (9), 17-21 (14), 24-28 (19), Dec 1 (20) -> due 2025-12-01.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine import GuardRejected
from tests.workflows.dump import asked_for_reasons, shared_db_fixture, unchanged  # noqa: F401
from tests.workflows.story import Story


def test_reasons_found_reasonable_lead_to_a_longer_period(shared_db: str) -> None:
    """条例 35: reasons found reasonable, the request too large for 条例 33's period: the agency
    sets a longer reasonable period. 10 more working days after 2025-12-01: Dec 2-5 (4), 8-12
    (9), 15 (10) -> due 2025-12-15. The reply period keeps running while reasons are awaited."""
    story = asked_for_reasons(shared_db)
    assert story.now.state == "awaiting_reasons"
    assert story.now.deadlines["reply"].state == "running"
    story.fire("receive_reasons", "2025-11-10")
    story.fire("set_reply_period", "2025-11-11")
    assert story.now.state == "assigned"
    assert story.due("reply") == date(2025, 12, 15)
    assert story.now.data["longer_period"]["extra_days"] == 10


def test_unreasonable_reasons_allow_not_processing(shared_db: str) -> None:
    """条例 35: reasons found unreasonable -> the applicant is told the request is not processed
    (annual report 不予处理 4. 无正当理由大量反复申请)."""
    story = asked_for_reasons(shared_db)
    story.fire("receive_reasons", "2025-11-10", reasonable=False)
    with pytest.raises(GuardRejected) as refused, unchanged(story.engine):
        story.fire("set_reply_period", "2025-11-11")
    assert refused.value.guard == "disclosure_request.reasons_found_reasonable"
    story.fire("propose", "2025-11-11", outcome="not_processed.excessive",
               reasons="一个月内就同类信息提出四十余项申请，未说明正当理由")
    story.fire("approve", "2025-11-12")
    assert story.now.data["outcome"] == "not_processed.excessive"


@pytest.mark.parametrize("reasonable", [None, True])
def test_excessive_needs_reasons_found_unreasonable(shared_db: str,
                                                    reasonable: bool | None) -> None:
    """条例 35: 'not processed as excessive' only after reasons were asked for and found
    unreasonable — not without asking, and not against reasons found reasonable."""
    story = Story(shared_db, "2025-11-03")
    story.fire("accept", "2025-11-03")
    story.fire("assign", "2025-11-03")
    if reasonable is not None:
        story.fire("ask_reasons", "2025-11-04")
        story.fire("receive_reasons", "2025-11-10", reasonable=reasonable)
    with pytest.raises(GuardRejected) as refused, unchanged(story.engine):
        story.fire("propose", "2025-11-11", outcome="not_processed.excessive",
                   reasons="申请数量明显超过合理范围")
    assert refused.value.guard == "disclosure_request.excessive_only_after_reasons"
