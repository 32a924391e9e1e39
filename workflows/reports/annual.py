"""The annual report on government information disclosure (政府信息公开工作年度报告).

Every agency publishes it by 31 January (条例 49; format of 国办公开办函〔2021〕30号). gongkai
holds every fact in its history, so the tables come out exact, each number with the records
behind it: table 二 from the document ledger and the agency's own figures, table 三 from the
disclosure requests, table 四 from the challenge cases, and section 六's fee line from the fees
paid (国办函〔2020〕109号).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from engine import Engine
from engine.timesource import local_date
from workflows import register_all
from workflows.ledger.documents import Document
from workflows.ledger.tables import DocumentRow
from workflows.reports.active import AgencyFigures, DocumentCounts, active_table
from workflows.reports.challenges import challenge_facts, challenge_table
from workflows.reports.errors import ReportError
from workflows.reports.requests import RequestFacts, request_facts
from workflows.reports.table3 import RequestTable, request_table

__all__ = ["FIRST_YEAR", "AnnualReport", "FeeLine", "annual_report", "check_year", "explain",
           "scoped"]

FIRST_YEAR = 2008
"""The first year of the Regulations (in force 1 May 2008); no report comes before it."""


@dataclass(frozen=True, slots=True)
class FeeLine:
    """Section 六: information processing fees charged in the year (信息处理费,
    国办函〔2020〕109号): how many requests paid and the amount in yuan."""

    count: int
    amount: int


@dataclass(frozen=True)
class AnnualReport:
    """One agency's annual report for one calendar year (Beijing dates), as of ``as_of``.

    ``requests`` is table 三, ``challenges`` table 四 (``{block: {column: count}}``),
    ``documents`` the ledger rows of table 二 and ``figures`` the rows the agency supplies.
    """

    agency: str
    year: int
    as_of: dt.date
    requests: RequestTable
    challenges: dict[str, dict[str, int]]
    documents: dict[str, DocumentCounts]
    figures: AgencyFigures = field(default_factory=AgencyFigures)
    fees: FeeLine = FeeLine(0, 0)

    @property
    def final(self) -> bool:
        """Whether the year was over when the report was made (its figures can still grow
        otherwise)."""
        return self.as_of > dt.date(self.year, 12, 31)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: table keys ``table_2``, ``table_3``, ``table_4`` and
        ``fees``; table 三's rows ``new``, ``carried_over``, each outcome code, ``total``,
        ``carried_forward`` and its columns the applicant types and ``total``."""
        figures = self.figures
        return {
            "agency": self.agency, "year": self.year, "as_of": self.as_of.isoformat(),
            "final": self.final,
            "table_2": {
                **{kind: {"issued": c.issued, "repealed": c.repealed, "in_force": c.in_force}
                   for kind, c in self.documents.items()},
                "licensing": {"decisions": figures.licensing},
                "penalty": {"decisions": figures.penalty},
                "enforcement": {"decisions": figures.enforcement},
                "fees": {"amount_10k_yuan": None if figures.fees is None else str(figures.fees)},
            },
            "table_3": self.requests.numbers(),
            "table_4": self.challenges,
            "fees": {"count": self.fees.count, "amount_yuan": self.fees.amount},
        }


def annual_report(engine: Engine, year: int, agency: str | None = None,
                  figures: AgencyFigures | None = None) -> AnnualReport:
    """The annual report of ``agency`` (the engine's by default) for calendar ``year``.

    Counting rules are those of :mod:`workflows.reports.table3` (table 三),
    :mod:`workflows.reports.challenges` (table 四) and :mod:`workflows.reports.active`
    (table 二). The column check of table 三 (一 + 二 = 三（七）+ 四) is asserted. Raises
    :class:`ReportError` for a year before 2008 or after the engine's current year, or records
    the form cannot count; ``ValueError`` for an agency code that cannot exist.
    """
    as_of = local_date(engine.clock.now())
    check_year(year, as_of)
    with scoped(engine, agency) as view:
        facts = list(request_facts(view))
        table = request_table(facts, year)
        table.check()
        documents = [Document.from_row(r) for r in view.rows(DocumentRow)]
        return AnnualReport(
            agency=view.agency, year=year, as_of=as_of, requests=table,
            challenges=challenge_table(challenge_facts(view), year),
            documents=active_table(documents, year), figures=figures or AgencyFigures(),
            fees=_fees(facts, year))


def check_year(year: object, today: dt.date) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ReportError(f"the report year must be a whole year, got {year!r}")
    if not FIRST_YEAR <= year <= today.year:
        raise ReportError(f"no report for {year}: years run from {FIRST_YEAR} (the Regulations "
                          f"took effect) to this year, {today.year}")


def _fees(facts: list[RequestFacts], year: int) -> FeeLine:
    paid = [f for f in facts if f.fee_paid_on is not None and f.fee_paid_on.year == year]
    return FeeLine(len(paid), sum(f.fee_amount for f in paid))


def explain(report: AnnualReport, row: str, column: str) -> tuple[RequestFacts, ...]:
    """The requests behind one cell of table 三 (``row``/``column`` keys as in
    :meth:`AnnualReport.to_dict`), by receipt date; :class:`ReportError` for a cell the form
    does not have."""
    return report.requests.requests(row, column)


@contextmanager
def scoped(engine: Engine, agency: str | None) -> Iterator[Engine]:
    """``engine`` itself, or an engine on the same database for another ``agency`` with every
    workflow registered (closed on exit)."""
    if agency is None or agency == engine.agency:
        yield engine
        return
    other = Engine(engine.url, engine.clock, engine.calendar, agency=agency)
    try:
        register_all(other)
        yield other
    finally:
        other.close()
