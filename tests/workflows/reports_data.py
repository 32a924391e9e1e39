"""Report test data without a database: request facts and a whole :class:`AnnualReport` built
directly, with different numbers in every table so a renderer that mixes cells up shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from workflows.reports import AgencyFigures, AnnualReport, DocumentCounts, FeeLine, RequestFacts
from workflows.reports.table3 import request_table


def fact(number: int, applicant: str, received: str, finished: str | None,
         outcome: str | None) -> RequestFacts:
    """One request's facts (dates ISO, Beijing)."""
    return RequestFacts(
        id=f"r{number}", register_number=f"依申〔2025〕{number}号", applicant_type=applicant,
        received_on=dt.date.fromisoformat(received),
        finished_on=None if finished is None else dt.date.fromisoformat(finished),
        outcome=outcome)


FACTS = [
    fact(1, "natural_person", "2024-12-20", "2025-01-10", "disclosed"),
    fact(2, "natural_person", "2025-02-03", "2025-02-20", "disclosed"),
    fact(3, "commercial", "2025-03-03", "2025-03-21", "withheld.state_secret"),
    fact(4, "research", "2025-04-01", "2025-04-02", "not_processed.repeated"),
    fact(5, "legal_service", "2025-05-06", "2025-05-30", "partially_disclosed"),
    fact(6, "other_org", "2025-12-29", None, None),
    fact(7, "social_welfare", "2025-06-02", "2025-06-20", "other.other"),
]


def sample_report(agency: str = "某市发展和改革委员会") -> AnnualReport:
    """A finished year (made 2026-01-15) with numbers in tables 二, 三, 四 and the fee line."""
    challenges = {
        "reconsideration": {"upheld": 2, "corrected": 1, "other": 3, "pending": 1, "total": 7},
        "litigation": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_reconsideration": {"upheld": 13, "corrected": 2, "other": 4,
                                             "pending": 0, "total": 19},
    }
    return AnnualReport(
        agency=agency, year=2025, as_of=dt.date(2026, 1, 15),
        requests=request_table(FACTS, 2025), challenges=challenges,
        documents={"regulation": DocumentCounts(1, 0, 5),
                   "normative": DocumentCounts(4, 2, 31)},
        figures=AgencyFigures(licensing=120, penalty=35, enforcement=None,
                              fees=Decimal("12.5")),
        fees=FeeLine(3, 450))
