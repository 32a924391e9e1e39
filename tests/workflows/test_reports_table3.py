"""Table 三's counting over random request facts (no database): the form's check
一 + 二 = 三（七）+ 四 holds in every column of every year, and 二 of a year is 四 of the year
before (国办公开办函〔2021〕30号; annual-report-form.md)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.disclosure_request.outcomes import OUTCOME_CODES
from workflows.reports import RequestFacts
from workflows.reports.form import COLUMNS, TOTAL
from workflows.reports.table3 import request_table

APPLICANTS = [c.key for c in COLUMNS if c.key != TOTAL]
FIRST, LAST = dt.date(2022, 1, 1), dt.date(2026, 12, 31)


@st.composite
def facts(draw: st.DrawFn, number: int) -> RequestFacts:
    received = draw(st.dates(FIRST, LAST))
    finished = draw(st.none() | st.dates(received, received + dt.timedelta(days=120)))
    return RequestFacts(
        id=f"r{number}", register_number=f"R{number}", applicant_type=draw(st.sampled_from(
            APPLICANTS)), received_on=received, finished_on=finished,
        outcome=None if finished is None else draw(st.sampled_from(OUTCOME_CODES)))


requests = st.integers(0, 40).flatmap(
    lambda n: st.tuples(*(facts(i) for i in range(n))).map(list))


@settings(max_examples=150, deadline=None)
@given(requests)
def test_every_year_checks_and_carries_over(items: list[RequestFacts]) -> None:
    tables = {year: request_table(items, year) for year in range(FIRST.year, LAST.year + 2)}
    for year, table in tables.items():
        table.check()
        numbers = table.numbers()
        received = [f for f in items if f.received_on.year == year]
        assert numbers["new"][TOTAL] == len(received)
        if year - 1 in tables:
            assert numbers["carried_over"] == tables[year - 1].numbers()["carried_forward"]
    finished = sum(t.numbers()[TOTAL][TOTAL] for t in tables.values())
    assert finished == sum(1 for f in items if f.finished_on is not None
                           and f.finished_on <= dt.date(LAST.year + 1, 12, 31))
