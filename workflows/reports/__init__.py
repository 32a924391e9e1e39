"""Reports over an agency's records: the annual report (政府信息公开工作年度报告, 条例 49, in the
format of 国办公开办函〔2021〕30号) and the year's metrics."""

from __future__ import annotations

from workflows.reports.active import AgencyFigures, DocumentCounts, load_figures
from workflows.reports.annual import AnnualReport, FeeLine, annual_report, explain
from workflows.reports.errors import ReportError
from workflows.reports.requests import RequestFacts
from workflows.reports.table3 import RequestTable

__all__ = [
    "AgencyFigures", "AnnualReport", "DocumentCounts", "FeeLine", "ReportError", "RequestFacts",
    "RequestTable", "annual_report", "explain", "load_figures",
]
