"""``gongkai demo``: the generated year runs through the real workflows end to end, and its
table 三 is consistent (the form's column check: 一 + 二 = 三（七）+ 四,
国办公开办函〔2021〕30号)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner, Result

import workflows
from engine import Engine
from engine.testing import ManualClock
from workflows.demo import generate
from workflows.demo.cli import demo
from workflows.reports import annual_report
from workflows.reports.form import COLUMNS, TOTAL

SMALL = ["--requests", "40"]


def run(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(demo, ["--db", str(tmp_path / "demo.db"), "--out",
                                     str(tmp_path / "out"), *args], catch_exceptions=False)


def table3(db: Path, year: int = 2025) -> dict[str, dict[str, int]]:
    engine = Engine(f"sqlite:///{db}", clock=ManualClock(dt.datetime(year + 1, 1, 2, 9)))
    try:
        workflows.register_all(engine)
        return annual_report(engine, year).requests.numbers()
    finally:
        engine.close()


def assert_columns_add_up(numbers: dict[str, dict[str, int]], requests: int) -> None:
    for column in (c.key for c in COLUMNS):
        left = numbers["new"][column] + numbers["carried_over"][column]
        assert left == numbers[TOTAL][column] + numbers["carried_forward"][column], column
    assert numbers["new"][TOTAL] + numbers["carried_over"][TOTAL] <= requests


def test_small_demo_end_to_end(tmp_path: Path) -> None:
    result = run(tmp_path, *SMALL)
    assert result.exit_code == 0, result.output
    assert "（七）总计" in result.output and "本年新收" in result.output
    numbers = table3(tmp_path / "demo.db")
    assert_columns_add_up(numbers, 40)
    assert f"| {numbers['new'][TOTAL]} |" in result.output
    out = tmp_path / "out"
    assert (out / "report-2025.html").read_text(encoding="utf-8").strip()
    for definition in workflows.definitions():
        assert (out / f"{definition.name}.mmd").read_text(encoding="utf-8").count("stateDiagram")


def test_same_seed_same_table_other_seed_valid(tmp_path: Path) -> None:
    tables = []
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        assert run(tmp_path / name, *SMALL, "--seed", seed).exit_code == 0
        tables.append(table3(tmp_path / name / "demo.db"))
    assert tables[0] == tables[1]
    assert_columns_add_up(tables[2], 40)


def test_refuses_another_file_and_replaces_a_demo_only_when_fresh(tmp_path: Path) -> None:
    other = tmp_path / "demo.db"
    other.write_bytes(b"not a demo")
    refused = CliRunner().invoke(demo, ["--db", str(other), "--requests", "3"])
    assert refused.exit_code != 0 and "not a gongkai demo database" in refused.output
    assert other.read_bytes() == b"not a demo"

    db = tmp_path / "again" / "demo.db"
    args = ["--db", str(db), "--out", str(tmp_path / "out"), "--requests", "3"]
    assert CliRunner().invoke(demo, args).exit_code == 0
    again = CliRunner().invoke(demo, args)
    assert again.exit_code != 0 and "--fresh" in again.output
    assert CliRunner().invoke(demo, [*args, "--fresh"]).exit_code == 0


def test_default_year_has_a_wide_mix() -> None:
    scenario = generate()
    results = set(scenario.results.values())
    assert len(results) > 10
    assert {"disclosed", "partially_disclosed", "unavailable.not_held", "other.no_correction",
            "withdrawn"} <= results
    triggers = {step.trigger for step in scenario.steps}
    assert {"consult", "notify_fee", "extend", "withdraw", "file_challenge", "repeal", "file",
            "propose_conversion", "propose_retain", "add_interpretation"} <= triggers
    assert any(step.data.get("documents") for step in scenario.steps if step.trigger == "register")
    assert all(step.day <= dt.date(2025, 12, 31) for step in scenario.steps)
    assert generate(seed=2) != scenario and generate() == scenario


def test_refuses_before_simulating_what_it_could_not_finish(tmp_path: Path) -> None:
    """A year the reports cannot cover, an --out it cannot write and a --db that is not an
    embedded file are refused up front, leaving no database behind."""
    db = tmp_path / "d.db"
    for args in (["--year", "2099"], ["--out", "/proc/no-such-folder"],
                 ["--db", "postgresql://x/y"]):
        result = CliRunner().invoke(demo, ["--db", str(db), "--requests", "3", *args])
        assert result.exit_code == 2, result.output
        assert not db.exists()


def test_takes_a_sqlite_url_and_marks_an_unfinished_demo(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    args = ["--db", f"sqlite:///{db}", "--out", str(tmp_path / "out"), "--requests", "3"]
    assert CliRunner().invoke(demo, args).exit_code == 0
    assert db.exists() and not (tmp_path / "sqlite:").exists()
    marker = db.with_name("u.db.demo.json")
    marker.write_text(marker.read_text("utf-8").replace('"finished": true',
                                                        '"finished": false'), "utf-8")
    again = CliRunner().invoke(demo, args)
    assert again.exit_code == 2 and "unfinished demo" in again.output
