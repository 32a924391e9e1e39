"""Table 三 as CSV: the row label exactly as on the form, then the seven numbers in the form's
column order (heading rows keep their cells empty), for spreadsheets and agency systems."""

from __future__ import annotations

import csv
import io

from workflows.reports.annual import AnnualReport
from workflows.reports.form import COLUMNS
from workflows.reports.render.layout import request_rows

__all__ = ["report_csv"]


def report_csv(report: AnnualReport) -> str:
    """Table 三 of ``report`` as CSV text (header ``申请人情况, 自然人, 商业企业, …, 总计``;
    ``\\r\\n`` line ends, as the csv module writes them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["申请人情况", *(c.label for c in COLUMNS)])
    for row, cells in request_rows(report):
        writer.writerow([row.label, *(c.text for c in cells)] if cells
                        else [row.label, *([""] * len(COLUMNS))])
    return out.getvalue()
