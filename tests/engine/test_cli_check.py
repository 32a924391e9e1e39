"""``gongkai check``: a sound definition passes, an invalid one lists its problems, a broken
invariant prints the shrunk run that breaks it, and usage errors are one line (exit 2)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine import Engine, Registry
from engine.cli import main
from engine.definition.io import definition_to_json
from tests.properties.letter import SEND, definition
from tests.properties.letter import registry as letter_registry

REGISTRY = "tests.properties.letter:registry"
FAST = ["--runs", "5", "--steps", "8", "--shrink-seconds", "5"]


def never_waits(engine: Engine, instance_id: str) -> None:
    """An invariant the letter breaks on purpose: no letter is ever left waiting."""
    assert engine.get(instance_id).state != "waiting", f"letter {instance_id} is waiting"


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *args])


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "letter.json"
    path.write_text(definition_to_json(definition()), encoding="utf-8")
    return path


def test_a_sound_workflow_passes(letter: Path) -> None:
    result = _run(str(letter), "--registry", REGISTRY, *FAST)
    assert result.exit_code == 0, result.output
    ok = result.output.splitlines()[-1]
    assert ok.startswith("ok: ") and ok.endswith("; no invariant broken")
    started = int(ok.split(", ")[1].split()[0])
    assert started > 0 and "states reached: " in ok


def test_the_same_seed_gives_the_same_verdict(letter: Path) -> None:
    runs = [_run(str(letter), "--registry", REGISTRY, "--seed", "7", *FAST) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0]
    assert runs[0].output == runs[1].output


def test_an_invalid_definition_lists_every_problem(tmp_path: Path) -> None:
    """A waiting state with no way out (``resume`` removed) cannot reach a terminal state, and a
    model the registry lacks: both are reported, one per line."""
    good = definition()
    broken = replace(good, transitions=tuple(
        t if t.trigger != "answer" else replace(t, data="letter.Missing")
        for t in good.transitions if t.trigger != "resume"))
    path = tmp_path / "broken.json"
    path.write_text(definition_to_json(broken), encoding="utf-8")
    result = _run(str(path), "--registry", REGISTRY, *FAST)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "invalid: letter v1 has 2 problems:"
    assert "  - state 'waiting' cannot reach any terminal state" in lines
    assert "  - transition 'answer': unknown data model 'letter.Missing'" in lines


def test_a_broken_invariant_prints_the_shrunk_run(letter: Path) -> None:
    """The shortest run that leaves a letter waiting: the day, the ``send`` that starts it, and
    the ``wait`` — numbered, then nothing else."""
    result = _run(str(letter), "--registry", REGISTRY, "--invariant",
                  f"{__name__}:never_waits", "--runs", "50", "--steps", "10",
                  "--shrink-seconds", "10")
    assert result.exit_code == 1, result.output
    out = result.output.split("shrunk counterexample:\n")
    assert "failed: AssertionError: letter " in out[0] and "is waiting" in out[0]
    assert "raised in never_waits (" in out[0]
    steps = out[1].splitlines()
    assert [s.split(".")[0].strip() for s in steps] == [str(n) for n in range(1, len(steps) + 1)]
    assert steps[0].startswith("  1. start on ")
    assert " start as " in steps[1] and steps[1].endswith("-> open")
    assert " wait on " in steps[-1] and steps[-1].endswith("-> waiting")
    assert len(steps) == 3


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must hold a JSON object, not list"),
])
def test_a_bad_file_is_a_one_line_usage_error(tmp_path: Path, content: str | None,
                                              message: str) -> None:
    path = tmp_path / "def.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = _run(str(path), "--registry", REGISTRY)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("spec", "message"), [
    ("no_colon", "is not 'module:attr'"),
    ("no_such_module_xyz:registry", "cannot import 'no_such_module_xyz'"),
    ("tests.properties.letter:nothing", "has no attribute 'nothing'"),
    ("tests.properties.letter:SEND", "is not an engine.Registry"),
])
def test_a_bad_registry_is_a_one_line_usage_error(letter: Path, spec: str, message: str
                                                  ) -> None:
    result = _run(str(letter), "--registry", spec)
    assert result.exit_code == 2
    assert message in result.output and "--registry" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_command_is_listed() -> None:
    assert "check" in json.dumps(CliRunner().invoke(main, ["--help"]).output)


def test_without_hypothesis_check_says_what_to_install(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "hypothesis", None)
    path = tmp_path / "letter.json"
    path.write_text(definition_to_json(definition()), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--registry", REGISTRY])
    assert result.exit_code == 2
    assert "pip install 'gongkai[testing]'" in result.output


def refuses_every_start(engine: Engine, instance_id: str) -> None:
    """Never called: nothing starts when the start data cannot pass."""
    raise AssertionError("an instance started")


def takes_nothing() -> None:
    """Not an invariant: it cannot be called with (engine, instance_id)."""


def test_a_run_that_starts_nothing_is_inconclusive_not_ok(tmp_path: Path) -> None:
    """A clean result that never started an instance tested nothing; it says so (exit 1)."""
    good = definition()
    start = good.start_trigger
    blocked = replace(good, transitions=tuple(
        replace(t, guards=("letter.never",)) if t.trigger == start else t
        for t in good.transitions))
    path = tmp_path / "blocked.json"
    path.write_text(definition_to_json(blocked), encoding="utf-8")
    result = _run(str(path), "--registry", f"{__name__}:blocking_registry",
                  "--invariant", f"{__name__}:refuses_every_start", *FAST)
    assert result.exit_code == 1, result.output
    last = result.output.splitlines()[-1]
    runs = int(last.removeprefix("inconclusive: ").split()[0])
    assert runs >= 5 and "runs, but no instance was started" in last


def blocking_registry() -> Registry:
    registry = Registry()
    registry.update(letter_registry())
    registry.guard("letter.never")(lambda ctx: "never")
    return registry


def test_an_invariant_that_cannot_take_engine_and_id_is_a_usage_error(letter: Path) -> None:
    result = _run(str(letter), "--registry", REGISTRY, "--invariant",
                  f"{__name__}:takes_nothing", *FAST)
    assert result.exit_code == 2
    assert "is not a function (engine, instance_id) -> None" in result.output


@pytest.mark.parametrize("change", [{"states": "abc"}, {"transitions": [None]},
                                    {"clocks": 5}])
def test_a_file_not_shaped_like_a_definition_is_one_line(letter: Path, tmp_path: Path,
                                                        change: dict[str, object]) -> None:
    raw = {**json.loads(letter.read_text(encoding="utf-8")), **change}
    path = tmp_path / "shape.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    result = _run(str(path), "--registry", REGISTRY)
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert result.exit_code == 1 or len(result.output.strip().splitlines()) == 1


def test_without_a_registry_the_problems_come_with_a_hint(letter: Path) -> None:
    result = _run(str(letter))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == len(set(lines))
    assert lines[-1].startswith("hint: ") and "--registry" in lines[-1]


LETTER_EXAMPLES = {"send": lambda today, instance: SEND}
"""Start data the letter's model accepts, for ``--examples``."""


def test_examples_take_runs_past_the_start(letter: Path) -> None:
    result = _run(str(letter), "--registry", REGISTRY, "--examples",
                  f"{__name__}:LETTER_EXAMPLES", *FAST)
    assert result.exit_code == 0, result.output
    assert "open" in result.output.splitlines()[-1].split("states reached: ")[1]
    bad = _run(str(letter), "--registry", REGISTRY, "--examples", f"{__name__}:REGISTRY")
    assert bad.exit_code == 2 and "is not a mapping of trigger names" in bad.output
