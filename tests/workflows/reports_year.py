"""A small scripted year of disclosure requests for the report tests (2024–2026).

Nine requests of one agency, each driven through the engine on its own dates; the tables the
tests expect are worked out by hand from this list, not from the code under test:

====  ===============  ==========  ==========================================  ==========
name  applicant        received    how it ends                                 finished
====  ===============  ==========  ==========================================  ==========
A     natural_person   2024-12-16  disclosed                                   2025-01-08
B     commercial       2024-12-18  withdrawn → other.other                     2025-01-06
C     natural_person   2024-11-04  disclosed                                   2024-11-20
D     natural_person   2025-03-03  partially_disclosed (fee 200 yuan paid)     2025-03-20
E     legal_service    2025-04-07  withheld.third_party_rights                 2025-04-25
F     research         2025-05-12  unavailable.not_held                        2025-05-26
G     natural_person   2025-06-09  correction lapsed → other.no_correction     2025-06-23
H     social_welfare   2025-12-15  disclosed                                   2026-01-09
I     other_org        2025-12-22  still open                                  —
====  ===============  ==========  ==========================================  ==========

G: correction notice on Mon 2025-06-09 with 10 working days (条例 30): Jun 10–13 (4), 16–20
(9), 23 (10), so the period ends 2025-06-23 and the request lapses then.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import workflows
from engine import Engine
from engine.testing import ManualClock
from tests.workflows.story import APPLICANT, Story, at

REPORT_DAY = "2026-02-02"
"""The day the reports are made (after every finish date above)."""

CONVENIENCE = "建议向市统计局咨询"
LEGAL_BASIS = "《中华人民共和国政府信息公开条例》第十五条"


def _applicant(kind: str) -> dict[str, Any]:
    return {"applicant": {"name": f"{kind}申请人", "type": kind, "contact": "13800000000",
                          "id": APPLICANT.id}}


def _reply(db_url: str, received: str, kind: str, finished: str, number: int,
           **proposal: Any) -> Story:
    story = Story(db_url, received, **_applicant(kind))
    story.fire("accept", received)
    story.fire("assign", received)
    story.fire("review_confidentiality", received)
    story.fire("propose", received, **proposal)
    story.fire("approve", received)
    story.fire("reply", finished, document_number=f"依申复〔{finished[:4]}〕{number}号")
    return story


def script_year(db_url: str) -> dict[str, Story]:
    """Run the nine requests above on ``db_url``; the stories by name."""
    disclose = {"outcome": "disclosed"}
    stories = {
        "C": _reply(db_url, "2024-11-04", "natural_person", "2024-11-20", 1, **disclose),
        "A": _reply(db_url, "2024-12-16", "natural_person", "2025-01-08", 1, **disclose),
    }
    withdrawn = Story(db_url, "2024-12-18", **_applicant("commercial"))
    withdrawn.fire("accept", "2024-12-18")
    withdrawn.fire("withdraw", "2025-01-06")
    stories["B"] = withdrawn
    partial = Story(db_url, "2025-03-03", **_applicant("natural_person"))
    for trigger in ("accept", "assign", "notify_fee"):
        partial.fire(trigger, "2025-03-03")
    partial.fire("receive_payment", "2025-03-05")
    partial.fire("review_confidentiality", "2025-03-06")
    partial.fire("propose", "2025-03-10", outcome="partially_disclosed", legal_basis=LEGAL_BASIS,
                 withheld_parts=["涉及第三方个人信息的部分"], reasons="部分涉及个人隐私")
    partial.fire("approve", "2025-03-11")
    partial.fire("reply", "2025-03-20", document_number="依申复〔2025〕1号")
    stories["D"] = partial
    stories["E"] = _reply(db_url, "2025-04-07", "legal_service", "2025-04-25", 2,
                          outcome="withheld.third_party_rights", legal_basis=LEGAL_BASIS,
                          reasons="涉及商业秘密，第三方不同意公开")
    stories["F"] = _reply(db_url, "2025-05-12", "research", "2025-05-26", 3,
                          outcome="unavailable.not_held", convenience=CONVENIENCE,
                          not_held_reason="not_this_agency", responsible_agency="市统计局",
                          reasons="本机关不掌握")
    lapsed = Story(db_url, "2025-06-09", **_applicant("natural_person"))
    lapsed.fire("request_correction", "2025-06-09", period_days=10)
    lapsed.advance("2025-07-01")
    stories["G"] = lapsed
    stories["H"] = _reply(db_url, "2025-12-15", "social_welfare", "2026-01-09", 1, **disclose)
    still_open = Story(db_url, "2025-12-22", **_applicant("other_org"))
    still_open.fire("accept", "2025-12-22")
    stories["I"] = still_open
    for story in stories.values():
        story.engine.close()
    return stories


@contextmanager
def report_engine(db_url: str, day: str = REPORT_DAY) -> Iterator[Engine]:
    """An engine on ``db_url`` whose clock stands at 10:00 Beijing time on ``day``."""
    engine = Engine(db_url, clock=ManualClock(at(day)))
    workflows.register_all(engine)
    try:
        yield engine
    finally:
        engine.close()
