"""The one error handler of ``gongkai`` (engine.cli.errors): every bad input is one line on
stderr, ``gongkai: error: Class: message`` naming the problem, an exit code of its family from
the table, never a traceback (``--debug`` shows one, with the same code); nonsense options are
usage errors. Run through click's CliRunner, and a few as real processes."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

import engine.cli.errors as cli_errors
import workflows
from calendars import CalendarError, DateOutOfRange, ScheduleFileError
from engine import Engine, InvalidData, NotFound
from engine.cli import main
from engine.cli.errors import BUG, EXIT_CODES, exit_code_of
from engine.errors import (
    DatabaseBusy,
    DeadlineError,
    DefinitionError,
    GuardRejected,
    HistoryTampered,
    InvalidArgument,
    StorageError,
    WorkflowError,
)
from engine.runtime.engine import Engine as RuntimeEngine
from engine.runtime.worker import Worker
from workflows.ledger.cli import ledger
from workflows.reports.cli import report

ROOT = Path(__file__).resolve().parents[2]
APPLICANT = {"name": "张三", "type": "natural_person", "contact": "13800000000"}
REQUEST = {"applicant": APPLICANT, "channel": "online", "confirmed_on": "2025-09-12",
           "description": "2024年技术改造项目扶持资金分配结果"}
START = ["start", "disclosure_request", "--actor", "li.na", "--role", "registrar"]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """A SQLite database with one disclosure request in it."""
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with Engine(url) as engine:
        workflows.register_all(engine)
    result = invoke(*START, "--data", json.dumps(REQUEST), "--db", url)
    assert result.exit_code == 0, result.output
    yield url


@pytest.fixture
def instance_id(sqlite_url: str) -> str:
    return invoke("list", "disclosure_request", "--db", sqlite_url).stdout.split("\t")[0]


def invoke(*args: str, env: dict[str, str] | None = None,
           command: click.Command = main) -> Result:
    return CliRunner().invoke(command, list(args), env=env, catch_exceptions=False)


def one_line(result: Result, code: int, *named: str) -> str:
    """The one stderr line of a refused command, after checking its exit code and that it
    names what it should."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gongkai: error: "), lines[0]
    assert "Traceback" not in result.stderr
    for text in named:
        assert text in lines[0], lines[0]
    return lines[0]


# -- the table ------------------------------------------------------------------------------

def test_each_family_has_its_own_code_and_the_docstring_lists_them() -> None:
    codes = [row.code for row in EXIT_CODES]
    assert len(set(codes)) == len(codes) and 0 not in codes
    doc = cli_errors.__doc__ or ""
    for row in EXIT_CODES:
        assert f"\n{row.code:<4}  {row.family}" in doc, row


@pytest.mark.parametrize(("error", "code"), [
    (WorkflowError("x"), 1),
    (click.BadParameter("x"), 2),
    (NotFound("instance", "x"), 3),
    (GuardRejected("i", "s", "t", "g", "r"), 4),
    (InvalidData("t", []), 5),
    (InvalidArgument("page_size", "must be at least 1"), 5),
    (DefinitionError("d", 1, ["p"]), 6),
    (DatabaseBusy("locked"), 7),
    (StorageError("x"), 7),
    (DateOutOfRange("year 10000"), 8),
    (ScheduleFileError("f.toml", []), 8),
    (DeadlineError("x"), 8),
    (HistoryTampered("i", 2, "r"), 9),
    (FileNotFoundError(2, "No such file", "x"), 10),
    (ZeroDivisionError(), BUG),
])
def test_exit_code_of_each_family(error: BaseException, code: int) -> None:
    assert exit_code_of(error) == code


def test_help_lists_the_exit_codes() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.stdout and " 70  bug" in result.stdout


# -- nonsense options are usage errors (2) --------------------------------------------------

@pytest.mark.parametrize("args", [
    ["todo", "--role", "clerk", "--page", "-1"],
    ["todo", "--role", "clerk", "--page", "0"],
    ["todo", "--role", "clerk", "--page", "10000001"],
])
def test_pages_out_of_range(sqlite_url: str, args: list[str]) -> None:
    one_line(invoke(*args, "--db", sqlite_url), 2, "'--page'")


@pytest.mark.parametrize("poll", ["nan", "NaN", "-1", "0", "inf", "1e9", "abc"])
def test_worker_poll_must_be_a_positive_finite_interval(sqlite_url: str, poll: str) -> None:
    one_line(invoke("worker", "--poll", poll, "--db", sqlite_url), 2, "'--poll'")


@pytest.mark.parametrize("year", ["0", "10000", "-5", "last"])
def test_report_years_out_of_range(sqlite_url: str, year: str) -> None:
    one_line(invoke("metrics", "--year", year, "--db", sqlite_url), 2, "'--year'")
    one_line(invoke("report", "annual", "--year", year, "--db", sqlite_url), 2, "'--year'")


@pytest.mark.parametrize("args", [
    ["timers"], ["todo", "--role", "clerk"], ["list", "disclosure_request"], ["show", "x"],
    ["fire", "x", "accept", "--actor", "a", "--role", "r"], ["verify"], ["metrics", "--year",
    "2025"], ["report", "annual", "--year", "2025"], ["ledger"], ["worker"],
])
def test_a_missing_sqlite_file_is_refused_by_every_reading_command(tmp_path: Path,
                                                                   args: list[str]) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'typo.db'}"
    one_line(invoke(*args, "--db", url), 2, "no database at", "typo.db", "gongkai start")
    assert not (tmp_path / "typo.db").exists()


def test_data_nested_too_deeply_for_json(sqlite_url: str, instance_id: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    one_line(invoke("fire", instance_id, "accept", "--actor", "li.na", "--role", "registrar",
                    "--data", deep, "--db", sqlite_url), 2, "'--data'", "nested too deeply")


def test_an_unknown_workflow_of_todo(sqlite_url: str) -> None:
    one_line(invoke("todo", "--role", "clerk", "--workflow", "nope", "--db", sqlite_url), 2,
             "'--workflow'", "unknown workflow 'nope'", "disclosure_request")


def test_an_argument_that_is_not_utf8_text(sqlite_url: str) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which no database stores."""
    bad = b"id-\xff".decode("utf-8", "surrogateescape")
    one_line(invoke("show", bad, "--db", sqlite_url), 2, "argument 2 is not UTF-8 text")


# -- the database (7) -----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["mysql://user:secret@db.example/gongkai", "garbage",
                                 "sqlite:////no/such/dir/g.db", "postgresql+psycopg://u:secret@"
                                 "127.0.0.1:1/x", "nosuchdialect://x"])
def test_a_database_that_cannot_be_opened(url: str) -> None:
    line = one_line(invoke(*START, "--data", json.dumps(REQUEST), "--db", url), 7,
                    "DatabaseUnavailable: ", "opening --db")
    assert "secret" not in line


def test_a_read_only_database_refuses_a_write(sqlite_url: str) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    one_line(invoke(*START, "--data", json.dumps(REQUEST), "--db", read_only), 7, "readonly")
    assert len(invoke("list", "disclosure_request", "--db", read_only).stdout.splitlines()) == 1


def test_a_driver_error_that_escapes_is_a_storage_error(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*_: Any, **__: Any) -> None:
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(RuntimeEngine, "find", locked)
    one_line(invoke("list", "disclosure_request", "--db", sqlite_url), 7,
             "StorageError: the database refused: OperationalError", "database is locked")


# -- refusals of the engine (3, 4, 5) -------------------------------------------------------

def test_refusals_exit_with_their_family(sqlite_url: str, instance_id: str) -> None:
    act = ("--actor", "li.na", "--role", "registrar", "--db", sqlite_url)
    one_line(invoke("show", "nope", "--db", sqlite_url), 3, "NotFound: instance 'nope'")
    one_line(invoke("fire", instance_id, "reply", *act), 4, "InvalidTransition")
    one_line(invoke("fire", instance_id, "accept", "--actor", "x", "--role", "visitor",
                    "--db", sqlite_url), 4, "PermissionDenied")
    one_line(invoke(*START, "--data", '{"a": 1}', "--db", sqlite_url), 5,
             "InvalidData", "applicant")
    one_line(invoke("fire", instance_id, "accept", *act, "--data", "[1]"), 2, "'--data'")


# -- the calendar (8) -----------------------------------------------------------------------

@pytest.mark.parametrize(("args", "named"), [
    (["add", "9999-12-31", "1"], "DateOutOfRange: the 1st working day after 9999-12-31"),
    (["add", "0001-01-01", "-1"], "DateOutOfRange: the 1st working day before 0001-01-01"),
    (["add", "9999-12-31", "1", "--provisional"], "DateOutOfRange"),
    (["show", "10000"], "DateOutOfRange: year 10000"),
    (["show", "2300", "--provisional"], "CalendarDataMissing: "),
    (["delta", "2020-01-01", "2030-01-01"], "--schedule-dir DIR"),
    (["add", "2025-01-01", "1", "--schedule-dir", "/no/such/dir"], "not a directory"),
])
def test_calendar_errors_are_one_line(args: list[str], named: str) -> None:
    one_line(invoke("calendar", *args), 8, named)


@pytest.mark.parametrize(("content", "named"), [
    ("year = 2027\nx = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
    (bytes(range(256)) * 4, "not UTF-8"),
    ("# " + "x" * (1024 * 1024 + 1), "larger than"),
])
def test_a_bad_schedule_dir_from_the_environment(
        sqlite_url: str, tmp_path: Path, content: str | bytes, named: str) -> None:
    folder = tmp_path / "schedules"
    folder.mkdir()
    path = folder / "2027.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    env = {"GONGKAI_SCHEDULE_DIR": str(folder)}
    one_line(invoke("list", "disclosure_request", "--db", sqlite_url, env=env), 8,
             "ScheduleFileError", named)
    one_line(invoke("calendar", "add", "2025-01-01", "1", env=env), 8, named)


def test_a_schedule_dir_that_is_missing_names_the_variable(sqlite_url: str) -> None:
    env = {"GONGKAI_SCHEDULE_DIR": "/no/such/schedules"}
    one_line(invoke("todo", "--role", "clerk", "--db", sqlite_url, env=env), 8,
             "not a directory of schedule files", "GONGKAI_SCHEDULE_DIR")


# -- files the user named (10), bugs (70), --debug ------------------------------------------

def test_a_file_that_cannot_be_written(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "no" / "dir" / "report.md"
    one_line(invoke("report", "annual", "--year", "2025", "--db", sqlite_url, "--out",
                    str(out)), 10, "FileNotFoundError", str(out), "--out")


def test_an_unexpected_exception_is_a_bug_of_one_line(sqlite_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(RuntimeEngine, "find", broken)
    line = one_line(invoke("list", "disclosure_request", "--db", sqlite_url), 70,
                    "internal error", "ZeroDivisionError: division by zero", "--debug")
    assert "report it" in line
    debug = invoke("--debug", "list", "disclosure_request", "--db", sqlite_url)
    assert debug.exit_code == 70
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.rstrip().endswith("ZeroDivisionError: division by zero")


def test_debug_from_the_environment_keeps_the_code() -> None:
    result = invoke("calendar", "add", "9999-12-31", "1", env={"GONGKAI_DEBUG": "1"})
    assert result.exit_code == 8
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "DateOutOfRange" in result.stderr.splitlines()[-1]


def test_package_commands_have_the_handler_on_their_own(tmp_path: Path) -> None:
    """report, metrics, ledger and demo are click commands of their own too."""
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    one_line(invoke("--db", url, command=ledger), 2, "no database at")
    one_line(invoke("annual", "--db", "mysql://u:secret@h/x", "--year", "2025",
                    command=report), 7, "DatabaseUnavailable: ", "opening --db")


# -- the worker refuses a poll interval it would spin on ------------------------------------

@pytest.mark.parametrize("poll", [0, -1, math.nan, math.inf, -math.inf])
def test_worker_refuses_a_poll_interval_it_would_spin_on(sqlite_url: str, poll: float) -> None:
    with Engine(sqlite_url) as engine:
        with pytest.raises(InvalidArgument, match="poll_interval"):
            Worker(engine.core, poll)
        with pytest.raises(TypeError, match="poll_interval"):
            Worker(engine.core, True)
        worker = Worker(engine.core, 0.05)
        worker.start()
        worker.stop(wait=True)
        assert not worker.running


# -- real processes: nothing but one line on stderr -----------------------------------------

@pytest.mark.parametrize(("args", "code", "named"), [
    (["calendar", "add", "9999-12-31", "1"], 8, "DateOutOfRange"),
    (["worker", "--poll", "nan", "--db", "sqlite:///{db}"], 2, "'--poll'"),
    (["list", "disclosure_request", "--db", "mysql://u:secret@h/x"], 7, "DatabaseUnavailable"),
    (["todo", "--role", "clerk", "--page", "-1", "--db", "sqlite:///{db}"], 2, "'--page'"),
    (["show", "nope", "--db", "sqlite:///{db}"], 3, "NotFound"),
])
def test_real_processes_print_one_line(sqlite_url: str, args: list[str], code: int,
                                       named: str) -> None:
    db = sqlite_url.removeprefix("sqlite:///")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GONGKAI_SCHEDULE_DIR", None)
    done = subprocess.run([sys.executable, "-m", "engine.cli", *(a.format(db=db) for a in args)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("gongkai: error: ") and named in done.stderr


def test_calendar_errors_are_calendar_errors() -> None:
    assert issubclass(DateOutOfRange, CalendarError) and issubclass(ScheduleFileError,
                                                                    CalendarError)
