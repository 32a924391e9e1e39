"""The report as JSON: :meth:`AnnualReport.to_dict`, with the year's metrics under
``"metrics"`` when given; Chinese text kept as is (not ``\\u`` escapes)."""

from __future__ import annotations

import json

from workflows.reports.annual import AnnualReport
from workflows.reports.metrics import YearMetrics

__all__ = ["report_json"]


def report_json(report: AnnualReport, metrics: YearMetrics | None = None) -> str:
    """``report`` (and ``metrics``) as indented JSON text ending in a newline."""
    data = report.to_dict()
    if metrics is not None:
        data["metrics"] = metrics.to_dict()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
