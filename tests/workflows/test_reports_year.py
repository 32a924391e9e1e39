"""The annual report of a scripted year (tests/workflows/reports_year.py), table 三 counted by
hand: 一 counts requests received in the year, 三 those finished in it under their final
outcome, 四 those received and not finished by 31 December, 二 those carried from the year
before (国办公开办函〔2021〕30号; annual-report-form.md). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.workflows.dump import shared_db_fixture  # noqa: F401
from tests.workflows.reports_year import report_engine, script_year
from workflows.reports import AnnualReport, annual_report, explain
from workflows.reports.form import COLUMNS

ZERO = {c.key: 0 for c in COLUMNS}


def _row(**counts: int) -> dict[str, int]:
    """A row of table 三 with the given columns and its 总计."""
    return {**ZERO, **counts, "total": sum(counts.values())}


EXPECTED_2025 = {
    "new": _row(natural_person=2, research=1, social_welfare=1, legal_service=1,
                other_org=1),  # D G, F, H, E, I
    "carried_over": _row(natural_person=1, commercial=1),  # A, B
    "disclosed": _row(natural_person=1),  # A (H is replied in 2026)
    "partially_disclosed": _row(natural_person=1),  # D, counted here only
    "withheld.third_party_rights": _row(legal_service=1),  # E
    "unavailable.not_held": _row(research=1),  # F
    "other.no_correction": _row(natural_person=1),  # G, 条例 30
    "other.other": _row(commercial=1),  # B, withdrawn
    "total": _row(natural_person=3, commercial=1, research=1, legal_service=1),
    "carried_forward": _row(social_welfare=1, other_org=1),  # H, I
}

EXPECTED_2024 = {
    "new": _row(natural_person=2, commercial=1),  # A C, B
    "disclosed": _row(natural_person=1),  # C
    "total": _row(natural_person=1),
    "carried_forward": _row(natural_person=1, commercial=1),  # A, B
}


@pytest.fixture(scope="module")
def reports(shared_db: str) -> Iterator[dict[int, AnnualReport]]:
    """The reports of 2024, 2025 and 2026 over the scripted year, made on 2026-02-02."""
    script_year(shared_db)
    with report_engine(shared_db) as engine:
        yield {year: annual_report(engine, year) for year in (2024, 2025, 2026)}


def _nonzero(report: AnnualReport) -> dict[str, dict[str, int]]:
    return {row: cells for row, cells in report.requests.numbers().items()
            if any(cells.values())}


def test_the_year_counted_by_hand(reports: dict[int, AnnualReport]) -> None:
    """Every cell of 2025's table 三 (the rows not listed are all 0)."""
    assert _nonzero(reports[2025]) == EXPECTED_2025


def test_the_year_before(reports: dict[int, AnnualReport]) -> None:
    """2024: A and B received in December and not finished by the 31st are carried forward."""
    assert _nonzero(reports[2024]) == EXPECTED_2024


def test_carried_over_is_last_years_carried_forward(reports: dict[int, AnnualReport]) -> None:
    """二 of year N equals 四 of year N−1."""
    for year in (2025, 2026):
        numbers, before = reports[year].requests.numbers(), reports[year - 1].requests.numbers()
        assert numbers["carried_over"] == before["carried_forward"]
    assert reports[2026].requests.numbers()["carried_over"] == _row(social_welfare=1,
                                                                    other_org=1)


def test_the_column_check(reports: dict[int, AnnualReport]) -> None:
    """The corner note: 一 + 二 = 三（七）+ 四 in every column, and （七） sums the outcome
    rows."""
    for report in reports.values():
        report.requests.check()
        numbers = report.requests.numbers()
        for column in COLUMNS:
            c = column.key
            assert (numbers["new"][c] + numbers["carried_over"][c]
                    == numbers["total"][c] + numbers["carried_forward"][c])


def test_explain_names_the_requests_behind_a_cell(reports: dict[int, AnnualReport]) -> None:
    """The carried-over cell of 2025 is A and B, by receipt date; the lapse finished on the
    period's last day, 2025-06-23 (条例 30)."""
    carried = explain(reports[2025], "carried_over", "total")
    assert [(f.received_on.isoformat(), f.finished_on and f.finished_on.isoformat())
            for f in carried] == [("2024-12-16", "2025-01-08"), ("2024-12-18", "2025-01-06")]
    (lapse,) = explain(reports[2025], "other.no_correction", "natural_person")
    assert lapse.finished_on is not None and lapse.finished_on.isoformat() == "2025-06-23"


def test_the_fee_line(reports: dict[int, AnnualReport]) -> None:
    """Section 六: D paid the 200 yuan fee in March 2025 (国办函〔2020〕109号)."""
    assert (reports[2025].fees.count, reports[2025].fees.amount) == (1, 200)
    assert (reports[2024].fees.count, reports[2026].fees.count) == (0, 0)
