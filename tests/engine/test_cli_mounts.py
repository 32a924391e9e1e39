"""The command line's mount points and its agencies.

Workflow packages add sub-commands through the entry point group ``gongkai.commands``; the engine
refuses one that is not a click command or that would replace a command it already has. The
staff commands ``gongkai todo`` and ``gongkai timers`` read one agency's rows: ``--agency`` or
``$GONGKAI_AGENCY``, the default agency otherwise.
"""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import EntryPoint

import click
import pytest
from click.testing import CliRunner

import engine.cli
from calendars import ChinaCalendar
from engine import Engine
from engine.cli import _mount_commands, main
from engine.testing import ManualClock
from tests.engine import timer_defs
from tests.engine.timer_defs import CLERK

HERE = __name__


@click.command()
@click.option("--name", default="公开")
def hello(name: str) -> None:
    """A workflow package's command."""
    click.echo(f"hello {name}")


@click.group()
def ledger() -> None:
    """A workflow package's group of commands (台账)."""


@ledger.command("list")
def ledger_list() -> None:
    click.echo("ledger rows")


def not_a_command() -> None:
    """A plain function published by mistake."""


def publish(monkeypatch: pytest.MonkeyPatch, **targets: str) -> None:
    """Pretend installed packages publish ``name = module:attr`` in ``gongkai.commands``."""
    eps = [EntryPoint(name, value, "gongkai.commands") for name, value in targets.items()]

    def entry_points(*, group: str) -> list[EntryPoint]:
        return eps if group == "gongkai.commands" else []

    monkeypatch.setattr(engine.cli, "entry_points", entry_points)


def fresh_group() -> click.Group:
    @click.group()
    def gongkai() -> None:
        """A stand-in for ``gongkai``."""

    @gongkai.command()
    def diagram() -> None:
        click.echo("the engine's diagram")

    return gongkai


def invoke(group: click.Group, *args: str) -> str:
    result = CliRunner().invoke(group, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# -- mount points ---------------------------------------------------------------------------------

def test_an_entry_point_adds_its_command_under_its_own_name(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    publish(monkeypatch, greet=f"{HERE}:hello", ledger=f"{HERE}:ledger")
    group = fresh_group()
    _mount_commands(group)
    assert sorted(group.commands) == ["diagram", "greet", "ledger"]
    assert invoke(group, "greet", "--name", "张三") == "hello 张三\n"
    assert invoke(group, "ledger", "list") == "ledger rows\n"
    assert invoke(group, "diagram") == "the engine's diagram\n"


def test_a_command_may_not_replace_one_the_engine_has(monkeypatch: pytest.MonkeyPatch) -> None:
    publish(monkeypatch, diagram=f"{HERE}:hello")
    group = fresh_group()
    with pytest.raises(RuntimeError, match=rf"'diagram' is already defined.*{HERE}:hello"):
        _mount_commands(group)
    assert invoke(group, "diagram") == "the engine's diagram\n"


def test_the_real_gongkai_refuses_to_lose_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    publish(monkeypatch, timers=f"{HERE}:hello")
    with pytest.raises(RuntimeError, match="'timers' is already defined"):
        _mount_commands(main)
    assert main.commands["timers"] is not hello


def test_two_packages_may_not_publish_one_name(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = [EntryPoint("report", f"{HERE}:hello", "gongkai.commands"),
           EntryPoint("report", f"{HERE}:ledger", "gongkai.commands")]
    monkeypatch.setattr(engine.cli, "entry_points", lambda *, group: eps)
    group = fresh_group()
    with pytest.raises(RuntimeError, match="'report' is already defined"):
        _mount_commands(group)
    assert group.commands["report"] is hello


def test_something_that_is_not_a_command_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    publish(monkeypatch, oops=f"{HERE}:not_a_command")
    group = fresh_group()
    with pytest.raises(TypeError, match=rf"'oops' \({HERE}:not_a_command\) is not a click"):
        _mount_commands(group)
    assert sorted(group.commands) == ["diagram"]


def test_no_entry_points_mount_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    publish(monkeypatch)
    group = fresh_group()
    _mount_commands(group)
    assert sorted(group.commands) == ["diagram"]


# -- --agency for todo and timers -----------------------------------------------------------------

def two_agencies(db_url: str) -> dict[str, list[str]]:
    """Agency ``a`` receives two requests, agency ``b`` one (each writes a reminder and an
    overdue timer for its reply period)."""
    clock = ManualClock(datetime(2025, 3, 3, 10))
    ids: dict[str, list[str]] = {}
    for code, count in (("a", 2), ("b", 1)):
        with Engine(db_url, clock=clock, calendar=ChinaCalendar(provisional=True),
                    agency=code) as engine:
            engine.register(timer_defs.request())
            ids[code] = [engine.start("request", CLERK, {"received_on": "2025-03-03"}).id
                         for _ in range(count)]
    return ids


def lines(*args: str, env: dict[str, str] | None = None) -> list[list[str]]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.output.splitlines()]


def test_todo_lists_one_agencys_worklist(db_url: str) -> None:
    ids = two_agencies(db_url)
    todo = ("todo", "--role", "clerk", "--db", db_url)
    assert sorted(r[0] for r in lines(*todo, "--agency", "a")) == sorted(ids["a"])
    assert [r[0] for r in lines(*todo, env={"GONGKAI_AGENCY": "b"})] == ids["b"]
    assert [r[0] for r in lines(*todo, "--agency", "b", env={"GONGKAI_AGENCY": "a"})] == ids["b"]
    assert lines(*todo) == []                                 # the default agency has none
    assert lines(*todo, "--agency", "c") == []


def test_timers_lists_one_agencys_timers(db_url: str) -> None:
    ids = two_agencies(db_url)
    timers = ("timers", "--db", db_url)
    by_a = lines(*timers, "--agency", "a")
    assert len(by_a) == 4 and {r[3] for r in by_a} == set(ids["a"])
    by_b = lines(*timers, "--pending", env={"GONGKAI_AGENCY": "b"})
    assert len(by_b) == 2 and {r[3] for r in by_b} == set(ids["b"])
    assert lines(*timers) == []


@pytest.mark.parametrize("command", [["todo", "--role", "clerk"], ["timers"], ["worker"]])
@pytest.mark.parametrize("code", ["", "a\n", "x" * 65])
def test_an_unusable_agency_is_a_usage_error(db_url: str, command: list[str], code: str) -> None:
    result = CliRunner().invoke(main, [*command, "--db", db_url, "--agency", code])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--agency'" in result.output
    assert "agency code" in result.output
    if code:                                    # click reads an empty variable as unset
        from_env = CliRunner().invoke(main, [*command, "--db", db_url],
                                      env={"GONGKAI_AGENCY": code})
        assert from_env.exit_code == 2, from_env.output
