"""Docs that run: the README's example, its diagram and the examples/ scripts stay true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.definition.diagram import mermaid
from workflows import attribute_review, challenge, disclosure_request, publication_approval

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(lang: str) -> str:
    match = re.search(rf"```{lang}\n(.*?)```", README, re.S)
    assert match, f"README has no {lang} block"
    return match.group(1)


def test_readme_diagrams_are_the_current_definitions() -> None:
    blocks = re.findall(r"```mermaid\n(.*?)```", README, re.S)
    assert blocks == [mermaid(d) for d in (disclosure_request.definition(),
                                           publication_approval.definition(),
                                           attribute_review.definition(),
                                           challenge.definition())]


def test_readme_library_example_prints_what_its_comments_say(tmp_path: Path) -> None:
    code = _block("python")
    promised = [m.group(1).split(":")[0].strip()
                for m in re.finditer(r"^print\(.*?\)\s+# (.+)$", code, re.M)]
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    printed = run.stdout.splitlines()
    assert printed[:len(promised)] == promised


@pytest.mark.parametrize("script", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(script), str(tmp_path / "demo.db")], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "hash chain verified" in run.stdout


def test_demo_story_deadlines_worked_by_hand(tmp_path: Path) -> None:
    """The demo's dates, counted by hand from the 2025 schedule
    (国务院办公厅关于2025年部分节假日安排的通知): corrected request received 2025-09-30,
    consultation 09-30..10-15 leaves out nothing counted before it; 20 working days after 10-15
    end on 11-12; the extension (条例 33) adds 20 working days after 11-12, ending on 12-10."""
    script = ROOT / "examples" / "disclosure_request.py"
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "demo.db")],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "reply due: 2025-11-12" in out
    assert "reply due: 2025-12-10" in out
    assert "Outcome: disclosed" in out


def test_readme_lists_every_command() -> None:
    """The CLI table names every command ``gongkai --help`` lists (engine's and packages')."""
    from click.testing import CliRunner

    from engine.cli import main

    listing = CliRunner().invoke(main, ["--help"]).output.split("Commands:")[1]
    listing = listing.split("Exit codes")[0]  # the epilog lists the exit codes
    commands = {line.split()[0] for line in listing.splitlines() if line.strip()}
    table = README.split("## Command line")[1].split("\n## ")[0]
    missing = sorted(c for c in commands if f"`gongkai {c}" not in table)
    assert commands and not missing, missing


def test_testing_your_workflow_example_passes_then_shows_each_failure(tmp_path: Path) -> None:
    """The README's "Testing your own workflow": the adapted definition passes, a dead end is
    refused when registered, and a broken rule fails with the shrunk steps that break it."""
    script = ROOT / "examples" / "testing_your_workflow.py"
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "t.db")],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    passed = re.search(r"passed: (\d+) random runs, (\d+) requests started, reaching (.*); "
                       r"every invariant kept", out)
    assert passed and int(passed[1]) >= 10 and int(passed[2]) > 0
    assert len(passed[3].split(", ")) >= 3
    assert "refused: state 'archived' cannot reach any terminal state" in out
    failed = out.split("FAILED:")[1].split("4. One request")[0]
    assert "left accepted, not assigned" in failed
    steps = re.findall(r"^\s+(\d+)\. ", failed, re.M)
    assert steps and steps == [str(n) for n in range(1, len(steps) + 1)]
    assert "accept on" in failed


def test_readme_testing_example_prints_what_it_says(tmp_path: Path) -> None:
    code = README.split("## Testing your own workflow")[1].split("```python\n")[1].split("```")[0]
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["True None"]
