"""The report's output formats read back into the numbers of ``AnnualReport.to_dict()``: the
HTML page (by its ``data-*`` keys), the CSV of table 三 (by the form's labels), the JSON; and
the HTML laid out like the form of 国办公开办函〔2021〕30号 (merged headers, corner note, row
labels as printed)."""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from tests.workflows.reports_data import sample_report
from workflows.reports.form import (
    CHALLENGE_COLUMNS,
    COLUMNS,
    CORNER_NOTE,
    REQUEST_ROWS,
    SECTION_TITLES,
)
from workflows.reports.render import (
    report_csv,
    report_html,
    report_json,
    report_markdown,
    table3_markdown,
)

ROOT = Path(__file__).resolve().parents[2]


def _value(table: str, row: str, text: str) -> Any:
    if text == "":
        return None
    return text if (table, row) == ("2", "fees") else int(text)


def _html_numbers(page: str) -> dict[str, Any]:
    soup = BeautifulSoup(page, "html.parser")
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for cell in soup.select("[data-table]"):
        table, row, col = cell["data-table"], cell["data-row"], cell["data-col"]
        assert isinstance(table, str) and isinstance(row, str) and isinstance(col, str)
        target = found.setdefault(table, {}).setdefault(row, {})
        assert col not in target, (table, row, col)
        target[col] = _value(table, row, cell.get_text())
    return {"table_2": found["2"], "table_3": found["3"], "table_4": found["4"],
            "fees": found["fees"]["fees"]}


def test_html_numbers_read_back() -> None:
    report = sample_report()
    expected = report.to_dict()
    assert _html_numbers(report_html(report)) == {
        key: expected[key] for key in ("table_2", "table_3", "table_4", "fees")}


def _th(soup: BeautifulSoup, label: str) -> Tag:
    (cell,) = [th for th in soup.find_all("th") if th.get_text(strip=True) == label]
    return cell


def _span(cell: Tag) -> tuple[int, int]:
    return int(str(cell.get("colspan", 1))), int(str(cell.get("rowspan", 1)))


def test_html_table3_laid_out_like_the_form() -> None:
    """Corner note over three header rows; 申请人情况 over all seven columns; 法人或其他组织 over
    the five organisation columns; 自然人 and 总计 two rows high; row labels as printed."""
    soup = BeautifulSoup(report_html(sample_report()), "html.parser")
    table = soup.select_one("table.t3")
    assert table is not None
    assert _span(_th(table, CORNER_NOTE)) == (1, 3)
    assert _span(_th(table, "申请人情况")) == (7, 1)
    assert _span(_th(table, "法人或其他组织")) == (5, 1)
    assert _span(_th(table, "自然人")) == (1, 2)
    assert _span(_th(table, "总计")) == (1, 2)
    labels = [td.get_text() for td in table.select("td.label")]
    assert labels == [row.label for row in REQUEST_ROWS]
    levels = [[c for c in td["class"] if c.startswith("level-")] for td in table.select("td.label")]
    assert levels == [[f"level-{row.level}"] for row in REQUEST_ROWS]


def test_html_table4_and_table2_headers() -> None:
    soup = BeautifulSoup(report_html(sample_report()), "html.parser")
    t4 = soup.select_one("table.t4")
    assert t4 is not None
    assert _span(_th(t4, "行政复议")) == (5, 2)
    assert _span(_th(t4, "行政诉讼")) == (10, 1)
    assert _span(_th(t4, "未经复议直接起诉")) == (5, 1)
    assert _span(_th(t4, "复议后起诉")) == (5, 1)
    results = [th.get_text() for th in t4.find_all("tr")[2].find_all("th")]
    assert results == [label for _, label in CHALLENGE_COLUMNS] * 3
    t2 = soup.select_one("table.t2")
    assert t2 is not None
    blocks = [th.get_text() for th in t2.select("tr.block th")]
    assert blocks == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项",
                      "第二十条第（八）项"]
    headings = {th.get_text() for th in t2.find_all("th")}
    assert {"本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量",
            "本年收费金额（单位：万元）"} <= headings


def test_html_is_standalone_printable_and_escaped() -> None:
    """No network (no external link, script or image), A4 page CSS, a CJK serif font stack,
    and text from the records escaped."""
    page = report_html(sample_report(agency="<script>x</script>局"))
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.find_all(["script", "link", "img", "iframe"])
    assert "http" not in page
    style = soup.style.get_text() if soup.style else ""
    assert "size: A4" in style and "SimSun" in style and "serif" in style
    assert "&lt;script&gt;x&lt;/script&gt;局 2025年政府信息公开工作年度报告" in page
    for title in ("active", "requests", "challenges", "other"):
        assert SECTION_TITLES[title] in soup.get_text()


def test_template_ships_as_package_data() -> None:
    """The template is found through the package, and pyproject's package data covers it."""
    template = files("workflows.reports.render").joinpath("templates/annual_report.html.j2")
    assert template.is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    assert any(fnmatch.fnmatch("templates/annual_report.html.j2", p) for p in patterns)


def test_csv_reads_back() -> None:
    """Header 申请人情况 and the seven column labels; each row label as printed; heading rows
    empty."""
    report = sample_report()
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert rows[0] == ["申请人情况", *(c.label for c in COLUMNS)]
    assert [r[0] for r in rows[1:]] == [row.label for row in REQUEST_ROWS]
    numbers = report.to_dict()["table_3"]
    for form_row, line in zip(REQUEST_ROWS, rows[1:], strict=True):
        if form_row.counted:
            assert [int(v) for v in line[1:]] == [numbers[form_row.key][c.key] for c in COLUMNS]
        else:
            assert line[1:] == [""] * len(COLUMNS)


def test_json_reads_back() -> None:
    report = sample_report()
    assert json.loads(report_json(report)) == report.to_dict()
    assert "某市发展和改革委员会" in report_json(report)


def test_markdown_has_the_form_labels_and_numbers() -> None:
    report = sample_report()
    text = report_markdown(report)
    assert text.startswith("# 某市发展和改革委员会 2025年政府信息公开工作年度报告\n")
    assert table3_markdown(report) in text
    for title in ("active", "requests", "challenges", "other"):
        assert f"## {SECTION_TITLES[title]}" in text
    new = report.to_dict()["table_3"]["new"]
    line = next(ln for ln in text.splitlines() if "一、本年新收政府信息公开申请数量" in ln)
    assert [int(c) for c in line.strip("| ").split(" | ")[1:]] == [new[c.key] for c in COLUMNS]
    assert "收取信息处理费3件，共计450元。" in text
    assert "| 行政复议 | 2 | 1 | 3 | 1 | 7 |" in text
