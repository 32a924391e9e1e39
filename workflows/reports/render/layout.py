"""The report laid out as the form prints it, shared by every output format.

Each renderer (Markdown, CSV, HTML) walks the same rows and header cells built here, so the
formats cannot drift apart: table 二's blocks with their column headings, table 三's rows with
their levels, table 四's two-level header and section 六's fee line. Cell keys are those of
:meth:`AnnualReport.to_dict`, so a rendered number can be traced back to its key.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.reports.annual import AnnualReport
from workflows.reports.form import (
    ACTIVE_ROWS,
    CHALLENGE_BLOCKS,
    CHALLENGE_COLUMNS,
    COLUMNS,
    REQUEST_ROWS,
    FormRow,
)

__all__ = ["ActiveBlock", "Cell", "HeaderCell", "active_blocks", "challenge_cells",
           "challenge_header", "fee_sentence", "report_title", "request_rows"]

DOCUMENT_COLUMNS = (("issued", "本年制发件数"), ("repealed", "本年废止件数"),
                    ("in_force", "现行有效件数"))
"""Table 二's columns for 规章 and 行政规范性文件 (第二十条第（一）项)."""

SINGLE_COLUMNS = {"licensing": ("decisions", "本年处理决定数量"),
                  "penalty": ("decisions", "本年处理决定数量"),
                  "enforcement": ("decisions", "本年处理决定数量"),
                  "fees": ("amount_10k_yuan", "本年收费金额（单位：万元）")}
"""Table 二's one-number rows: the key of the number and its column heading."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One number of a table: its row and column keys and its text (empty when not
    supplied)."""

    row: str
    col: str
    text: str


@dataclass(frozen=True, slots=True)
class HeaderCell:
    """A header cell spanning ``cols`` columns and ``rows`` rows."""

    label: str
    cols: int = 1
    rows: int = 1


@dataclass(frozen=True, slots=True)
class ActiveBlock:
    """One block of table 二: the article (第二十条第（…）项), the column headings after
    信息内容, and its rows as (信息内容, cells)."""

    article: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]


def report_title(report: AnnualReport) -> str:
    """The report's title, e.g. ``某局 2025年政府信息公开工作年度报告``."""
    return f"{report.agency} {report.year}年政府信息公开工作年度报告"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def active_blocks(report: AnnualReport) -> list[ActiveBlock]:
    """Table 二 as its blocks, in the form's order (rows of one article share a block)."""
    table = report.to_dict()["table_2"]
    blocks: list[ActiveBlock] = []
    for key, article, label in ACTIVE_ROWS:
        columns = DOCUMENT_COLUMNS if key not in SINGLE_COLUMNS else (SINGLE_COLUMNS[key],)
        cells = tuple(Cell(key, col, _text(table[key][col])) for col, _ in columns)
        headings = tuple(heading for _, heading in columns)
        if blocks and blocks[-1].article == article and blocks[-1].headings == headings:
            last = blocks[-1]
            blocks[-1] = ActiveBlock(article, headings, (*last.rows, (label, cells)))
        else:
            blocks.append(ActiveBlock(article, headings, ((label, cells),)))
    return blocks


def request_rows(report: AnnualReport) -> list[tuple[FormRow, tuple[Cell, ...]]]:
    """Table 三's rows in the form's order with their seven cells (none for a heading row)."""
    numbers = report.requests.numbers()
    return [(row, tuple(Cell(row.key, c.key, str(numbers[row.key][c.key])) for c in COLUMNS)
             if row.counted else ()) for row in REQUEST_ROWS]


def challenge_header() -> tuple[list[HeaderCell], list[HeaderCell], list[HeaderCell]]:
    """Table 四's three header rows: 行政复议 (two rows high) | 行政诉讼; 未经复议直接起诉 |
    复议后起诉; the five result columns of each block."""
    top: list[HeaderCell] = []
    middle: list[HeaderCell] = []
    width = len(CHALLENGE_COLUMNS)
    for _, heading, sub in CHALLENGE_BLOCKS:
        if top and top[-1].label == heading and sub:
            top[-1] = HeaderCell(heading, top[-1].cols + width, top[-1].rows)
        else:
            top.append(HeaderCell(heading, width, 1 if sub else 2))
        if sub:
            middle.append(HeaderCell(sub, width))
    bottom = [HeaderCell(label) for _ in CHALLENGE_BLOCKS for _, label in CHALLENGE_COLUMNS]
    return top, middle, bottom


def challenge_cells(report: AnnualReport) -> list[Cell]:
    """Table 四's fifteen numbers, block by block."""
    return [Cell(block, col, str(report.challenges[block][col]))
            for block, _, _ in CHALLENGE_BLOCKS for col, _ in CHALLENGE_COLUMNS]


def fee_sentence(report: AnnualReport) -> tuple[str, Cell, str, Cell, str]:
    """Section 六's fee line as text around its two numbers (requests charged, yuan)."""
    fees = report.fees
    return ("本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费",
            Cell("fees", "count", str(fees.count)), "件，共计",
            Cell("fees", "amount_yuan", str(fees.amount)), "元。")
