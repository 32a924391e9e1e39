"""``gongkai calendar …`` through click's CliRunner, as the `gongkai` command mounts it: its
error handler reports a calendar error as one line, exit 8 (engine.cli.errors); `calendar check`
exits 1 for a file with problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from calendars.errors import SCHEDULE_DIR_ENV
from engine.cli import main

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
    result = runner.invoke(main, ["calendar", "check", str(schedule_dir / "2027.toml")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "2027" in result.output
    assert "3 days off, 1 make-up working days" in result.output


def test_check_a_bad_file(runner: CliRunner, write_schedule: WriteSchedule) -> None:
    path = write_schedule(2027, workdays={"春节调休": ["2027-02-22"]})
    result = runner.invoke(main, ["calendar", "check", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.output and "2027-02-22" in result.output
    assert "Saturday or Sunday" in result.output


def test_show_an_official_year(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "show", "2025"])
    assert result.exit_code == 0, result.output
    assert "国务院办公厅关于2025年部分节假日安排的通知" in result.output
    assert "2025-01-28 Tue  春节" in result.output
    assert "2025-01-26 Sun  春节调休" in result.output
    assert "provisional" not in result.output


def test_show_a_year_without_schedule(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "show", "2027"])
    assert result.exit_code == 8
    assert result.output.startswith("gongkai: error: CalendarDataMissing: ")
    assert "2027" in result.output and "--provisional" in result.output
    result = runner.invoke(main, ["calendar", "show", "2027", "--provisional"])
    assert result.exit_code == 0, result.output
    assert "2027 (provisional)" in result.output
    assert "2027-02-05 Fri  春节" in result.output


def test_add(runner: CliRunner, schedule_dir: Path) -> None:
    result = runner.invoke(main, ["calendar", "add", "2024-09-12", "20"])
    assert (result.exit_code, result.output) == (0, "2024-10-16\n")
    result = runner.invoke(main, ["calendar", "add", "2024-10-16", "-20"])
    assert (result.exit_code, result.output) == (0, "2024-09-12\n")
    result = runner.invoke(main, ["calendar", "add", "2026-12-20", "20"])
    assert result.exit_code == 8 and "2027" in result.output
    result = runner.invoke(main, ["calendar", "add", "2026-12-20", "20", "--provisional"])
    assert (result.exit_code, result.output) == (0, "2027-01-18  (provisional)\n")
    args = ["add", "2026-12-20", "20", "--schedule-dir", str(schedule_dir)]
    result = runner.invoke(main, ["calendar"] + args)
    assert (result.exit_code, result.output) == (0, "2027-01-15\n")


def test_schedule_dir_from_the_environment(runner: CliRunner, schedule_dir: Path) -> None:
    result = runner.invoke(
        main, ["calendar"] + ["add", "2026-12-20", "20"], env={SCHEDULE_DIR_ENV: str(schedule_dir)}
    )
    assert (result.exit_code, result.output) == (0, "2027-01-15\n")


def test_delta(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "delta", "2024-09-12", "2024-10-16"])
    assert (result.exit_code, result.output) == (0, "20\n")
    args = ["calendar", "delta", "2024-09-13", "2024-10-16", "--include-start"]
    result = runner.invoke(main, args)
    assert (result.exit_code, result.output) == (0, "20\n")
    result = runner.invoke(main, ["calendar", "delta", "2026-12-20", "2027-01-18", "--provisional"])
    assert (result.exit_code, result.output) == (0, "20  (provisional)\n")


def test_bad_arguments(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "add", "12/20/2026", "20"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["calendar", "show", "2025", "--schedule-dir", "/nonexistent/x"])
    assert result.exit_code == 8 and "not a directory" in result.output


def _local(path: Path, year: int, holidays: str, workdays: str = "") -> Path:
    text = f'extends = "national"\nyear = {year}\nsource = "某自治州的规定（测试用）"\n\n'
    text += f'[[holidays]]\nname = "地方节日"\ndates = [{holidays}]\n'
    if workdays:
        text += f'\n[[workdays]]\nname = "地方节日调休"\ndates = [{workdays}]\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_check_a_local_file(runner: CliRunner, tmp_path: Path) -> None:
    path = _local(tmp_path / "local.toml", 2025, '"2025-03-20"', '"2025-03-22"')
    result = runner.invoke(main, ["calendar", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "adds to the national schedule" in result.output
    assert "checked against the national schedule" in result.output


def test_check_names_every_problem_of_a_local_file(runner: CliRunner, tmp_path: Path) -> None:
    """A local working day on 春节 (Sat 2025-02-01, 2025 notice), one on a Monday, a bad date."""
    path = _local(tmp_path / "local.toml", 2025, '"2025-02-30"', '"2025-02-01", "2025-03-24"')
    result = runner.invoke(main, ["calendar", "check", str(path)])
    assert result.exit_code == 1
    assert "3 problems" in result.output
    for what in ("2025-02-30", "2025-02-01", "national day off", "2025-03-24", "Monday"):
        assert what in result.output


def test_check_a_local_file_against_a_national_file_given_with_it(
    runner: CliRunner, write_schedule: WriteSchedule, tmp_path: Path
) -> None:
    national = write_schedule(2027, holidays={"春节": ["2027-02-06"]})
    local = _local(tmp_path / "local.toml", 2027, '"2027-03-18"', '"2027-02-06"')
    result = runner.invoke(main, ["calendar", "check", str(local), str(national)])
    assert result.exit_code == 1
    assert "2027-02-06" in result.output and "national day off" in result.output
    alone = runner.invoke(main, ["calendar", "check", str(local)])
    assert alone.exit_code == 1  # 2027-02-06 is 春节 in the provisional schedule too
    assert "2027-02-06" in alone.output and "provisional national day off" in alone.output


def test_check_a_local_file_against_the_provisional_schedule(
    runner: CliRunner, tmp_path: Path
) -> None:
    """No notice for 2027: checked against the statutory holidays, every problem at once
    (春节 Sat 2027-02-06 and 劳动节 Sat 2027-05-01 worked locally, one on a Monday)."""
    bad = _local(tmp_path / "bad.toml", 2027, '"2027-03-18"',
                 '"2027-02-06", "2027-05-01", "2027-03-22"')
    result = runner.invoke(main, ["calendar", "check", str(bad)])
    assert result.exit_code == 1
    assert "3 problems" in result.output
    for what in ("2027-02-06", "2027-05-01", "provisional national day off", "2027-03-22"):
        assert what in result.output
    good = _local(tmp_path / "good.toml", 2027, '"2027-03-18"', '"2027-03-20"')
    ok = runner.invoke(main, ["calendar", "check", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "checked against the provisional one" in ok.output
    far = _local(tmp_path / "far.toml", 2100, '"2100-03-18"', '"2100-03-20"')
    beyond = runner.invoke(main, ["calendar", "check", str(far)])
    assert beyond.exit_code == 0, beyond.output
    assert "no national schedule for 2100 to check against" in beyond.output
