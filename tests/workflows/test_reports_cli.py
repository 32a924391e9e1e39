"""``gongkai report annual``, ``gongkai metrics`` and ``gongkai ledger``, invoked as click
commands on the scripted year (tests/workflows/reports_year.py; numbers counted by hand there)
and on a ledger; errors are one line and a non-zero exit. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from tests.workflows import publication
from tests.workflows.dump import shared_db_fixture  # noqa: F401
from tests.workflows.reports_year import script_year
from workflows.ledger.cli import ledger
from workflows.reports.cli import metrics, report

NEW_2025 = ["2", "0", "1", "1", "1", "1", "6"]
"""一 of 2025 by column (D G | — | F | H | E | I | total), from the scripted year's table."""


@pytest.fixture(scope="module")
def year_db(shared_db: str) -> str:
    script_year(shared_db)
    return shared_db


def _run(command: click.Command, *args: str) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def _annual(db: str, *args: str) -> Result:
    return _run(report, "annual", "--db", db, "--year", "2025", *args)


def _failed(result: Result, message: str) -> None:
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output


def test_annual_markdown(year_db: str) -> None:
    result = _annual(year_db)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# default 2025年政府信息公开工作年度报告")
    assert f"| 一、本年新收政府信息公开申请数量 | {' | '.join(NEW_2025)} |" in result.output


def test_annual_csv(year_db: str) -> None:
    result = _annual(year_db, "--format", "csv")
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(result.output))}
    assert rows["一、本年新收政府信息公开申请数量"] == NEW_2025
    assert rows["四、结转下年度继续办理"] == ["0", "0", "0", "1", "0", "1", "2"]


def test_annual_json_to_a_file_with_figures(year_db: str, tmp_path: Path) -> None:
    figures = tmp_path / "figures.toml"
    figures.write_text("licensing = 12\npenalty = 3\nfees = 1.25\n", encoding="utf-8")
    out = tmp_path / "report.json"
    result = _annual(year_db, "--format", "json", "--out", str(out), "--figures", str(figures))
    assert (result.exit_code, result.output) == (0, "")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["table_3"]["carried_over"]["total"] == 2
    assert data["table_2"]["licensing"] == {"decisions": 12}
    assert data["table_2"]["fees"] == {"amount_10k_yuan": "1.25"}
    assert data["fees"] == {"count": 1, "amount_yuan": 200}


def test_annual_html(year_db: str) -> None:
    result = _annual(year_db, "--format", "html")
    assert result.output.startswith("<!DOCTYPE html>")
    assert 'data-row="new" data-col="total">6<' in result.output


def test_explain_lists_the_requests_of_a_cell(year_db: str) -> None:
    """二 of 2025: A (disclosed 2025-01-08) and B (withdrawn 2025-01-06), by receipt date."""
    result = _annual(year_db, "--explain", "carried_over", "total")
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert [line[1:] for line in lines] == [["2024-12-16", "2025-01-08", "disclosed"],
                                            ["2024-12-18", "2025-01-06", "other.other"]]
    assert all(line[0] for line in lines)
    assert _annual(year_db, "--explain", "disclosed", "research").output == ""


def test_explain_writes_to_out_and_takes_no_format(year_db: str, tmp_path: Path) -> None:
    out = tmp_path / "cell.txt"
    assert _annual(year_db, "--explain", "carried_over", "total", "--out", str(out)).output == ""
    assert len(out.read_text("utf-8").splitlines()) == 2
    refused = CliRunner().invoke(report, ["annual", "--db", year_db, "--year", "2025",
                                          "--explain", "new", "total", "--format", "json"])
    assert refused.exit_code == 2 and "takes no --format" in refused.output


@pytest.mark.parametrize(("args", "message"), [
    (("--explain", "granted", "total"), "unknown row 'granted'"),
    (("--explain", "withheld", "total"), "heading without numbers"),
    (("--explain", "new", "citizens"), "unknown column 'citizens'"),
    (("--figures", "/nonexistent/figures.toml"), "cannot read agency figures"),
], ids=["row", "heading", "column", "figures_missing"])
def test_annual_errors(year_db: str, args: tuple[str, ...], message: str) -> None:
    _failed(_annual(year_db, *args), message)


@pytest.mark.parametrize("year", ["2007", "2099"])
def test_a_year_without_a_report(year_db: str, year: str) -> None:
    """条例 in force since 2008; no report for a year not yet begun."""
    _failed(_run(report, "annual", "--db", year_db, "--year", year), f"no report for {year}")
    _failed(_run(metrics, "--db", year_db, "--year", year), f"no report for {year}")


def test_bad_figures_file(year_db: str, tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    figures.write_text('{"licensing": -1}', encoding="utf-8")
    _failed(_annual(year_db, "--figures", str(figures)), "licensing")


def test_bad_format_and_year_are_usage_errors(year_db: str) -> None:
    assert _annual(year_db, "--format", "pdf").exit_code == 2
    assert _run(report, "annual", "--db", year_db, "--year", "last").exit_code == 2


def test_metrics(year_db: str) -> None:
    """Replied in 2025: A, D, E, F, all within 20 working days (条例 33)."""
    data = json.loads(_run(metrics, "--db", year_db, "--year", "2025", "--json").output)
    assert (data["year"], data["replies_on_time"], data["replies_late"]) == (2025, 4, 0)
    text = _run(metrics, "--db", year_db, "--year", "2025").output
    assert "replies on time (按期答复): 4" in text.splitlines()


def test_ledger_lists_and_filters(db_url: str) -> None:
    engine = publication.make(db_url)
    publication.draft(engine, title="尚在起草的通知", kind="normative")
    publication.to_approved(engine)
    engine.close()
    lines = [line.split("\t") for line in _run(ledger, "--db", db_url).output.splitlines()]
    assert sorted(line[1] for line in lines) == ["关于促进民营经济高质量发展的若干措施",
                                                 "尚在起草的通知"]
    signed = next(line for line in lines if line[0] == publication.NUMBER)
    assert (signed[2], signed[3], signed[5], signed[6]) == ("policy", "active", "2025-03-10",
                                                           "0/0")
    drafts = _run(ledger, "--db", db_url, "--kind", "normative").output.splitlines()
    assert [d.split("\t")[:3] for d in drafts] == [["-", "尚在起草的通知", "normative"]]
    assert _run(ledger, "--db", db_url, "--kind", "regulation").output == ""
    assert _run(ledger, "--db", db_url, "--status", "repealed").output == ""
    assert _run(ledger, "--db", db_url, "--attribute", "secret").exit_code == 2


def test_a_command_module_imported_before_engine_cli_still_mounts() -> None:
    """Package commands mount when the command line first needs them, not on import, so
    importing ``workflows.reports.cli`` first is no import cycle."""
    code = ("import workflows.reports.cli, workflows.ledger.cli\n"
            "from click.testing import CliRunner\nfrom engine.cli import main\n"
            "print(CliRunner().invoke(main, ['--help']).output)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    listed = {line.split()[0] for line in run.stdout.splitlines() if line.startswith("  ")}
    assert {"report", "metrics", "ledger", "list", "calendar"} <= listed
