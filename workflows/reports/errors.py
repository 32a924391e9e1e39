"""The reports' errors: part of the package's error hierarchy (:class:`WorkflowError`)."""

from __future__ import annotations

from engine import WorkflowError

__all__ = ["ReportError"]


class ReportError(WorkflowError, ValueError):
    """A report that cannot be made as asked: a year out of range, a row or column the form
    does not have, agency figures that do not parse, or records the form cannot count (an
    outcome outside the catalogue). Nothing is written."""
