"""The report as one standalone HTML page laid out like the published form, ready to print on
A4 (inline CSS, no network). Rendered with jinja2 from ``templates/annual_report.html.j2``
(autoescaped). Every number carries ``data-table``, ``data-row`` and ``data-col`` with the keys
of :meth:`AnnualReport.to_dict` (table ``2``, ``3``, ``4`` or ``fees``), so a reader or a test
can take the numbers back out of the page."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from workflows.reports.annual import AnnualReport
from workflows.reports.form import COLUMNS, CORNER_NOTE, SECTION_TITLES
from workflows.reports.render.layout import (
    active_blocks,
    challenge_cells,
    challenge_header,
    fee_sentence,
    report_title,
    request_rows,
)

__all__ = ["report_html"]

TEMPLATE = "annual_report.html.j2"


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("workflows.reports.render", "templates"),
                       autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True)


def report_html(report: AnnualReport) -> str:
    """``report`` as a complete HTML document (UTF-8 text)."""
    top, middle, bottom = challenge_header()
    return _environment().get_template(TEMPLATE).render(
        title=report_title(report), report=report, sections=SECTION_TITLES,
        corner=CORNER_NOTE, columns=COLUMNS,
        organisations=[c for c in COLUMNS if c.organisation],
        active=active_blocks(report), requests=request_rows(report),
        challenge_header=(top, middle, bottom), challenges=challenge_cells(report),
        fees=fee_sentence(report))
