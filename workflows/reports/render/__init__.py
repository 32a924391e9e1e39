"""The annual report and the year's metrics in output formats: Markdown, CSV (table 三), JSON,
a printable HTML page laid out like the form, and a plain-text metrics summary."""

from __future__ import annotations

from workflows.reports.render.csv import report_csv
from workflows.reports.render.html import report_html
from workflows.reports.render.json import report_json
from workflows.reports.render.markdown import report_markdown, table3_markdown
from workflows.reports.render.metrics import metrics_text

__all__ = ["metrics_text", "report_csv", "report_html", "report_json", "report_markdown",
           "table3_markdown"]
