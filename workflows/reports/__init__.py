"""Reports over an agency's records: the annual report (政府信息公开工作年度报告, 条例 49, in the
format of 国办公开办函〔2021〕30号) and the year's metrics.

The names below are imported when first used, so the command modules (``gongkai report --help``)
load no workflow models or database libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.lazy import LazyNames

if TYPE_CHECKING:
    from workflows.reports.active import AgencyFigures, DocumentCounts, load_figures
    from workflows.reports.annual import AnnualReport, FeeLine, annual_report, explain
    from workflows.reports.errors import ReportError
    from workflows.reports.requests import RequestFacts
    from workflows.reports.table3 import RequestTable

__all__ = [
    "AgencyFigures", "AnnualReport", "DocumentCounts", "FeeLine", "ReportError", "RequestFacts",
    "RequestTable", "annual_report", "explain", "load_figures",
]

_LAZY = LazyNames(__name__, {
    "AgencyFigures": "workflows.reports.active",
    "AnnualReport": "workflows.reports.annual",
    "DocumentCounts": "workflows.reports.active",
    "FeeLine": "workflows.reports.annual",
    "ReportError": "workflows.reports.errors",
    "RequestFacts": "workflows.reports.requests",
    "RequestTable": "workflows.reports.table3",
    "annual_report": "workflows.reports.annual",
    "explain": "workflows.reports.annual",
    "load_figures": "workflows.reports.active",
})


def __getattr__(name: str) -> Any:
    return _LAZY.load(name)


def __dir__() -> list[str]:
    return _LAZY.names()
