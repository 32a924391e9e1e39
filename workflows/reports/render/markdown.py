"""The annual report as Markdown: the title, tables 二, 三 and 四 with the form's labels, and
section 六's fee line. Markdown has no merged cells, so the merged headers of the printed form
become plain column headings; row levels of table 三 are indented with ideographic spaces."""

from __future__ import annotations

from collections.abc import Iterable

from workflows.reports.annual import AnnualReport
from workflows.reports.form import CHALLENGE_BLOCKS, CHALLENGE_COLUMNS, COLUMNS, CORNER_NOTE
from workflows.reports.form import SECTION_TITLES as TITLES
from workflows.reports.render.layout import (
    active_blocks,
    challenge_cells,
    fee_sentence,
    report_title,
    request_rows,
)

__all__ = ["report_markdown", "table3_markdown"]

INDENT = "\u3000"
"""An ideographic space (全角空格), one per level of a table 三 row."""


def _line(cells: Iterable[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    return [_line(header), _line(["---"] * len(header)), *(_line(r) for r in rows)]


def table3_markdown(report: AnnualReport) -> str:
    """Table 三 alone: the corner note, then ``申请人情况`` and the seven columns."""
    rows = [[INDENT * row.level + row.label, *(c.text for c in cells)]
            if cells else [INDENT * row.level + row.label, *([""] * len(COLUMNS))]
            for row, cells in request_rows(report)]
    organisations = "、".join(c.label for c in COLUMNS if c.organisation)
    lines = [f"{CORNER_NOTE}", "", f"法人或其他组织：{organisations}。", "",
             *_table(["申请人情况", *(c.label for c in COLUMNS)], rows)]
    return "\n".join(lines) + "\n"


def _table2(report: AnnualReport) -> list[str]:
    lines: list[str] = []
    for block in active_blocks(report):
        rows = [[label, *(c.text for c in cells)] for label, cells in block.rows]
        lines += [f"**{block.article}**", "", *_table(["信息内容", *block.headings], rows), ""]
    return lines


def _table4(report: AnnualReport) -> list[str]:
    """Table 四 turned a quarter: one line per block (行政复议, 行政诉讼：未经复议直接起诉,
    行政诉讼：复议后起诉), the five result columns across."""
    cells = challenge_cells(report)
    width = len(CHALLENGE_COLUMNS)
    rows = [[heading + ("：" + sub if sub else ""),
             *(c.text for c in cells[i * width:(i + 1) * width])]
            for i, (_, heading, sub) in enumerate(CHALLENGE_BLOCKS)]
    return _table(["", *(label for _, label in CHALLENGE_COLUMNS)], rows)


def report_markdown(report: AnnualReport) -> str:
    """The whole report as Markdown (sections 二, 三, 四 and 六's fee line; 一 and 五 are the
    agency's own text)."""
    before, count, middle, amount, after = fee_sentence(report)
    status = "" if report.final else f"\n\n（数据截至{report.as_of.isoformat()}，年度尚未结束）"
    lines = [f"# {report_title(report)}{status}", "",
             f"## {TITLES['active']}", "", *_table2(report),
             f"## {TITLES['requests']}", "", table3_markdown(report),
             f"## {TITLES['challenges']}", "", *_table4(report), "",
             f"## {TITLES['other']}", "", f"{before}{count.text}{middle}{amount.text}{after}"]
    return "\n".join(lines) + "\n"
