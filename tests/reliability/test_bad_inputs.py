"""The bad-input catalogue of issue 13: every entry of ``bad_inputs`` on SQLite and PostgreSQL.

For each bad input: the exact error class (not a parent, not a raw driver or Python error), a
message that names the problem, a short message (no echo of a 10 MB value) and a database dump
that is the same before and after — a refused call changes nothing. The command line gets the
same treatment in its own tests: a non-zero exit, one ``gongkai: error:`` line naming the
problem, no traceback, nothing changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import workflows
from engine import Engine
from engine.cli import main
from engine.testing import ManualClock, dump
from engine.testing.story import at
from tests.conftest import BACKENDS, _pg_schema_url
from tests.reliability.bad_inputs import API, CLI, DAY, PROCESS, Bad, BadLine, World
from tests.workflows.dump import story_in
from tests.workflows.story import REGISTRAR, payload

SHORT = 500
"""Most characters a refusal's message may have."""
STATES = ("registered", "assigned", "awaiting_fee", "consulting")
ROOT = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT_S = 20


def catalogue_engine(url: str) -> Engine:
    engine = Engine(url, clock=ManualClock(at(DAY)))
    workflows.register_all(engine)
    return engine


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Requests received on :data:`DAY` in each of :data:`STATES`, on one database a backend."""
    folder = tmp_path_factory.mktemp("bad-inputs")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{folder / 'gongkai.db'}"])
    else:
        urls = _pg_schema_url()
    url = next(urls)
    ids = {}
    for state in STATES:
        story = story_in(url, state, DAY)
        ids[state] = story.id
        story.engine.close()
    engine = catalogue_engine(url)
    yield World(url, engine, ids, folder)
    engine.close()
    next(urls, None)


def snapshot(world: World) -> str:
    """Every row of every table, as text: equal text is an unchanged database."""
    return repr(dump(world.engine))


def assert_refused(bad: Bad, world: World) -> None:
    before = snapshot(world)
    with pytest.raises(BaseException) as raised:
        bad.call(world)
    exc = raised.value
    message = str(exc)
    assert type(exc) is bad.error, (
        f"{bad.id}: expected {bad.error.__name__}, got {type(exc).__module__}."
        f"{type(exc).__name__}: {message[:SHORT]}")
    assert re.search(bad.message, message, re.DOTALL), f"{bad.id}: {message[:SHORT]}"
    assert len(message) <= SHORT, f"{bad.id}: message of {len(message)} characters"
    assert snapshot(world) == before, f"{bad.id}: the database changed"


@pytest.mark.parametrize("bad", API, ids=[b.id for b in API])
def test_bad_input_is_refused_with_its_error(world: World, bad: Bad) -> None:
    assert_refused(bad, world)


def test_the_catalogue_has_at_least_60_inputs() -> None:
    ids = [b.id for b in API] + [b.id for b in CLI] + [b.id for b in PROCESS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 60


def test_an_aware_handed_in_time_is_its_beijing_date(db_url: str) -> None:
    """条例 31: the receipt date of a request handed in is the day it was handed in, in Beijing:
    2025-09-26 00:00 at UTC+14 is 2025-09-25 18:00 in Beijing."""
    engine = catalogue_engine(db_url)
    try:
        data = payload("register", DAY, received_on=None,
                       handed_in_on="2025-09-26T00:00:00+14:00")
        started = engine.start("disclosure_request", REGISTRAR, data)
        assert started.data["handed_in_on"] == "2025-09-25"
        assert started.data["received_on"] == "2025-09-25"
    finally:
        engine.close()


# -- the command line ----------------------------------------------------------------------------

def error_line(bad: BadLine, output: str) -> str:
    """The one ``gongkai: error:`` line of ``output``, checked: no traceback, short."""
    assert "Traceback" not in output, f"{bad.id}: {output[-2000:]}"
    lines = [line for line in output.splitlines() if line.startswith("gongkai: error:")]
    assert len(lines) == 1, f"{bad.id}: {output[-2000:]}"
    line = lines[0]
    assert re.search(bad.message, line), f"{bad.id}: {line[:SHORT]}"
    assert len(line) <= SHORT, f"{bad.id}: error line of {len(line)} characters"
    return line


@pytest.mark.parametrize("bad", CLI, ids=[b.id for b in CLI])
def test_bad_command_line_is_one_error_line(world: World, bad: BadLine) -> None:
    before = snapshot(world)
    result = CliRunner().invoke(main, bad.args(world))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{bad.id}: raised {type(result.exception).__name__}: {result.exception}")
    assert result.exit_code != 0, f"{bad.id}: exit 0: {result.output[-2000:]}"
    error_line(bad, result.output)
    assert snapshot(world) == before, f"{bad.id}: the database changed"


@pytest.mark.parametrize("bad", PROCESS, ids=[b.id for b in PROCESS])
def test_bad_command_line_in_a_real_process(world: World, bad: BadLine) -> None:
    """A real ``gongkai`` process: a worker that would spin or wait for ever must not start."""
    before = snapshot(world)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "from engine.cli import main; main()", *bad.args(world)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=world.folder,
                              timeout=PROCESS_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{bad.id}: still running after {PROCESS_TIMEOUT_S} s: {exc.stderr!r}")
    assert done.returncode != 0, f"{bad.id}: exit 0: {done.stderr[-2000:]}"
    error_line(bad, done.stderr)
    assert snapshot(world) == before, f"{bad.id}: the database changed"
