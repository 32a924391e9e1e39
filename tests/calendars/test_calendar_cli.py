"""``gongkai calendar …`` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from calendars.cli import calendar_group
from calendars.errors import SCHEDULE_DIR_ENV

from .conftest import WriteSchedule


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def schedule_dir(write_schedule: WriteSchedule, tmp_path: Path) -> Path:
    directory = tmp_path / "schedules"
    write_schedule(
        2027,
        "国务院办公厅关于2027年部分节假日安排的通知（测试用，假设的安排）",
        {"元旦": ["2027-01-01", "2027-01-02", "2027-01-03"]},
        {"元旦调休": ["2027-01-09"]},
        directory=directory,
    )
    return directory


def test_check_a_good_file(runner: CliRunner, schedule_dir: Path) -> None:
    result = runner.invoke(calendar_group, ["check", str(schedule_dir / "2027.toml")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "2027" in result.output
    assert "3 days off, 1 make-up working days" in result.output


def test_check_a_bad_file(runner: CliRunner, write_schedule: WriteSchedule) -> None:
    path = write_schedule(2027, workdays={"春节调休": ["2027-02-22"]})
    result = runner.invoke(calendar_group, ["check", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.output and "2027-02-22" in result.output
    assert "Saturday or Sunday" in result.output


def test_show_an_official_year(runner: CliRunner) -> None:
    result = runner.invoke(calendar_group, ["show", "2025"])
    assert result.exit_code == 0, result.output
    assert "国务院办公厅关于2025年部分节假日安排的通知" in result.output
    assert "2025-01-28 Tue  春节" in result.output
    assert "2025-01-26 Sun  春节调休" in result.output
    assert "provisional" not in result.output


def test_show_a_year_without_schedule(runner: CliRunner) -> None:
    result = runner.invoke(calendar_group, ["show", "2027"])
    assert result.exit_code == 1
    assert "2027" in result.output and "--provisional" in result.output
    result = runner.invoke(calendar_group, ["show", "2027", "--provisional"])
    assert result.exit_code == 0, result.output
    assert "2027 (provisional)" in result.output
    assert "2027-02-05 Fri  春节" in result.output


def test_add(runner: CliRunner, schedule_dir: Path) -> None:
    result = runner.invoke(calendar_group, ["add", "2024-09-12", "20"])
    assert (result.exit_code, result.output) == (0, "2024-10-16\n")
    result = runner.invoke(calendar_group, ["add", "2024-10-16", "-20"])
    assert (result.exit_code, result.output) == (0, "2024-09-12\n")
    result = runner.invoke(calendar_group, ["add", "2026-12-20", "20"])
    assert result.exit_code == 1 and "2027" in result.output
    result = runner.invoke(calendar_group, ["add", "2026-12-20", "20", "--provisional"])
    assert (result.exit_code, result.output) == (0, "2027-01-18  (provisional)\n")
    args = ["add", "2026-12-20", "20", "--schedule-dir", str(schedule_dir)]
    result = runner.invoke(calendar_group, args)
    assert (result.exit_code, result.output) == (0, "2027-01-15\n")


def test_schedule_dir_from_the_environment(runner: CliRunner, schedule_dir: Path) -> None:
    result = runner.invoke(
        calendar_group, ["add", "2026-12-20", "20"], env={SCHEDULE_DIR_ENV: str(schedule_dir)}
    )
    assert (result.exit_code, result.output) == (0, "2027-01-15\n")


def test_delta(runner: CliRunner) -> None:
    result = runner.invoke(calendar_group, ["delta", "2024-09-12", "2024-10-16"])
    assert (result.exit_code, result.output) == (0, "20\n")
    result = runner.invoke(calendar_group, ["delta", "2024-09-13", "2024-10-16", "--include-start"])
    assert (result.exit_code, result.output) == (0, "20\n")
    result = runner.invoke(calendar_group, ["delta", "2026-12-20", "2027-01-18", "--provisional"])
    assert (result.exit_code, result.output) == (0, "20  (provisional)\n")


def test_bad_arguments(runner: CliRunner) -> None:
    result = runner.invoke(calendar_group, ["add", "12/20/2026", "20"])
    assert result.exit_code == 2
    result = runner.invoke(calendar_group, ["show", "2025", "--schedule-dir", "/nonexistent/x"])
    assert result.exit_code == 1 and "not a directory" in result.output
