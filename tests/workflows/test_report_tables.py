"""Tables 二 and 四 of the annual report and the agency's own figures (国办公开办函〔2021〕30号).

Expected numbers are counted by hand from the cases listed in each test.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from workflows.ledger.documents import Document
from workflows.reports import AgencyFigures, ReportError, load_figures
from workflows.reports.active import active_table
from workflows.reports.challenges import ChallengeFacts, challenge_table

D = dt.date.fromisoformat


def case(kind: str, filed: str, result: str | None = None, decided: str | None = None
         ) -> ChallengeFacts:
    return ChallengeFacts(f"{kind}-{filed}-{result}", "req", kind, D(filed), result,
                          D(decided) if decided else None)


def test_table_4_counts_decisions_of_the_year_and_cases_pending_at_its_end() -> None:
    cases = [
        case("reconsideration", "2024-11-02", "upheld", "2025-01-20"),    # decided in 2025
        case("reconsideration", "2025-03-01", "corrected", "2025-05-01"),
        case("reconsideration", "2025-12-01"),                            # pending at year end
        case("reconsideration", "2024-02-01", "upheld", "2024-06-01"),    # decided in 2024
        case("litigation", "2025-04-01", "other", "2026-02-01"),          # pending at year end
        case("litigation_after_reconsideration", "2025-06-01", "upheld", "2025-10-01"),
        case("litigation_after_reconsideration", "2026-01-05"),           # filed after the year
    ]
    table = challenge_table(cases, 2025)
    assert table["reconsideration"] == {"upheld": 1, "corrected": 1, "other": 0, "pending": 1,
                                        "total": 3}
    assert table["litigation"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1,
                                   "total": 1}
    assert table["litigation_after_reconsideration"] == {
        "upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert challenge_table(cases, 2024)["reconsideration"] == {
        "upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}


def test_table_4_refuses_a_case_the_form_has_no_cell_for() -> None:
    with pytest.raises(ReportError, match="no cell in table 四"):
        challenge_table([case("appeal", "2025-01-02")], 2025)


def doc(kind: str, formed: str, repealed: str | None = None, number: str | None = "某发〔1〕号"
        ) -> Document:
    return Document(doc_id=f"{kind}-{formed}", doc_number=number, title="t",
                    drafting_division="d", kind=kind, review_level="ordinary",
                    attribute="active", attribute_basis=None, attribute_reasons=None,
                    formed_on=D(formed), status="repealed" if repealed else "published",
                    classified=False, publications=(), interpretations=(), requests=0,
                    applicants=0, reviews=(), repealed_on=D(repealed) if repealed else None)


def test_table_2_counts_issued_repealed_and_in_force_on_31_december() -> None:
    docs = [
        doc("normative", "2023-05-01"),                          # in force
        doc("normative", "2023-06-01", repealed="2025-03-01"),   # repealed in 2025
        doc("normative", "2025-02-01"),                          # issued 2025, in force
        doc("normative", "2025-04-01", repealed="2026-01-10"),   # issued 2025, in force at 12-31
        doc("normative", "2025-07-01", number=None),             # abandoned: gave up its 文号
        doc("normative", "2026-01-03"),                          # after the year
        doc("regulation", "2025-09-09"),
        doc("policy", "2025-09-09"),                             # neither row
    ]
    table = active_table(docs, 2025)
    assert (table["normative"].issued, table["normative"].repealed,
            table["normative"].in_force) == (2, 1, 3)
    assert (table["regulation"].issued, table["regulation"].repealed,
            table["regulation"].in_force) == (1, 0, 1)
    earlier = active_table(docs, 2024)["normative"]
    assert (earlier.issued, earlier.repealed, earlier.in_force) == (0, 0, 2)


def test_agency_figures_from_toml_and_json(tmp_path: Path) -> None:
    toml = tmp_path / "figures.toml"
    toml.write_text("licensing = 120\npenalty = 8\nenforcement = 0\nfees = 3.25\n",
                    encoding="utf-8")
    assert load_figures(toml) == AgencyFigures(120, 8, 0, Decimal("3.25"))
    js = tmp_path / "figures.json"
    js.write_text(json.dumps({"penalty": 2}), encoding="utf-8")
    assert load_figures(js) == AgencyFigures(penalty=2)


@pytest.mark.parametrize("values, problem", [
    ({"licence": 1}, "unknown agency figures"),
    ({"licensing": -1}, "whole number"),
    ({"penalty": 1.5}, "whole number"),
    ({"enforcement": True}, "whole number"),
    ({"fees": "lots"}, "amount in 万元"),
    ({"fees": -2}, "amount in 万元"),
    ({"fees": "nan"}, "amount in 万元"),
])
def test_bad_agency_figures_are_refused(values: dict[str, object], problem: str) -> None:
    with pytest.raises(ReportError, match=problem):
        AgencyFigures.from_mapping(values)


def test_an_unreadable_figures_file_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read"):
        load_figures(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("licensing = = 3", encoding="utf-8")
    with pytest.raises(ReportError, match="cannot read"):
        load_figures(bad)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ReportError, match="table of numbers"):
        load_figures(listed)
