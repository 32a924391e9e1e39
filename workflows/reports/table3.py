"""Table 三 收到和处理政府信息公开申请情况: requests received and handled in the year.

Counting (国办公开办函〔2021〕30号 and published practice; see ``annual-report-form.md``):

- 一 本年新收: received in the year (by ``received_on``);
- 二 上年结转: received before the year and not finished by its first day;
- 三 本年度办理结果: finished in the year (replied, withdrawn or lapsed), whenever received, under
  its *final* outcome; （七）总计 is their sum;
- 四 结转下年度继续办理: received by 31 December and not finished by then.

So 二 of year N is 四 of year N−1, and 一 + 二 = 三（七）+ 四 holds in every column by
construction; :meth:`RequestTable.check` asserts it all the same. Every cell keeps the requests
behind it, for ``--explain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from workflows.disclosure_request.outcomes import OUTCOMES_BY_CODE
from workflows.reports.errors import ReportError
from workflows.reports.form import COLUMNS, REQUEST_ROWS, TOTAL, row_by_key
from workflows.reports.requests import RequestFacts

__all__ = ["RequestTable", "request_table"]

Cell = tuple[str, str]
APPLICANT_TYPES = frozenset(c.key for c in COLUMNS if c.key != TOTAL)


@dataclass(frozen=True)
class RequestTable:
    """Table 三 of one agency and year: for each (row key, column key) cell, the requests it
    counts. Row keys: ``new``, ``carried_over``, each outcome code, ``total``,
    ``carried_forward``; column keys: the applicant types and ``total``."""

    year: int
    cells: Mapping[Cell, tuple[RequestFacts, ...]]

    def count(self, row: str, column: str) -> int:
        """The number in a cell; :class:`ReportError` for a row or column not on the form."""
        return len(self.requests(row, column))

    def requests(self, row: str, column: str) -> tuple[RequestFacts, ...]:
        """The requests behind a cell, by register number; :class:`ReportError` for a row
        heading without numbers or a row or column not on the form."""
        _check_cell(row, column)
        return self.cells.get((row, column), ())

    def numbers(self) -> dict[str, dict[str, int]]:
        """Every counted row as ``{row key: {column key: count}}``, in the form's order."""
        return {r.key: {c.key: len(self.cells.get((r.key, c.key), ())) for c in COLUMNS}
                for r in REQUEST_ROWS if r.counted}

    def check(self) -> None:
        """The form's check, column by column: 一 + 二 = 三（七）+ 四 (the corner note), and
        （七）总计 is the sum of the outcome rows; :class:`ReportError` naming the column if not."""
        numbers = self.numbers()
        outcomes = [key for key in numbers if key in OUTCOMES_BY_CODE]
        for column in COLUMNS:
            c = column.key
            left = numbers["new"][c] + numbers["carried_over"][c]
            right = numbers[TOTAL][c] + numbers["carried_forward"][c]
            summed = sum(numbers[key][c] for key in outcomes)
            if left != right or summed != numbers[TOTAL][c]:
                raise ReportError(f"table 三, column {column.label}: 一 + 二 = {left}, "
                                  f"三（七）+ 四 = {right}, outcome rows sum to {summed}")


def _check_cell(row: str, column: str) -> None:
    try:
        form_row = row_by_key(row)
    except KeyError as exc:
        raise ReportError(str(exc.args[0])) from None
    if not form_row.counted:
        raise ReportError(f"row {row!r} ({form_row.label}) is a heading without numbers")
    if column not in {c.key for c in COLUMNS}:
        raise ReportError(f"unknown column {column!r}; columns: "
                          f"{', '.join(c.key for c in COLUMNS)}")


def request_table(facts: Iterable[RequestFacts], year: int) -> RequestTable:
    """Table 三 for ``year`` from the facts of every request of one agency (calendar year of
    Beijing dates). Raises :class:`ReportError` for a request finished under an outcome the
    form has no row for."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cells: dict[Cell, list[RequestFacts]] = {}
    for fact in sorted(facts, key=lambda f: (f.received_on, f.register_number, f.id)):
        if fact.applicant_type not in APPLICANT_TYPES:
            raise ReportError(f"request {fact.register_number or fact.id}: applicant type "
                              f"{fact.applicant_type!r} is not a column of table 三")
        for row in _rows_of(fact, first, last):
            for column in (fact.applicant_type, TOTAL):
                cells.setdefault((row, column), []).append(fact)
    return RequestTable(year, MappingProxyType({k: tuple(v) for k, v in cells.items()}))


def _rows_of(fact: RequestFacts, first: dt.date, last: dt.date) -> list[str]:
    """The rows of table 三 that count ``fact`` in the year from ``first`` to ``last``."""
    if fact.received_on > last or fact.finished_by(first - dt.timedelta(days=1)):
        return []
    rows = ["new" if fact.received_on >= first else "carried_over"]
    if not fact.finished_by(last):
        return [*rows, "carried_forward"]
    if fact.outcome not in OUTCOMES_BY_CODE:
        raise ReportError(f"request {fact.register_number or fact.id} finished on "
                          f"{fact.finished_on} with outcome {fact.outcome!r}, which table 三 "
                          "has no row for")
    return [*rows, str(fact.outcome), TOTAL]
